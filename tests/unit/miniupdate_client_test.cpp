// miniupdate client: the reply reader, the MD5 challenge response, and whole sessions against a
// scripted loopback server, above all that nothing at all is sent after an ERR.
#include <gtest/gtest.h>

#include "closed_port.hpp"
#include "qdyn/protocols/miniupdate.hpp"
#include "qdyn/version.hpp"
#include "scripted_line_peer.hpp"

namespace qdyn::miniupdate {
namespace {
namespace miniupdate_client_test {

using test::ScriptedLinePeer;
using Strings = std::vector<std::string>;

const std::optional<IpAddress> kV4 = IpAddress::parse("203.0.113.7");
const std::optional<IpAddress> kV6 = IpAddress::parse("2001:db8::7");
constexpr const char* kBanner = "miniDNS.net Update Server 0.8.1 (Build 21)";
constexpr const char* kChallenge = "0e2950658c15c2c5e25aafe5c90c1234";
// md5hex(md5hex("a") + kChallenge), md5hex("a") = 0cc175b9c0f1b6a831c399e269772661.
constexpr const char* kResponseForA = "49d58580997645fa91a52d873fcace16";

Settings settingsFor(std::uint16_t port, const std::string& password = "a") {
    Settings settings;
    settings.host = "127.0.0.1";
    settings.port = port;
    settings.timeout = std::chrono::milliseconds(3000);
    settings.username = "foo";
    settings.password = Secret(password);
    return settings;
}

UpdateRequest request(Strings hosts, std::optional<IpAddress> v4 = kV4, std::optional<IpAddress> v6 = std::nullopt) {
    return UpdateRequest{std::move(hosts), std::move(v4), std::move(v6)};
}

std::string agentLine() {
    return std::string("AGENT qdyn/") + kVersion;
}

// The replies of a good login, then `more`.
Strings loggedIn(Strings more) {
    Strings replies{"OK Agent accepted", std::string("CHALLENGE ") + kChallenge, "OK Authenticated"};
    replies.insert(replies.end(), more.begin(), more.end());
    return replies;
}

Strings loginLines() {
    return {agentLine(), "LOGIN foo digest-md5-text", std::string("RESPONSE ") + kResponseForA};
}

TEST(MiniupdateReplyTest, ReadsStatusAndText) {
    const auto ok = parseReply("OK EXAMPLE.MINIDNS.NET mapped to 1.2.3.4");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, Status::Ok);
    EXPECT_EQ(ok->text, "EXAMPLE.MINIDNS.NET mapped to 1.2.3.4");
    EXPECT_EQ(parseReply("ERR Invalid login")->status, Status::Err);
    EXPECT_EQ(parseReply("err")->status, Status::Err);
    EXPECT_EQ(parseReply(std::string("CHALLENGE ") + kChallenge)->text, kChallenge);
    for (const char* line : {"", "OKAY fine", "200 OK", " OK", "OK\tx", "ERROR x"}) {
        EXPECT_FALSE(parseReply(line)) << line;
    }
}

TEST(MiniupdateReplyTest, ChallengeIs32LowerHex) {
    EXPECT_TRUE(isChallenge(kChallenge));
    EXPECT_FALSE(isChallenge("0E2950658C15C2C5E25AAFE5C90C1234"));
    EXPECT_FALSE(isChallenge("0e2950658c15c2c5e25aafe5c90c123"));
    EXPECT_FALSE(isChallenge("0e2950658c15c2c5e25aafe5c90c12345"));
    EXPECT_FALSE(isChallenge("0e2950658c15c2c5e25aafe5c90cxxxx"));
}

TEST(MiniupdateReplyTest, ResponseIsTheMd5OfTheMd5AndTheChallenge) {
    const auto response = challengeResponse(Secret("a"), kChallenge);
    ASSERT_TRUE(response) << response.message();
    EXPECT_EQ(response->reveal(), kResponseForA);
    EXPECT_EQ(challengeResponse(Secret("topsecret"), kChallenge)->reveal(), "8c02b9b55f2adeb212f940e0091bf3cf");
}

TEST(MiniupdateReplyTest, SortsUpdateReplies) {
    const HostOutcome mapped =
        classifyUpdateReply("example.minidns.net", *parseReply("OK EXAMPLE.MINIDNS.NET mapped to 1.2.3.4"));
    EXPECT_EQ(mapped.outcome, OutcomeClass::Updated);
    ASSERT_EQ(mapped.addresses.size(), 1U);
    EXPECT_EQ(mapped.addresses[0], *IpAddress::parse("1.2.3.4"));
    EXPECT_EQ(classifyUpdateReply("a.example.test", *parseReply("OK B.EXAMPLE.TEST mapped to 1.2.3.4")).outcome,
              OutcomeClass::RetryLater)
        << "success for another host is not ours";
    EXPECT_EQ(classifyUpdateReply("a.example.test", *parseReply("OK done")).outcome, OutcomeClass::Updated);
    EXPECT_EQ(classifyUpdateReply("a.example.test", *parseReply("ERR Host not found")).outcome,
              OutcomeClass::HostRejected);
    EXPECT_EQ(classifyUpdateReply("a.example.test", *parseReply("ERR Authentication required")).outcome,
              OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyUpdateReply("a.example.test", *parseReply("ERR blocked for abuse")).outcome, OutcomeClass::Abuse);
    EXPECT_EQ(classifyUpdateReply("a.example.test", *parseReply("ERR")).outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(
        classifyUpdateReply("a.example.test", *parseReply("ERR Host A.EXAMPLE.TEST is not yours to update")).outcome,
        OutcomeClass::HostRejected);
    EXPECT_EQ(classifyUpdateReply("a.example.test", *parseReply("ERR Login required")).outcome,
              OutcomeClass::AuthFailed);
    // Every ERR stops, a server fault too (seed 001: the client must stop retrying).
    EXPECT_EQ(classifyUpdateReply("a.example.test", *parseReply("ERR server error, try later")).outcome,
              OutcomeClass::Abuse);
}

TEST(MiniupdateReplyTest, ErrTextsThatSayMoreThanTheStep) {
    EXPECT_EQ(classifyErr("Too many failures, retry in 60 s", OutcomeClass::AuthFailed), OutcomeClass::Abuse);
    EXPECT_EQ(classifyErr("Too many commands, 10 per session", OutcomeClass::AuthFailed), OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyErr("Idle timeout", OutcomeClass::HostRejected), OutcomeClass::Abuse);
    EXPECT_EQ(classifyErr("Authentication failed", OutcomeClass::HostRejected), OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyErr("Banned", OutcomeClass::AuthFailed), OutcomeClass::Abuse);
    EXPECT_EQ(classifyErr("Invalid host name x", OutcomeClass::HostRejected), OutcomeClass::HostRejected);
    EXPECT_EQ(classifyErr("", OutcomeClass::Abuse), OutcomeClass::Abuse);
}

TEST(MiniupdateSettingsTest, TakesMiniupdateUrls) {
    Settings settings;
    ASSERT_TRUE(applyServerUrl(settings, "miniupdate://update.minidns.net"));
    EXPECT_EQ(settings.host, "update.minidns.net");
    EXPECT_EQ(settings.port, 9120);
    ASSERT_TRUE(applyServerUrl(settings, "miniupdate://127.0.0.1:9999"));
    EXPECT_EQ(settings.port, 9999);
    EXPECT_FALSE(applyServerUrl(settings, "qdns://update.minidns.net"));
}

TEST(MiniupdateClientTest, TheSeedsSession) {
    ScriptedLinePeer peer(
        ScriptedLinePeer::conversation(kBanner, loggedIn({"OK EXAMPLE.MINIDNS.NET mapped to 203.0.113.7", "OK Bye!"})));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"example.minidns.net"}));
    peer.join();
    Strings expected = loginLines();
    expected.push_back("A_UPDATE online example.minidns.net 203.0.113.7");
    expected.push_back("EXIT");
    EXPECT_EQ(peer.received(), expected);
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated) << outcomes[0].detail;
    ASSERT_EQ(outcomes[0].addresses.size(), 1U);
    EXPECT_EQ(outcomes[0].addresses[0], *kV4);
}

