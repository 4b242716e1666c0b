// nanodnsd client: the exact request URL, every documented reply and its class, and whole
// updates against a scripted loopback server.
#include <gtest/gtest.h>

#include "closed_port.hpp"
#include "loopback_http_peer.hpp"
#include "qdyn/protocols/nanodnsd.hpp"

namespace qdyn::nanodnsd {
namespace {
namespace nanodnsd_client_test {

using test::LoopbackHttpPeer;

const std::optional<IpAddress> kV4 = IpAddress::parse("203.0.113.7");
const std::optional<IpAddress> kV6 = IpAddress::parse("2001:db8::7");

Settings settingsFor(const std::string& baseUrl, const std::string& token = "t0ken") {
    Settings settings;
    settings.endpoint.baseUrl = baseUrl;
    settings.endpoint.path = std::string(kDefaultPath);
    settings.endpoint.timeout = std::chrono::milliseconds(3000);
    settings.token = Secret(token);
    return settings;
}

TEST(NanodnsdUrlTest, SendsEveryKnownAddressInTheDocumentedOrder) {
    const Settings settings = settingsFor("https://ns.example.test/");
    EXPECT_EQ(buildUrl(settings, "home.dyn.example.test", kV4, kV6, true),
              "https://ns.example.test/api/update?hostname=home.dyn.example.test&token=t0ken"
              "&ipv4=203.0.113.7&ipv6=2001:db8::7");
    EXPECT_EQ(buildUrl(settings, "home.dyn.example.test", kV4, std::nullopt, true),
              "https://ns.example.test/api/update?hostname=home.dyn.example.test&token=t0ken&ipv4=203.0.113.7");
    EXPECT_EQ(buildUrl(settings, "home.dyn.example.test", std::nullopt, kV6, true),
              "https://ns.example.test/api/update?hostname=home.dyn.example.test&token=t0ken&ipv6=2001:db8::7");
}

TEST(NanodnsdUrlTest, EncodesTheTokenAndHidesItWhenAsked) {
    Settings settings = settingsFor("http://ns.example.test:8080", "a&b c+d/é");
    settings.endpoint.path = "dns/api/update";  // a path without its slash still gets one
    EXPECT_EQ(buildUrl(settings, "h.example.test", kV4, std::nullopt, true),
              "http://ns.example.test:8080/dns/api/update?hostname=h.example.test&token=a%26b%20c%2Bd%2F%C3%A9"
              "&ipv4=203.0.113.7");
    const std::string hidden = buildUrl(settings, "h.example.test", kV4, std::nullopt, false);
    EXPECT_EQ(hidden, "http://ns.example.test:8080/dns/api/update?hostname=h.example.test&token=***&ipv4=203.0.113.7");
}

TEST(NanodnsdClassifierTest, MapsEveryDocumentedReply) {
    struct Case {
        long status;
        const char* body;
        OutcomeClass expected;
    };
    const Case cases[] = {
        {200, "ok\n", OutcomeClass::Updated},
        {400, "hostname required\n", OutcomeClass::HostRejected},
        {400, "bad ipv4 address\n", OutcomeClass::HostRejected},
        {400, "bad ipv6 address\n", OutcomeClass::HostRejected},
        {400, "bad request\n", OutcomeClass::HostRejected},
        {403, "authorization required\n", OutcomeClass::AuthFailed},
        {403, "forbidden\n", OutcomeClass::HostRejected},
        {500, "update failed\n", OutcomeClass::RetryLater},
        {429, "", OutcomeClass::RetryLater},
        {404, "not found\n", OutcomeClass::RetryLater},
        {501, "not implemented\n", OutcomeClass::RetryLater},
    };
    for (const auto& c : cases) {
        const HostOutcome outcome = classifyReply("h.example.test", c.status, c.body);
        EXPECT_EQ(outcome.outcome, c.expected) << c.status << " " << c.body;
        EXPECT_EQ(outcome.host, "h.example.test");
        EXPECT_FALSE(outcome.code.empty());
        EXPECT_FALSE(outcome.detail.empty());
    }
    EXPECT_EQ(classifyReply("h", 200, "ok").code, "ok");
    EXPECT_EQ(classifyReply("h", 200, "ok\r\n").outcome, OutcomeClass::Updated);
    EXPECT_EQ(classifyReply("h", 403, "forbidden").code, "forbidden");
}

TEST(NanodnsdClassifierTest, NeedsTheExactLineWithItsStatus) {
    // A success is never guessed: other words, other case, extra lines, or the right word with
    // the wrong status are all unknown.
    for (const char* body : {"OK", "okay", " ok", "ok fine", "ok\nmore", "<html>ok</html>", ""}) {
        EXPECT_EQ(classifyReply("h", 200, body).outcome, OutcomeClass::RetryLater) << body;
    }
    EXPECT_EQ(classifyReply("h", 500, "ok").outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply("h", 200, "forbidden").outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply("h", 200, "forbidden").code, "HTTP 200");
    // An unknown body falls back on the status.
    EXPECT_EQ(classifyReply("h", 403, "nope").outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(classifyReply("h", 401, "").outcome, OutcomeClass::AuthFailed);
}

TEST(NanodnsdClassifierTest, ThrottleHonoursRetryAfter) {
    const HostOutcome seconds = classifyReply("h", 429, "", std::string_view("120"));
    EXPECT_EQ(seconds.outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(seconds.code, "HTTP 429");
    EXPECT_NE(seconds.detail.find("wait 120 s"), std::string::npos) << seconds.detail;
    const HostOutcome date = classifyReply("h", 429, "", std::string_view("Wed, 21 Oct 2015 07:28:00 GMT"));
    EXPECT_NE(date.detail.find("until Wed, 21 Oct 2015 07:28:00 GMT"), std::string::npos) << date.detail;
    const HostOutcome junk = classifyReply("h", 429, "", std::string_view("soon\x1b[2J"));
    EXPECT_EQ(junk.detail.find("soon"), std::string::npos) << "a malformed Retry-After is not echoed";
}

TEST(NanodnsdClientTest, SendsNothingWithoutAnAddress) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request&) { return LoopbackHttpPeer::Reply{200, "ok\n", {}}; });
    Client client(settingsFor(peer.baseUrl()));
    const UpdateRequest request{{"a.example.test", "b.example.test"}, std::nullopt, std::nullopt};
    const auto outcomes = client.update(request);
    ASSERT_EQ(outcomes.size(), 2U);
    for (const auto& outcome : outcomes) {
        EXPECT_EQ(outcome.outcome, OutcomeClass::RetryLater);
        EXPECT_EQ(outcome.code, "no-address");
        EXPECT_NE(outcome.detail.find("nothing sent"), std::string::npos);
    }
    EXPECT_TRUE(peer.requests().empty()) << "a request without addresses would delete the records";
    EXPECT_EQ(client.describe(request).size(), 1U);
}

TEST(NanodnsdClientTest, OneRequestPerHostWithBothAddresses) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request& request) {
        if (request.target.find("hostname=b.example.test") != std::string::npos) {
            return LoopbackHttpPeer::Reply{403, "forbidden\n", {}};
        }
        return LoopbackHttpPeer::Reply{200, "ok\n", {}};
    });
    Client client(settingsFor(peer.baseUrl()));
    const auto outcomes = client.update({{"a.example.test", "b.example.test"}, kV4, kV6});
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_EQ(outcomes[0].host, "a.example.test");
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated);
    EXPECT_EQ(outcomes[1].host, "b.example.test");
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::HostRejected);
    const auto requests = peer.requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[0].method, "GET");
    EXPECT_EQ(requests[0].target, "/api/update?hostname=a.example.test&token=t0ken&ipv4=203.0.113.7&ipv6=2001:db8::7");
    EXPECT_EQ(requests[1].target, "/api/update?hostname=b.example.test&token=t0ken&ipv4=203.0.113.7&ipv6=2001:db8::7");
    EXPECT_FALSE(requests[0].header("authorization")) << "nanodnsd takes the token in the query only";
    EXPECT_EQ(requests[0].header("user-agent").value_or("").rfind("qdyn/", 0), 0U);
}

