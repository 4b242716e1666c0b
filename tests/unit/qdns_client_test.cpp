// QDNS client: the strict reply reader, the code-to-outcome table, and whole sessions against a
// scripted loopback server (what goes on the wire, every reply and failure, TLS).
#include <gtest/gtest.h>

#include "closed_port.hpp"
#include "qdyn/protocols/qdns.hpp"
#include "scripted_line_peer.hpp"
#include "temp_dir.hpp"
#include "test_certificate.hpp"

namespace qdyn::qdns {
namespace {
namespace qdns_client_test {

using test::ScriptedLinePeer;
using Strings = std::vector<std::string>;

const std::optional<IpAddress> kV4 = IpAddress::parse("203.0.113.7");
const std::optional<IpAddress> kV6 = IpAddress::parse("2001:db8::7");
constexpr const char* kHost = "home.dyn.example.test";

Settings settingsFor(std::uint16_t port, const std::string& user = "alice", const std::string& password = "s3cret") {
    Settings settings;
    settings.host = "127.0.0.1";
    settings.port = port;
    settings.timeout = std::chrono::milliseconds(3000);
    settings.username = user;
    settings.password = Secret(password);
    return settings;
}

UpdateRequest request(Strings hosts, std::optional<IpAddress> v4 = kV4, std::optional<IpAddress> v6 = std::nullopt) {
    return UpdateRequest{std::move(hosts), std::move(v4), std::move(v6)};
}

TEST(QdnsReplyTest, ReadsCodeAndText) {
    const auto ok = parseReply("200 OK");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->code, 200);
    EXPECT_EQ(ok->text, "OK");
    const auto addresses = parseReply("200 203.0.113.7 2001:db8::7");
    ASSERT_TRUE(addresses);
    EXPECT_EQ(addresses->text, "203.0.113.7 2001:db8::7");
    const auto bare = parseReply("500");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->code, 500);
    EXPECT_TRUE(bare->text.empty());
}

TEST(QdnsReplyTest, RefusesAnythingElse) {
    for (const char* line :
         {"", "20", "2000 OK", "200OK", "OK 200", "600 Nope", "099 x", "2a0 OK", "200\tOK", "-200 OK", " 200 OK"}) {
        EXPECT_FALSE(parseReply(line)) << line;
    }
    EXPECT_FALSE(parseReply(std::string("200 O\0K", 7)));
    EXPECT_FALSE(parseReply("200 \x1b[31mred"));
    EXPECT_FALSE(parseReply("200 " + std::string(600, 'x'))) << "longer than the spec's 512 octets";
}

TEST(QdnsReplyTest, SortsUpdateRepliesByCode) {
    auto classOf = [](const std::string& line) { return classifyUpdateReply(kHost, *parseReply(line)).outcome; };
    EXPECT_EQ(classOf("200 Updated"), OutcomeClass::Updated);
    EXPECT_EQ(classOf("200 OK"), OutcomeClass::Updated) << "the seed's server says 200 OK";
    EXPECT_EQ(classOf("200 Unchanged"), OutcomeClass::Unchanged);
    EXPECT_EQ(classOf("400 Syntax error: bad address"), OutcomeClass::HostRejected);
    EXPECT_EQ(classOf("401 Authentication required"), OutcomeClass::AuthFailed);
    EXPECT_EQ(classOf("403 Forbidden"), OutcomeClass::HostRejected);
    EXPECT_EQ(classOf("404 Not found"), OutcomeClass::HostRejected);
    EXPECT_EQ(classOf("421 Closing: idle"), OutcomeClass::RetryLater);
    EXPECT_EQ(classOf("429 Too many failures, retry in 300 s"), OutcomeClass::RetryLater);
    EXPECT_EQ(classOf("500 Server error"), OutcomeClass::RetryLater);
    EXPECT_EQ(classOf("201 Created"), OutcomeClass::RetryLater) << "unknown codes are not success";
    const HostOutcome throttled = classifyUpdateReply(kHost, *parseReply("429 Too many failures, retry in 300 s"));
    EXPECT_EQ(throttled.code, "429");
    EXPECT_NE(throttled.detail.find("wait 300 s"), std::string::npos) << throttled.detail;
}

TEST(QdnsReplyTest, LoginRepliesStopTheProfile) {
    for (const char* line : {"401 Authentication failed", "400 Syntax error: AUTH", "403 Forbidden"}) {
        EXPECT_EQ(classifyLoginReply(kHost, *parseReply(line)).outcome, OutcomeClass::AuthFailed) << line;
    }
    EXPECT_EQ(classifyLoginReply(kHost, *parseReply("429 Too many failures, retry in 60 s")).outcome,
              OutcomeClass::RetryLater);
    EXPECT_EQ(classifyLoginReply(kHost, *parseReply("500 Server error")).outcome, OutcomeClass::RetryLater);
}

TEST(QdnsReplyTest, ReadsQueryAddresses) {
    const auto both = parseAddresses("203.0.113.7 2001:db8::7");
    ASSERT_TRUE(both);
    EXPECT_EQ(*both, (std::vector<IpAddress>{*kV4, *kV6}));
    EXPECT_FALSE(parseAddresses(""));
    EXPECT_FALSE(parseAddresses("203.0.113.7 nonsense"));
    EXPECT_FALSE(parseAddresses("Updated"));
}

TEST(QdnsSettingsTest, TakesQdnsAndQdnssUrls) {
    Settings settings;
    ASSERT_TRUE(applyServerUrl(settings, "qdns://dyn.example.test"));
    EXPECT_EQ(settings.host, "dyn.example.test");
    EXPECT_EQ(settings.port, 7393);
    EXPECT_FALSE(settings.tls);
    ASSERT_TRUE(applyServerUrl(settings, "qdnss://[2001:db8::1]:8000/"));
    EXPECT_EQ(settings.host, "2001:db8::1");
    EXPECT_EQ(settings.port, 8000);
    EXPECT_TRUE(settings.tls);
    ASSERT_TRUE(applyServerUrl(settings, "QDNSS://dyn.example.test"));
    EXPECT_EQ(settings.port, 7394);
    EXPECT_FALSE(applyServerUrl(settings, "https://dyn.example.test"));
    EXPECT_FALSE(applyServerUrl(settings, "qdns://u:p@dyn.example.test"));
    EXPECT_FALSE(applyServerUrl(settings, "qdns://dyn.example.test/path"));
    EXPECT_FALSE(applyServerUrl(settings, "qdns://dyn.example.test:0"));
    EXPECT_FALSE(applyServerUrl(settings, "qdns://dyn.example.test:65536"));
}

TEST(QdnsSettingsTest, RefusesSecretsWithBlanks) {
    const auto blank = checkCredentials("alice", Secret("pass word"));
    ASSERT_FALSE(blank);
    EXPECT_NE(blank.message().find("password holding a blank"), std::string::npos) << blank.message();
    EXPECT_EQ(blank.message().find("pass word"), std::string::npos) << "never the secret itself";
    EXPECT_FALSE(checkCredentials("", Secret("tok\ten")));
    EXPECT_FALSE(checkCredentials("al ice", Secret("p")));
    EXPECT_FALSE(checkCredentials("alice", Secret(std::string(257, 'p'))));
    EXPECT_FALSE(checkCredentials("alice", Secret()));
    EXPECT_TRUE(checkCredentials("alice", Secret(std::string(256, 'p'))));
    EXPECT_TRUE(checkCredentials("", Secret("7Kq2Zr9Lw4Xv")));

    // The client refuses them too, without connecting.
    const test::ClosedPort closed;
    Client client(settingsFor(closed.port(), "alice", "pass word"));
    const auto outcomes = client.update(request({kHost}));
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(outcomes[0].code, "credentials");
}

TEST(QdnsClientTest, TheSeedsSession) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation("", {"200 OK", "200 Updated", "200 Bye"}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({kHost}));
    peer.join();
    EXPECT_EQ(peer.received(), (Strings{"AUTH alice s3cret", "UPDATE home.dyn.example.test 203.0.113.7", "QUIT"}));
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].host, kHost);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated) << outcomes[0].detail;
    EXPECT_EQ(outcomes[0].code, "200");
}

