// miniDNS HTTP client: areg.php URLs, the three documented replies taken apart exactly, and one
// request per address family merged into one outcome per host.
#include <gtest/gtest.h>

#include "closed_port.hpp"
#include "loopback_http_peer.hpp"
#include "qdyn/protocols/minidns.hpp"

namespace qdyn::minidns {
namespace {
namespace minidns_client_test {

using test::LoopbackHttpPeer;

const std::optional<IpAddress> kV4 = IpAddress::parse("203.0.113.7");
const std::optional<IpAddress> kV6 = IpAddress::parse("2001:db8::7");

Settings settingsFor(const std::string& baseUrl, const std::string& password = "topsecret") {
    Settings settings;
    settings.endpoint.baseUrl = baseUrl;
    settings.endpoint.path = std::string(kDefaultPath);
    settings.endpoint.timeout = std::chrono::milliseconds(3000);
    settings.username = "foo";
    settings.password = Secret(password);
    return settings;
}

TEST(MinidnsUrlTest, BuildsTheDocumentedUrl) {
    const Settings settings = settingsFor("http://www.minidns.net");
    EXPECT_EQ(buildUrl(settings, "bar.minidns.net", IpAddress::parse("1.2.3.4"), true),
              "http://www.minidns.net/areg.php?opcode=ADD&host=bar.minidns.net&username=foo&password=topsecret"
              "&ip=1.2.3.4");
    EXPECT_EQ(buildUrl(settings, "bar.minidns.net", kV6, true),
              "http://www.minidns.net/areg.php?opcode=ADD&host=bar.minidns.net&username=foo&password=topsecret"
              "&ip=2001:db8::7");
    // No address: no ip parameter, the server takes the connecting address.
    EXPECT_EQ(buildUrl(settings, "bar.minidns.net", std::nullopt, true),
              "http://www.minidns.net/areg.php?opcode=ADD&host=bar.minidns.net&username=foo&password=topsecret");
}

TEST(MinidnsUrlTest, EncodesCredentialsAndHidesThePassword) {
    Settings settings = settingsFor("https://m.example.test/", "p&ss=w rd");
    settings.username = "a b";
    EXPECT_EQ(buildUrl(settings, "h.example.test", kV4, true),
              "https://m.example.test/areg.php?opcode=ADD&host=h.example.test&username=a%20b&password=p%26ss%3Dw%20rd"
              "&ip=203.0.113.7");
    EXPECT_EQ(buildUrl(settings, "h.example.test", kV4, false),
              "https://m.example.test/areg.php?opcode=ADD&host=h.example.test&username=a%20b&password=***"
              "&ip=203.0.113.7");
}

TEST(MinidnsClassifierTest, ParsesTheSuccessLine) {
    const HostOutcome upper = classifyReply("bar.minidns.net", 200, "okay. BAR.MINIDNS.NET mapped to 1.2.3.4.");
    EXPECT_EQ(upper.outcome, OutcomeClass::Updated);
    EXPECT_EQ(upper.code, "okay");
    ASSERT_EQ(upper.addresses.size(), 1U);
    EXPECT_EQ(upper.addresses[0], *IpAddress::parse("1.2.3.4"));
    const HostOutcome v6 = classifyReply("bar.minidns.net", 200, "okay. bar.minidns.net mapped to 2001:db8::7.\r\n");
    EXPECT_EQ(v6.outcome, OutcomeClass::Updated);
    ASSERT_EQ(v6.addresses.size(), 1U);
    EXPECT_EQ(v6.addresses[0], *kV6);
}

TEST(MinidnsClassifierTest, MapsTheFailures) {
    const HostOutcome auth = classifyReply("h", 200, "auth_fail. Incorrect username/password/hostname.\n");
    EXPECT_EQ(auth.outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(auth.code, "auth_fail");
    const HostOutcome format = classifyReply("h", 200, "auth_fail. Host name format error.\n");
    EXPECT_EQ(format.outcome, OutcomeClass::HostRejected);
}

TEST(MinidnsClassifierTest, RefusesAnythingNotExactlyAReply) {
    for (const char* body : {
             "okay. bar.minidns.net mapped to 1.2.3.4",     // no final dot
             "okay. bar.minidns.net mapped to 1.2.3.400.",  // not an address
             "okay bar.minidns.net mapped to 1.2.3.4.",     // no dot after okay
             "OKAY. bar.minidns.net mapped to 1.2.3.4.",
             "okay. bar.minidns.net mapped to 1.2.3.4.\nokay. x mapped to 1.2.3.4.",
             "<html>okay. bar.minidns.net mapped to 1.2.3.4.</html>",
             "okay.",
             "auth_fail.",
             "auth_fail. incorrect username/password/hostname.",
             "",
         }) {
        EXPECT_EQ(classifyReply("bar.minidns.net", 200, body).outcome, OutcomeClass::RetryLater) << body;
    }
    // Success for another host is no success for ours.
    const HostOutcome other = classifyReply("bar.minidns.net", 200, "okay. www.foobar.com mapped to 1.2.3.4.");
    EXPECT_EQ(other.outcome, OutcomeClass::RetryLater);
    EXPECT_NE(other.detail.find("www.foobar.com"), std::string::npos);
}

TEST(MinidnsClassifierTest, StatusRulesForOtherReplies) {
    EXPECT_EQ(classifyReply("h", 401, "").outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyReply("h", 403, "").outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(classifyReply("h", 503, "okay. h mapped to 1.2.3.4.").outcome, OutcomeClass::RetryLater);
    const HostOutcome throttled = classifyReply("h", 429, "", std::string_view("60"));
    EXPECT_EQ(throttled.outcome, OutcomeClass::RetryLater);
    EXPECT_NE(throttled.detail.find("60 s"), std::string::npos);
}

TEST(MinidnsClientTest, OneRequestPerFamilyMergedPerHost) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request& request) {
        const bool v6 = request.target.find("ip=2001") != std::string::npos;
        const bool b = request.target.find("host=b.example.test") != std::string::npos;
        if (b && v6) return LoopbackHttpPeer::Reply{200, "auth_fail. Host name format error.", {}};
        const std::string host = b ? "B.EXAMPLE.TEST" : "A.EXAMPLE.TEST";
        return LoopbackHttpPeer::Reply{
            200, "okay. " + host + " mapped to " + (v6 ? "2001:db8::7" : "203.0.113.7") + ".", {}};
    });
    Client client(settingsFor(peer.baseUrl()));
    const auto outcomes = client.update({{"a.example.test", "b.example.test"}, kV4, kV6});
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_EQ(outcomes[0].host, "a.example.test");
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated);
    ASSERT_EQ(outcomes[0].addresses.size(), 2U);
    EXPECT_EQ(outcomes[0].addresses[0], *kV4);
    EXPECT_EQ(outcomes[0].addresses[1], *kV6);
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::HostRejected) << "the worse of the two outcomes wins";
    const auto requests = peer.requests();
    ASSERT_EQ(requests.size(), 4U);
    EXPECT_EQ(requests[0].target,
              "/areg.php?opcode=ADD&host=a.example.test&username=foo&password=topsecret&ip=203.0.113.7");
    EXPECT_EQ(requests[1].target,
              "/areg.php?opcode=ADD&host=a.example.test&username=foo&password=topsecret&ip=2001:db8::7");
}