TEST(NanodnsdClientTest, ThrottledOnTheWire) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request&) {
        return LoopbackHttpPeer::Reply{429, "", {{"Retry-After", "30"}}};
    });
    Client client(settingsFor(peer.baseUrl()));
    const auto outcomes = client.update({{"a.example.test"}, kV4, std::nullopt});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::RetryLater);
    EXPECT_NE(outcomes[0].detail.find("wait 30 s"), std::string::npos) << outcomes[0].detail;
}

TEST(NanodnsdClientTest, NetworkFailureIsRetryLaterAndKeepsTheTokenSecret) {
    const test::ClosedPort closed;
    Client client(settingsFor("http://127.0.0.1:" + std::to_string(closed.port()), "sup3r-s3cret"));
    const auto outcomes = client.update({{"a.example.test", "b.example.test"}, kV4, std::nullopt});
    ASSERT_EQ(outcomes.size(), 2U);
    for (const auto& outcome : outcomes) {
        EXPECT_EQ(outcome.outcome, OutcomeClass::RetryLater);
        EXPECT_EQ(outcome.code, "network");
        EXPECT_EQ(outcome.detail.find("sup3r-s3cret"), std::string::npos) << outcome.detail;
    }
}

TEST(NanodnsdClientTest, DescribeShowsEveryRequestWithoutTheToken) {
    Client client(settingsFor("https://ns.example.test", "sup3r-s3cret"));
    const auto lines = client.describe({{"a.example.test", "b.example.test"}, kV4, kV6});
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_EQ(lines[1],
              "GET https://ns.example.test/api/update?hostname=b.example.test&token=***"
              "&ipv4=203.0.113.7&ipv6=2001:db8::7");
    for (const auto& line : lines)
        EXPECT_EQ(line.find("sup3r"), std::string::npos);
}

}  // namespace nanodnsd_client_test
}  // namespace
}  // namespace qdyn::nanodnsd