TEST(MiniupdateClientTest, BothFamiliesAndThePeersAddress) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation(
        kBanner,
        loggedIn({"OK H.EXAMPLE.TEST mapped to 203.0.113.7", "OK H.EXAMPLE.TEST mapped to 2001:db8::7", "OK Bye!"})));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"h.example.test"}, kV4, kV6));
    peer.join();
    const Strings received = peer.received();
    ASSERT_EQ(received.size(), 6U);
    EXPECT_EQ(received[3], "A_UPDATE online h.example.test 203.0.113.7");
    EXPECT_EQ(received[4], "A_UPDATE online h.example.test 2001:db8::7");
    EXPECT_EQ(outcomes.at(0).addresses, (std::vector<IpAddress>{*kV4, *kV6}));

    ScriptedLinePeer bare(
        ScriptedLinePeer::conversation(kBanner, loggedIn({"OK H.EXAMPLE.TEST mapped to 198.51.100.9", "OK Bye!"})));
    Client other(settingsFor(bare.port()));
    const auto peerAddress = other.update(request({"h.example.test"}, std::nullopt));
    bare.join();
    EXPECT_EQ(bare.received().at(3), "A_UPDATE online h.example.test");
    EXPECT_EQ(peerAddress.at(0).addresses.at(0), *IpAddress::parse("198.51.100.9"));
}