TEST(QdnsClientTest, TokenBothFamiliesAndCrlf) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation(
        "", {"200 OK\r", "200 Unchanged\r", "200 Unchanged", "200 Updated", "200 Updated", "200 Bye"}));
    Client client(settingsFor(peer.port(), "", "7Kq2Zr9Lw4Xv"));
    const auto outcomes = client.update(request({kHost, "b.dyn.example.test"}, kV4, kV6));
    peer.join();
    EXPECT_EQ(peer.received(),
              (Strings{"TOKEN 7Kq2Zr9Lw4Xv", "UPDATE home.dyn.example.test 203.0.113.7",
                       "UPDATE home.dyn.example.test 2001:db8::7", "UPDATE b.dyn.example.test 203.0.113.7",
                       "UPDATE b.dyn.example.test 2001:db8::7", "QUIT"}));
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Unchanged);
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::Updated);
}

TEST(QdnsClientTest, NoAddressLetsTheServerTakeThePeers) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation("", {"200 OK", "200 Updated", "200 Bye"}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({kHost}, std::nullopt));
    peer.join();
    EXPECT_EQ(peer.received(), (Strings{"AUTH alice s3cret", "UPDATE home.dyn.example.test", "QUIT"}));
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::Updated);
}

TEST(QdnsClientTest, FailedLoginStopsEveryHostAndSendsNothingMore) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation("", {"401 Authentication failed", ""}));
    Client client(settingsFor(peer.port(), "alice", "wrong"));
    const auto outcomes = client.update(request({kHost, "b.dyn.example.test"}));
    peer.join();
    EXPECT_EQ(peer.received(), (Strings{"AUTH alice wrong"}));
    ASSERT_EQ(outcomes.size(), 2U);
    for (const auto& outcome : outcomes) {
        EXPECT_EQ(outcome.outcome, OutcomeClass::AuthFailed);
        EXPECT_EQ(outcome.code, "401");
    }
}

