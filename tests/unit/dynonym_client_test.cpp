// dynonym client: /dns/update URLs, Basic auth on the wire, and every status and its class.
#include <gtest/gtest.h>

#include "closed_port.hpp"
#include "loopback_http_peer.hpp"
#include "qdyn/protocols/dynonym.hpp"

namespace qdyn::dynonym {
namespace {
namespace dynonym_client_test {

using test::LoopbackHttpPeer;

const std::optional<IpAddress> kV4 = IpAddress::parse("203.0.113.7");
const std::optional<IpAddress> kV6 = IpAddress::parse("2001:db8::7");

Settings settingsFor(const std::string& baseUrl) {
    Settings settings;
    settings.endpoint.baseUrl = baseUrl;
    settings.endpoint.path = std::string(kDefaultPath);
    settings.endpoint.timeout = std::chrono::milliseconds(3000);
    settings.username = "alice";
    settings.password = Secret("s3cret:with colon");
    return settings;
}

TEST(DynonymUrlTest, BuildsTheDocumentedUrlWithoutCredentials) {
    const Settings settings = settingsFor("https://dyn.example.test");
    EXPECT_EQ(buildUrl(settings, "home.example.test", kV4, kV6),
              "https://dyn.example.test/dns/update?domain=home.example.test&ipv4=203.0.113.7&ipv6=2001:db8::7");
    EXPECT_EQ(buildUrl(settings, "home.example.test", std::nullopt, kV6),
              "https://dyn.example.test/dns/update?domain=home.example.test&ipv6=2001:db8::7");
    EXPECT_EQ(buildUrl(settings, "home.example.test", std::nullopt, std::nullopt),
              "https://dyn.example.test/dns/update?domain=home.example.test");
    EXPECT_EQ(buildUrl(settings, "we?ird&name", kV4, std::nullopt),
              "https://dyn.example.test/dns/update?domain=we%3Fird%26name&ipv4=203.0.113.7");
}

TEST(DynonymClassifierTest, MapsEveryStatus) {
    const std::pair<long, OutcomeClass> table[] = {
        {200, OutcomeClass::Updated},      {400, OutcomeClass::HostRejected}, {401, OutcomeClass::AuthFailed},
        {403, OutcomeClass::HostRejected}, {500, OutcomeClass::RetryLater},   {429, OutcomeClass::RetryLater},
        {503, OutcomeClass::RetryLater},   {404, OutcomeClass::RetryLater},   {302, OutcomeClass::RetryLater},
    };
    for (const auto& [status, expected] : table) {
        const HostOutcome outcome = classifyReply("h.example.test", status, "");
        EXPECT_EQ(outcome.outcome, expected) << status;
        EXPECT_EQ(outcome.code, "HTTP " + std::to_string(status));
        EXPECT_EQ(outcome.host, "h.example.test");
        EXPECT_FALSE(outcome.detail.empty());
    }
}

TEST(DynonymClassifierTest, SuccessIsAnEmptyBodyOnly) {
    EXPECT_EQ(classifyReply("h", 200, "\r\n").outcome, OutcomeClass::Updated);
    // A captive portal or a proxy page is no success.
    EXPECT_EQ(classifyReply("h", 200, "<html>Welcome</html>").outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply("h", 200, "ok").outcome, OutcomeClass::RetryLater);
}

TEST(DynonymClassifierTest, ThrottleHonoursRetryAfter) {
    const HostOutcome outcome = classifyReply("h", 429, "", std::string_view("90"));
    EXPECT_NE(outcome.detail.find("wait 90 s"), std::string::npos) << outcome.detail;
}

TEST(DynonymClientTest, SendsBasicAuthAndOneRequestPerHost) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request& request) {
        if (request.target.find("domain=b.example.test") != std::string::npos)
            return LoopbackHttpPeer::Reply{403, "", {}};
        return LoopbackHttpPeer::Reply{200, "", {}};
    });
    Client client(settingsFor(peer.baseUrl()));
    const auto outcomes = client.update({{"a.example.test", "b.example.test"}, kV4, kV6});
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated);
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::HostRejected);
    const auto requests = peer.requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[0].target, "/dns/update?domain=a.example.test&ipv4=203.0.113.7&ipv6=2001:db8::7");
    EXPECT_EQ(requests[0].header("authorization"), test::basicAuthHeader("alice:s3cret:with colon"));
    EXPECT_EQ(requests[0].target.find("s3cret"), std::string::npos);
}

TEST(DynonymClientTest, WrongCredentialsStopTheProfile) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request&) {
        return LoopbackHttpPeer::Reply{401, "", {{"WWW-Authenticate", "Basic realm=\"dynonym\""}}};
    });
    Client client(settingsFor(peer.baseUrl()));
    const auto outcomes = client.update({{"a.example.test"}, kV4, std::nullopt});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::AuthFailed);
    EXPECT_TRUE(isStopping(outcomes[0].outcome));
}

TEST(DynonymClientTest, NetworkFailureIsRetryLater) {
    const test::ClosedPort closed;
    Client client(settingsFor("http://127.0.0.1:" + std::to_string(closed.port())));
    const auto outcomes = client.update({{"a.example.test", "b.example.test"}, kV4, std::nullopt});
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes[1].code, "network");
}

TEST(DynonymClientTest, DescribeNamesTheUserNotThePassword) {
    Client client(settingsFor("https://dyn.example.test"));
    const auto lines = client.describe({{"a.example.test"}, kV4, std::nullopt});
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0],
              "GET https://dyn.example.test/dns/update?domain=a.example.test&ipv4=203.0.113.7 "
              "(Basic auth as alice)");
}

}  // namespace dynonym_client_test
}  // namespace
}  // namespace qdyn::dynonym