TEST(MiniupdateClientTest, ErrAtLoginStopsWithoutAnotherCommand) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation(kBanner, {"OK Agent accepted", "ERR Unknown user"}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"a.example.test", "b.example.test"}));
    peer.join();
    EXPECT_EQ(peer.received(), (Strings{agentLine(), "LOGIN foo digest-md5-text"})) << "not even EXIT";
    ASSERT_EQ(outcomes.size(), 2U);
    for (const auto& outcome : outcomes) {
        EXPECT_EQ(outcome.outcome, OutcomeClass::AuthFailed);
        EXPECT_EQ(outcome.code, "ERR");
    }
}

TEST(MiniupdateClientTest, ErrToTheResponseIsAuthFailed) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation(
        kBanner, {"OK Agent accepted", std::string("CHALLENGE ") + kChallenge, "ERR Authentication failed"}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"a.example.test"}));
    peer.join();
    EXPECT_EQ(peer.received(), loginLines());
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::AuthFailed);
}

TEST(MiniupdateClientTest, AThrottledLoginNamesTheWait) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation(
        kBanner,
        {"OK Agent accepted", std::string("CHALLENGE ") + kChallenge, "ERR Too many failures, retry in 90 s"}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"a.example.test"}));
    peer.join();
    EXPECT_EQ(peer.received(), loginLines()) << "nothing after ERR";
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::Abuse);
    EXPECT_TRUE(isStopping(outcomes.at(0).outcome));
    EXPECT_NE(outcomes.at(0).detail.find("wait 90 s"), std::string::npos) << outcomes.at(0).detail;
}

TEST(MiniupdateClientTest, ErrToAgentOrInTheBannerIsAbuse) {
    ScriptedLinePeer agent(ScriptedLinePeer::conversation(kBanner, {"ERR Client banned"}));
    Client client(settingsFor(agent.port()));
    EXPECT_EQ(client.update(request({"a.example.test"})).at(0).outcome, OutcomeClass::Abuse);
    agent.join();
    EXPECT_EQ(agent.received(), (Strings{agentLine()}));

    ScriptedLinePeer banner(ScriptedLinePeer::conversation("ERR Too many connections", {}));
    Client other(settingsFor(banner.port()));
    EXPECT_EQ(other.update(request({"a.example.test"})).at(0).outcome, OutcomeClass::Abuse);
    banner.join();
    EXPECT_TRUE(banner.received().empty());
}

TEST(MiniupdateClientTest, ErrOnAnUpdateStopsTheSessionForGood) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation(
        kBanner, loggedIn({"OK A.EXAMPLE.TEST mapped to 203.0.113.7", "ERR Host not yours", "OK never"})));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"a.example.test", "b.example.test", "c.example.test"}));
    peer.join();
    Strings expected = loginLines();
    expected.push_back("A_UPDATE online a.example.test 203.0.113.7");
    expected.push_back("A_UPDATE online b.example.test 203.0.113.7");
    EXPECT_EQ(peer.received(), expected) << "nothing after ERR, not even EXIT";
    EXPECT_EQ(peer.accepted(), 1U) << "and no second session";
    ASSERT_EQ(outcomes.size(), 3U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated);
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(outcomes[2].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes[2].code, "not-sent");
}

TEST(MiniupdateClientTest, AMalformedChallengeIsNotAnswered) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation(kBanner, {"OK Agent accepted", "CHALLENGE 0E29XYZ"}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"a.example.test"}));
    peer.join();
    EXPECT_EQ(peer.received(), (Strings{agentLine(), "LOGIN foo digest-md5-text"}));
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_NE(outcomes.at(0).detail.find("32 lower-case hex"), std::string::npos) << outcomes.at(0).detail;

    ScriptedLinePeer wrongStatus(ScriptedLinePeer::conversation(kBanner, {"OK Agent accepted", "OK no challenge"}));
    Client other(settingsFor(wrongStatus.port()));
    EXPECT_EQ(other.update(request({"a.example.test"})).at(0).outcome, OutcomeClass::RetryLater);
}