TEST(QdnsClientTest, ThrottledLoginNamesTheDelay) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation("", {"429 Too many failures, retry in 120 s", ""}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({kHost}));
    peer.join();
    EXPECT_EQ(peer.received(), (Strings{"AUTH alice s3cret"}));
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes.at(0).code, "429");
    EXPECT_NE(outcomes.at(0).detail.find("wait 120 s"), std::string::npos) << outcomes.at(0).detail;
}

TEST(QdnsClientTest, ForbiddenHostStopsOnlyThatHost) {
    ScriptedLinePeer peer(
        ScriptedLinePeer::conversation("", {"200 OK", "403 Forbidden", "404 Not found", "200 Updated", "200 Bye"}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"a.dyn.example.test", "b.dyn.example.test", "c.dyn.example.test"}));
    peer.join();
    ASSERT_EQ(outcomes.size(), 3U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(outcomes[0].code, "403");
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(outcomes[1].code, "404");
    EXPECT_EQ(outcomes[2].outcome, OutcomeClass::Updated);
    EXPECT_EQ(peer.received().back(), "QUIT");
}

TEST(QdnsClientTest, OneStaticFamilyMergesIntoTheHostsOutcome) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation("", {"200 OK", "200 Updated", "403 Forbidden", "200 Bye"}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({kHost}, kV4, kV6));
    peer.join();
    EXPECT_EQ(peer.received().size(), 4U) << "both families are sent";
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::HostRejected);
}

TEST(QdnsClientTest, ServerErrorAndInvalidHost) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation(
        "", {"200 OK", "500 Server error", "400 Syntax error: invalid host", "200 Bye"}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"a.dyn.example.test", "b..example.test"}));
    peer.join();
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes.at(0).code, "500");
    EXPECT_EQ(outcomes.at(1).outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(outcomes.at(1).code, "400");
}

