// GnuDIP over TCP: the salt, the signed request line exactly as sent, every reply, the
// user.domain rule and IPv4 only, against a scripted loopback server.
#include <gtest/gtest.h>

#include "closed_port.hpp"
#include "qdyn/protocols/gnudip_tcp.hpp"
#include "scripted_line_peer.hpp"

namespace qdyn::gnudip::tcp {
namespace {
namespace gnudip_tcp_client_test {

using test::ScriptedLinePeer;
using Strings = std::vector<std::string>;

const std::optional<IpAddress> kV4 = IpAddress::parse("203.0.113.7");
const std::optional<IpAddress> kV6 = IpAddress::parse("2001:db8::7");
constexpr const char* kSalt = "AbCdEfGh12";
// md5hex(md5hex("a") + "." + kSalt), computed independently.
constexpr const char* kHashForA = "2a531a3995998cb60462fdff76288978";

Settings settingsFor(std::uint16_t port, const std::string& password = "a") {
    Settings settings;
    settings.host = "127.0.0.1";
    settings.port = port;
    settings.timeout = std::chrono::milliseconds(3000);
    settings.username = "alice";
    settings.password = Secret(password);
    return settings;
}

UpdateRequest request(Strings hosts, std::optional<IpAddress> v4 = kV4, std::optional<IpAddress> v6 = std::nullopt) {
    return UpdateRequest{std::move(hosts), std::move(v4), std::move(v6)};
}

TEST(GnudipTcpTest, SaltAndRequestLine) {
    EXPECT_TRUE(isSalt(kSalt));
    for (const char* salt : {"", "AbCdEfGh1", "AbCdEfGh123", "AbCd:fGh12", "AbCd fGh12", "AbCd\tfGh12"}) {
        EXPECT_FALSE(isSalt(salt)) << salt;
    }
    EXPECT_EQ(buildRequest("alice", kHashForA, "example.test", RequestCode::SetAddress, kV4),
              std::string("alice:") + kHashForA + ":example.test:0:203.0.113.7");
    EXPECT_EQ(buildRequest("alice", std::nullopt, "example.test", RequestCode::ConnectingAddress, kV4),
              "alice:***:example.test:2");
    EXPECT_EQ(buildRequest("alice", std::nullopt, "example.test", RequestCode::Offline, std::nullopt),
              "alice:***:example.test:1");
}

TEST(GnudipTcpTest, SortsReplies) {
    const std::string host = "alice.example.test";
    EXPECT_EQ(classifyReply(host, "0", RequestCode::SetAddress).outcome, OutcomeClass::Updated);
    EXPECT_EQ(classifyReply(host, "1", RequestCode::SetAddress).outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyReply(host, "2", RequestCode::SetAddress).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply(host, "0:203.0.113.7", RequestCode::SetAddress).outcome, OutcomeClass::RetryLater);
    const HostOutcome peer = classifyReply(host, "0:198.51.100.9", RequestCode::ConnectingAddress);
    EXPECT_EQ(peer.outcome, OutcomeClass::Updated);
    EXPECT_EQ(peer.addresses, (std::vector<IpAddress>{*IpAddress::parse("198.51.100.9")}));
    EXPECT_EQ(classifyReply(host, "0", RequestCode::ConnectingAddress).outcome, OutcomeClass::Updated);
    EXPECT_EQ(classifyReply(host, "0:2001:db8::7", RequestCode::ConnectingAddress).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply(host, "0:junk", RequestCode::ConnectingAddress).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply(host, "2", RequestCode::Offline).outcome, OutcomeClass::Updated);
    EXPECT_EQ(classifyReply(host, "0", RequestCode::Offline).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply(host, "1", RequestCode::Offline).outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyReply(host, "", RequestCode::SetAddress).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply(host, "00", RequestCode::SetAddress).outcome, OutcomeClass::RetryLater);
}

TEST(GnudipTcpTest, TakesGnudipUrls) {
    Settings settings;
    ASSERT_TRUE(applyServerUrl(settings, "gnudip://gnudip.example.test"));
    EXPECT_EQ(settings.port, 3495);
    ASSERT_TRUE(applyServerUrl(settings, "gnudip://127.0.0.1:4000"));
    EXPECT_EQ(settings.port, 4000);
    EXPECT_FALSE(applyServerUrl(settings, "http://gnudip.example.test"));
}

TEST(GnudipTcpClientTest, SetsTheAddress) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation(kSalt, {"0"}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"alice.example.test"}));
    peer.join();
    EXPECT_EQ(peer.received(), (Strings{std::string("alice:") + kHashForA + ":example.test:0:203.0.113.7"}));
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated) << outcomes[0].detail;
}

TEST(GnudipTcpClientTest, ThePeersAddressOverIpv4) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation(kSalt, {"0:127.0.0.1"}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"ALICE.example.test"}, std::nullopt));
    peer.join();
    EXPECT_EQ(peer.received(), (Strings{std::string("alice:") + kHashForA + ":example.test:2"}));
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::Updated);
    EXPECT_EQ(outcomes.at(0).addresses, (std::vector<IpAddress>{*IpAddress::parse("127.0.0.1")}));
}