TEST(MiniupdateClientTest, MoreThanSixUpdatesTakeASecondSession) {
    ScriptedLinePeer peer(
        [](ScriptedLinePeer::Connection& c, std::size_t) {
            c.sendLine(kBanner);
            (void)c.readLine();
            c.sendLine("OK Agent accepted");
            (void)c.readLine();
            c.sendLine(std::string("CHALLENGE ") + kChallenge);
            (void)c.readLine();
            c.sendLine("OK Authenticated");
            while (const auto line = c.readLine()) {
                if (*line == "EXIT") {
                    c.sendLine("OK Bye!");
                    break;
                }
                c.sendLine("OK done");
            }
            c.drain();
        },
        2);
    Client client(settingsFor(peer.port()));
    Strings hosts;
    for (int i = 0; i < 4; ++i)
        hosts.push_back("h" + std::to_string(i) + ".example.test");
    const auto outcomes = client.update(request(hosts, kV4, kV6));
    peer.join();
    EXPECT_EQ(peer.accepted(), 2U);
    ASSERT_EQ(outcomes.size(), 4U);
    for (const auto& outcome : outcomes)
        EXPECT_EQ(outcome.outcome, OutcomeClass::Updated) << outcome.detail;
    const Strings received = peer.received();
    ASSERT_EQ(received.size(), 16U);  // 2 x (AGENT LOGIN RESPONSE EXIT) + 8 A_UPDATE
    EXPECT_EQ(received[9], "EXIT") << "10 commands in the first session, EXIT last";
    EXPECT_EQ(received[10], agentLine());
}

TEST(MiniupdateClientTest, NetworkTroubleIsRetryLater) {
    // Banner missing: the server accepts and says nothing.
    ScriptedLinePeer silent([](ScriptedLinePeer::Connection& c, std::size_t) { c.drain(); });
    Settings settings = settingsFor(silent.port());
    settings.timeout = std::chrono::milliseconds(200);
    Client client(std::move(settings));
    const auto outcomes = client.update(request({"a.example.test"}));
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_NE(outcomes.at(0).detail.find("no banner"), std::string::npos) << outcomes.at(0).detail;
    EXPECT_NE(outcomes.at(0).detail.find("timed out"), std::string::npos) << outcomes.at(0).detail;

    // Closed right after the login.
    ScriptedLinePeer early(ScriptedLinePeer::conversation(kBanner, loggedIn({""})));
    Client other(settingsFor(early.port()));
    const auto closed = other.update(request({"a.example.test"}));
    EXPECT_EQ(closed.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_NE(closed.at(0).detail.find("closed the connection"), std::string::npos) << closed.at(0).detail;

    // An over-long reply line.
    ScriptedLinePeer longLine([](ScriptedLinePeer::Connection& c, std::size_t) {
        c.sendLine(std::string(2000, 'x'));
        c.drain();
    });
    Client third(settingsFor(longLine.port()));
    const auto tooLong = third.update(request({"a.example.test"}));
    EXPECT_EQ(tooLong.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_NE(tooLong.at(0).detail.find("longer than 1024 octets"), std::string::npos) << tooLong.at(0).detail;

    const test::ClosedPort closedPort;
    Client fourth(settingsFor(closedPort.port()));
    EXPECT_EQ(fourth.update(request({"a.example.test"})).at(0).outcome, OutcomeClass::RetryLater);
}

TEST(MiniupdateClientTest, DescribeShowsNoSecret) {
    Client client(settingsFor(9120, "topsecret"));
    const auto lines = client.describe(request({"h.example.test"}, kV4, kV6));
    const std::string prefix = "miniupdate://127.0.0.1:9120: ";
    ASSERT_EQ(lines.size(), 6U);
    EXPECT_EQ(lines[0], prefix + agentLine());
    EXPECT_EQ(lines[1], prefix + "LOGIN foo digest-md5-text");
    EXPECT_EQ(lines[3], prefix + "A_UPDATE online h.example.test 203.0.113.7");
    EXPECT_EQ(lines[5], prefix + "EXIT");
    for (const auto& line : lines)
        EXPECT_EQ(line.find("topsecret"), std::string::npos) << line;
}

}  // namespace miniupdate_client_test
}  // namespace
}  // namespace qdyn::miniupdate