TEST(QdnsClientTest, ClosingSessionLeavesTheRestForLater) {
    ScriptedLinePeer peer(
        ScriptedLinePeer::conversation("", {"200 OK", "200 Updated", "421 Closing: session limit", ""}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"a.dyn.example.test", "b.dyn.example.test", "c.dyn.example.test"}));
    peer.join();
    EXPECT_EQ(peer.received().size(), 3U) << "nothing after 421";
    ASSERT_EQ(outcomes.size(), 3U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated);
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes[1].code, "421");
    EXPECT_EQ(outcomes[2].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes[2].detail.rfind("not sent: ", 0), 0U) << outcomes[2].detail;
}

TEST(QdnsClientTest, ServerClosingEarlyIsRetryLater) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation("", {"200 OK", ""}));
    Client client(settingsFor(peer.port()));
    const auto outcomes = client.update(request({"a.dyn.example.test", "b.dyn.example.test"}));
    peer.join();
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes[0].code, "network");
    EXPECT_NE(outcomes[0].detail.find("closed the connection"), std::string::npos) << outcomes[0].detail;
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::RetryLater);
}

TEST(QdnsClientTest, OverlongAndGarbledRepliesAreRetryLater) {
    ScriptedLinePeer longLine([](ScriptedLinePeer::Connection& c, std::size_t) {
        (void)c.readLine();
        c.sendLine("200 " + std::string(600, 'x'));
        c.drain();
    });
    Client client(settingsFor(longLine.port()));
    const auto outcomes = client.update(request({kHost}));
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_NE(outcomes.at(0).detail.find("longer than 512 octets"), std::string::npos) << outcomes.at(0).detail;

    ScriptedLinePeer garbled(ScriptedLinePeer::conversation("", {"HELLO there"}));
    Client other(settingsFor(garbled.port()));
    const auto garbledOutcomes = other.update(request({kHost}));
    EXPECT_EQ(garbledOutcomes.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_NE(garbledOutcomes.at(0).detail.find("unrecognised reply"), std::string::npos);
}

TEST(QdnsClientTest, SilentServerTimesOut) {
    ScriptedLinePeer peer([](ScriptedLinePeer::Connection& c, std::size_t) { c.drain(); });
    Settings settings = settingsFor(peer.port());
    settings.timeout = std::chrono::milliseconds(200);
    Client client(std::move(settings));
    const auto started = std::chrono::steady_clock::now();
    const auto outcomes = client.update(request({kHost}));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_NE(outcomes.at(0).detail.find("timed out"), std::string::npos) << outcomes.at(0).detail;
}

TEST(QdnsClientTest, RefusedConnectionIsRetryLater) {
    const test::ClosedPort closed;
    Client client(settingsFor(closed.port()));
    const auto outcomes = client.update(request({kHost, "b.dyn.example.test"}));
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes[0].code, "network");
}

TEST(QdnsClientTest, QueryReturnsTheAddresses) {
    ScriptedLinePeer peer(ScriptedLinePeer::conversation("", {"200 203.0.113.7 2001:db8::7", "200 Bye"}));
    Client client(settingsFor(peer.port()));
    const auto addresses = client.query(kHost);
    peer.join();
    ASSERT_TRUE(addresses) << addresses.message();
    EXPECT_EQ(*addresses, (std::vector<IpAddress>{*kV4, *kV6}));
    EXPECT_EQ(peer.received(), (Strings{"QUERY home.dyn.example.test", "QUIT"}));

    ScriptedLinePeer none(ScriptedLinePeer::conversation("", {"404 Not found", "200 Bye"}));
    Client other(settingsFor(none.port()));
    const auto empty = other.query(kHost);
    ASSERT_TRUE(empty) << empty.message();
    EXPECT_TRUE(empty->empty());

    ScriptedLinePeer broken(ScriptedLinePeer::conversation("", {"200 not-an-address", "200 Bye"}));
    Client third(settingsFor(broken.port()));
    EXPECT_FALSE(third.query(kHost));
    EXPECT_FALSE(third.query("two words"));
}