TEST(GnudipTcpClientTest, OneConnectionPerHostAndBadLogin) {
    ScriptedLinePeer peer(
        [](ScriptedLinePeer::Connection& c, std::size_t index) {
            c.sendLine(kSalt);
            (void)c.readLine();
            c.sendLine(index == 0 ? "0" : "1");
        },
        2);
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"alice.example.test", "alice.example.org"}));
    peer.join();
    EXPECT_EQ(peer.accepted(), 2U);
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated);
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(outcomes[1].code, "1");
}

TEST(GnudipTcpClientTest, GoesOffline) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation(kSalt, {"2"}));
    Client client(settingsFor(peer.port()));
    const HostOutcome outcome = client.goOffline("alice.example.test");
    peer.join();
    EXPECT_EQ(peer.received(), (Strings{std::string("alice:") + kHashForA + ":example.test:1"}));
    EXPECT_EQ(outcome.outcome, OutcomeClass::Updated) << outcome.detail;
}

TEST(GnudipTcpClientTest, RefusesForeignHostsAndIpv6OnlyWithoutConnecting) {
    const test::ClosedPort closed;
    Client client(settingsFor(closed.port()));
    const auto foreign = client.update(request({"bob.example.test", "alice", "alicex.example.test"}));
    ASSERT_EQ(foreign.size(), 3U);
    for (const auto& outcome : foreign) {
        EXPECT_EQ(outcome.outcome, OutcomeClass::HostRejected);
        EXPECT_NE(outcome.detail.find("must start with \"alice.\""), std::string::npos) << outcome.detail;
    }
    const auto v6only = client.update(request({"alice.example.test"}, std::nullopt, kV6));
    EXPECT_EQ(v6only.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(v6only.at(0).code, "ipv6-only");
}

TEST(GnudipTcpClientTest, Ipv6IsNotedWhenBothAreKnown) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation(kSalt, {"0"}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"alice.example.test"}, kV4, kV6));
    peer.join();
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::Updated);
    EXPECT_NE(outcomes.at(0).detail.find("IPv6 address was not sent"), std::string::npos);
    EXPECT_EQ(peer.received().at(0).find("2001:db8"), std::string::npos);
}

TEST(GnudipTcpClientTest, ServerTroubleIsRetryLater) {
    // No salt: a line that is not one, a server that closes, one that stays silent.
    ScriptedLinePeer notSalt(ScriptedLinePeer::conversation("hello there, client", {}));
    Client a(settingsFor(notSalt.port()));
    const auto badSalt = a.update(request({"alice.example.test"}));
    EXPECT_EQ(badSalt.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(badSalt.at(0).code, "no-salt");
    notSalt.join();
    EXPECT_TRUE(notSalt.received().empty()) << "nothing is signed with a bad salt";

    ScriptedLinePeer closes([](ScriptedLinePeer::Connection&, std::size_t) {});
    Client b(settingsFor(closes.port()));
    EXPECT_EQ(b.update(request({"alice.example.test"})).at(0).outcome, OutcomeClass::RetryLater);

    ScriptedLinePeer silent([](ScriptedLinePeer::Connection& c, std::size_t) { c.drain(); });
    Settings quick = settingsFor(silent.port());
    quick.timeout = std::chrono::milliseconds(200);
    Client c(std::move(quick));
    const auto timedOut = c.update(request({"alice.example.test"}));
    EXPECT_EQ(timedOut.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_NE(timedOut.at(0).detail.find("timed out"), std::string::npos) << timedOut.at(0).detail;

    // Salt, then the server hangs up instead of replying.
    ScriptedLinePeer hangsUp(ScriptedLinePeer::conversation(kSalt, {""}));
    Client d(settingsFor(hangsUp.port()));
    const auto cut = d.update(request({"alice.example.test"}));
    EXPECT_EQ(cut.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_NE(cut.at(0).detail.find("closed the connection"), std::string::npos) << cut.at(0).detail;

    // An over-long reply.
    ScriptedLinePeer longReply(ScriptedLinePeer::conversation(kSalt, {std::string(3000, '0')}));
    Client e(settingsFor(longReply.port()));
    const auto tooLong = e.update(request({"alice.example.test"}));
    EXPECT_EQ(tooLong.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_NE(tooLong.at(0).detail.find("longer than"), std::string::npos) << tooLong.at(0).detail;
}

TEST(GnudipTcpClientTest, DescribeShowsNoSecret) {
    Client client(settingsFor(3495, "topsecret"));
    const auto lines = client.describe(request({"alice.example.test", "bob.example.test"}));
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_EQ(lines[0], "gnudip://127.0.0.1:3495: (reads a salt) alice:***:example.test:0:203.0.113.7");
    EXPECT_EQ(lines[1].rfind("nothing for bob.example.test", 0), 0U) << lines[1];
    for (const auto& line : lines)
        EXPECT_EQ(line.find("topsecret"), std::string::npos);
}

}  // namespace gnudip_tcp_client_test
}  // namespace
}  // namespace qdyn::gnudip::tcp