TEST(MinidnsClientTest, StopsAfterAStoppingAnswer) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request&) {
        return LoopbackHttpPeer::Reply{200, "auth_fail. Incorrect username/password/hostname.", {}};
    });
    Client client(settingsFor(peer.baseUrl()));
    const auto outcomes = client.update({{"a.example.test"}, kV4, kV6});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(peer.requests().size(), 1U) << "no second request after the server refused the login";
}

TEST(MinidnsClientTest, WithoutAddressLeavesIpOut) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request&) {
        return LoopbackHttpPeer::Reply{200, "okay. A.EXAMPLE.TEST mapped to 127.0.0.1.", {}};
    });
    Client client(settingsFor(peer.baseUrl()));
    const auto outcomes = client.update({{"a.example.test"}, std::nullopt, std::nullopt});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated);
    ASSERT_EQ(peer.requests().size(), 1U);
    EXPECT_EQ(peer.requests()[0].target, "/areg.php?opcode=ADD&host=a.example.test&username=foo&password=topsecret");
}

TEST(MinidnsClientTest, NetworkFailureKeepsThePasswordSecret) {
    const test::ClosedPort closed;
    Client client(settingsFor("http://127.0.0.1:" + std::to_string(closed.port()), "sup3r-s3cret"));
    const auto outcomes = client.update({{"a.example.test"}, kV4, kV6});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes[0].code, "network");
    EXPECT_EQ(outcomes[0].detail.find("sup3r-s3cret"), std::string::npos);
}

TEST(MinidnsClientTest, DescribeListsOneLinePerFamilyWithoutThePassword) {
    Client client(settingsFor("https://m.example.test", "sup3r-s3cret"));
    const auto lines = client.describe({{"a.example.test", "b.example.test"}, kV4, kV6});
    ASSERT_EQ(lines.size(), 4U);
    for (const auto& line : lines)
        EXPECT_EQ(line.find("sup3r"), std::string::npos) << line;
    EXPECT_EQ(lines[3],
              "GET https://m.example.test/areg.php?opcode=ADD&host=b.example.test&username=foo&password=***"
              "&ip=2001:db8::7");
}

}  // namespace minidns_client_test
}  // namespace
}  // namespace qdyn::minidns