TEST(QdnsClientTest, DescribeShowsNoSecret) {
    Client client(settingsFor(7393, "alice", "s3cret"));
    const auto lines = client.describe(request({kHost}, kV4, kV6));
    EXPECT_EQ(lines, (Strings{"qdns://127.0.0.1:7393: AUTH alice ***",
                              "qdns://127.0.0.1:7393: UPDATE home.dyn.example.test 203.0.113.7",
                              "qdns://127.0.0.1:7393: UPDATE home.dyn.example.test 2001:db8::7",
                              "qdns://127.0.0.1:7393: QUIT"}));
    Client token(settingsFor(7393, "", "7Kq2Zr9Lw4Xv"));
    for (const auto& line : token.describe(request({kHost}))) {
        EXPECT_EQ(line.find("7Kq2Zr9Lw4Xv"), std::string::npos) << line;
    }
    EXPECT_EQ(token.describe(request({kHost})).front(), "qdns://127.0.0.1:7393: TOKEN ***");
}

TEST(QdnsTlsTest, VerifiesTheCertificateAndSpeaksInsideTls) {
    const test::TempDir dir;
    const test::TestCertificate certificate = test::makeTestCertificate(dir.path());
    ScriptedLinePeer peer(ScriptedLinePeer::conversation("", {"200 OK", "200 Updated", "200 Bye"}), 1,
                          std::make_pair(certificate.certificate, certificate.key));
    Settings settings = settingsFor(peer.port());
    settings.tls = true;
    settings.caFile = certificate.certificate.string();
    Client client(std::move(settings));
    const auto outcomes = client.update(request({kHost}));
    peer.join();
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::Updated) << outcomes.at(0).detail;
    EXPECT_EQ(peer.received(), (Strings{"AUTH alice s3cret", "UPDATE home.dyn.example.test 203.0.113.7", "QUIT"}));
}

TEST(QdnsTlsTest, AnUntrustedCertificateSendsNoPassword) {
    const test::TempDir dir;
    const test::TestCertificate certificate = test::makeTestCertificate(dir.path());
    const test::TestCertificate other = test::makeTestCertificate(dir.path(), "other");
    ScriptedLinePeer peer(ScriptedLinePeer::conversation("", {"200 OK", "200 Updated", "200 Bye"}), 1,
                          std::make_pair(certificate.certificate, certificate.key));
    Settings settings = settingsFor(peer.port());
    settings.tls = true;
    settings.caFile = other.certificate.string();
    Client client(std::move(settings));
    const auto outcomes = client.update(request({kHost}));
    peer.join();
    EXPECT_EQ(outcomes.at(0).outcome, OutcomeClass::RetryLater);
    EXPECT_NE(outcomes.at(0).detail.find("TLS handshake"), std::string::npos) << outcomes.at(0).detail;
    EXPECT_TRUE(peer.received().empty());
}

TEST(QdnsTlsTest, ByNameAndWithVerificationOff) {
    const test::TempDir dir;
    const test::TestCertificate certificate = test::makeTestCertificate(dir.path());
    ScriptedLinePeer peer(ScriptedLinePeer::conversation("", {"200 OK", "200 Updated", "200 Bye"}), 2,
                          std::make_pair(certificate.certificate, certificate.key));
    // "localhost" is a name the certificate carries (and is sent as SNI).
    Settings settings = settingsFor(peer.port());
    settings.tls = true;
    settings.caFile = certificate.certificate.string();
    settings.host = "localhost";
    Client named(std::move(settings));
    const auto outcome = named.update(request({kHost})).at(0);
    EXPECT_EQ(outcome.outcome, OutcomeClass::Updated) << outcome.detail;
    // tls_verify = false: an untrusted certificate is accepted.
    Settings off = settingsFor(peer.port());
    off.tls = true;
    off.verifyTls = false;
    Client unverified(std::move(off));
    EXPECT_EQ(unverified.update(request({kHost})).at(0).outcome, OutcomeClass::Updated);
}

}  // namespace qdns_client_test
}  // namespace
}  // namespace qdyn::qdns
