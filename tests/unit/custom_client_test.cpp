// The custom protocol: URL templates with Fritz!Box and inadyn placeholders, their checks,
// configured reply words, and requests on the wire.
#include <gtest/gtest.h>

#include "closed_port.hpp"
#include "loopback_http_peer.hpp"
#include "qdyn/protocols/custom.hpp"

namespace qdyn::custom {
namespace {
namespace custom_client_test {

using test::LoopbackHttpPeer;

const std::optional<IpAddress> kV4 = IpAddress::parse("203.0.113.7");
const std::optional<IpAddress> kV6 = IpAddress::parse("2001:db8::7");

Settings settingsFor(const std::string& urlTemplate, const std::string& username = "alice",
                     const std::string& password = "p&ss") {
    Settings settings;
    settings.urlTemplate = urlTemplate;
    settings.endpoint.timeout = std::chrono::milliseconds(3000);
    settings.username = username;
    settings.password = Secret(password);
    return settings;
}

Patterns dyndnsLikePatterns() {
    Patterns patterns;
    patterns.success = {"good"};
    patterns.unchanged = {"nochg"};
    patterns.failures = {{"badauth", OutcomeClass::AuthFailed},
                         {"nohost", OutcomeClass::HostRejected},
                         {"911", OutcomeClass::RetryLater},
                         {"abuse", OutcomeClass::Abuse}};
    return patterns;
}

TEST(CustomTemplateTest, AcceptsValidTemplates) {
    for (const char* text : {
             "https://ns.example.test/dns/api/update?hostname=<domain>&ipv4=<ipaddr>&ipv6=<ip6addr>&token=<pass>",
             "http://x.example.test/update?h=%h&ip=%i&u=%u&p=%p",
             "https://x.example.test/a%2Fb?literal=%%h&q=<username>",
             "http://x.example.test/",
         }) {
        EXPECT_TRUE(checkTemplate(text)) << text;
    }
}

TEST(CustomTemplateTest, RefusesBadTemplates) {
    const std::pair<const char*, const char*> cases[] = {
        {"ftp://x.example.test/%h", "http:// or https://"},
        {"/update?h=%h", "http:// or https://"},
        {"https://x.example.test/u?h=%h &i=%i", "blanks"},
        {"https://x.example.test/u?h=\xc3\xa9", "ASCII"},
        {"https://x.example.test/u?h=%z", "offset 27"},
        {"https://x.example.test/u?h=%4", "neither"},
        {"https://x.example.test/u?h=%", "neither"},
        {"https://x.example.test/u?h=<domian>", "unknown placeholder <domian>"},
        {"https://x.example.test/u?h=<domain", "unknown placeholder"},
        {"https://x.example.test/u?h=a>b", "closes no placeholder"},
    };
    for (const auto& [text, expected] : cases) {
        const auto result = checkTemplate(text);
        ASSERT_FALSE(result) << text;
        EXPECT_NE(result.message().find(expected), std::string::npos) << result.message();
    }
}

TEST(CustomTemplateTest, ExpandsFritzBoxPlaceholders) {
    const Settings settings = settingsFor(
        "https://ns.example.test/dns/api/"
        "update?hostname=<domain>&ipv4=<ipaddr>&ipv6=<ip6addr>&token=<pass>&u=<username>",
        "a b", "p&ss=1");
    EXPECT_EQ(expandTemplate(settings, "home.example.test", kV4, kV6, true),
              "https://ns.example.test/dns/api/update?hostname=home.example.test&ipv4=203.0.113.7&ipv6=2001:db8::7"
              "&token=p%26ss%3D1&u=a%20b");
    // An unknown address is left empty, as a Fritz!Box does.
    EXPECT_EQ(expandTemplate(settings, "home.example.test", kV4, std::nullopt, false),
              "https://ns.example.test/dns/api/update?hostname=home.example.test&ipv4=203.0.113.7&ipv6="
              "&token=***&u=a%20b");
}

TEST(CustomTemplateTest, ExpandsInadynPlaceholders) {
    const Settings settings = settingsFor("http://x.example.test/nic/%u/%p?host=%h&ip=%i&pct=%%41&esc=%2F");
    EXPECT_EQ(expandTemplate(settings, "h&x.example.test", kV4, kV6, true),
              "http://x.example.test/nic/alice/p%26ss?host=h%26x.example.test&ip=203.0.113.7&pct=%41&esc=%2F");
    // %i is the IPv4 address, else the IPv6 one.
    EXPECT_EQ(expandTemplate(settings, "h", std::nullopt, kV6, false),
              "http://x.example.test/nic/alice/***?host=h&ip=2001:db8::7&pct=%41&esc=%2F");
    EXPECT_EQ(expandTemplate(settings, "h", std::nullopt, std::nullopt, false),
              "http://x.example.test/nic/alice/***?host=h&ip=&pct=%41&esc=%2F");
}

TEST(CustomClassifierTest, WithoutPatternsAny2xxIsSuccess) {
    const Patterns none;
    const std::pair<long, OutcomeClass> table[] = {
        {200, OutcomeClass::Updated},    {204, OutcomeClass::Updated},    {302, OutcomeClass::RetryLater},
        {400, OutcomeClass::RetryLater}, {401, OutcomeClass::AuthFailed}, {403, OutcomeClass::HostRejected},
        {404, OutcomeClass::RetryLater}, {429, OutcomeClass::RetryLater}, {500, OutcomeClass::RetryLater},
        {503, OutcomeClass::RetryLater},
    };
    for (const auto& [status, expected] : table) {
        const HostOutcome outcome = classifyReply(none, "h", status, "whatever");
        EXPECT_EQ(outcome.outcome, expected) << status;
        EXPECT_EQ(outcome.code, "HTTP " + std::to_string(status));
    }
    const HostOutcome throttled = classifyReply(none, "h", 429, "", std::string_view("15"));
    EXPECT_NE(throttled.detail.find("wait 15 s"), std::string::npos);
}

TEST(CustomClassifierTest, ComparesTheFirstWordExactly) {
    const Patterns patterns = dyndnsLikePatterns();
    EXPECT_EQ(classifyReply(patterns, "h", 200, "good 203.0.113.7\n").outcome, OutcomeClass::Updated);
    EXPECT_EQ(classifyReply(patterns, "h", 200, "good 203.0.113.7\n").code, "good");
    EXPECT_EQ(classifyReply(patterns, "h", 200, "\r\n  nochg 203.0.113.7").outcome, OutcomeClass::Unchanged);
    EXPECT_EQ(classifyReply(patterns, "h", 200, "badauth").outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyReply(patterns, "h", 200, "nohost").outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(classifyReply(patterns, "h", 200, "911").outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply(patterns, "h", 200, "abuse").outcome, OutcomeClass::Abuse);
    for (const char* body : {"goodness", "GOOD", "<b>good</b>", "not good", "", "nochg2"}) {
        const HostOutcome outcome = classifyReply(patterns, "h", 200, body);
        EXPECT_EQ(outcome.outcome, OutcomeClass::RetryLater) << body;
        EXPECT_NE(outcome.detail.find("matches none"), std::string::npos) << outcome.detail;
    }
}

TEST(CustomClassifierTest, StatusRulesComeFirst) {
    const Patterns patterns = dyndnsLikePatterns();
    EXPECT_EQ(classifyReply(patterns, "h", 401, "good").outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyReply(patterns, "h", 500, "good").outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply(patterns, "h", 429, "abuse").outcome, OutcomeClass::RetryLater);
    // A failure word counts at any other status, a success word only with a 2xx.
    EXPECT_EQ(classifyReply(patterns, "h", 400, "badauth").outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyReply(patterns, "h", 404, "good").outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply(patterns, "h", 403, "good").outcome, OutcomeClass::HostRejected);
}

TEST(CustomClientTest, OneRequestPerHostWithBasicAuth) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request& request) {
        if (request.target.find("host=b.example.test") != std::string::npos)
            return LoopbackHttpPeer::Reply{200, "nohost", {}};
        return LoopbackHttpPeer::Reply{200, "good 203.0.113.7", {}};
    });
    Settings settings = settingsFor(peer.baseUrl() + "/update?host=<domain>&ip=<ipaddr>&ip6=<ip6addr>");
    settings.patterns = dyndnsLikePatterns();
    Client client(std::move(settings));
    const auto outcomes = client.update({{"a.example.test", "b.example.test"}, kV4, kV6});
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated);
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::HostRejected);
    const auto requests = peer.requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[0].target, "/update?host=a.example.test&ip=203.0.113.7&ip6=2001:db8::7");
    EXPECT_EQ(requests[1].target, "/update?host=b.example.test&ip=203.0.113.7&ip6=2001:db8::7");
    EXPECT_EQ(requests[0].header("authorization"), test::basicAuthHeader("alice:p&ss"));
}

TEST(CustomClientTest, NoBasicAuthWithoutAUsername) {
    LoopbackHttpPeer peer([](const LoopbackHttpPeer::Request&) { return LoopbackHttpPeer::Reply{200, "", {}}; });
    Client client(settingsFor(peer.baseUrl() + "/u?t=<pass>&h=%h", "", "tok"));
    const auto outcomes = client.update({{"a.example.test"}, kV4, std::nullopt});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated);
    ASSERT_EQ(peer.requests().size(), 1U);
    EXPECT_EQ(peer.requests()[0].target, "/u?t=tok&h=a.example.test");
    EXPECT_FALSE(peer.requests()[0].header("authorization"));
}

TEST(CustomClientTest, NetworkFailureHidesAPasswordInThePath) {
    const test::ClosedPort closed;
    Client client(
        settingsFor("http://127.0.0.1:" + std::to_string(closed.port()) + "/nic/<pass>/<domain>", "", "sup3r-s3cret"));
    const auto outcomes = client.update({{"a.example.test"}, kV4, std::nullopt});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes[0].code, "network");
    EXPECT_EQ(outcomes[0].detail.find("sup3r-s3cret"), std::string::npos) << outcomes[0].detail;
}

TEST(CustomClientTest, DescribeHidesThePassword) {
    Client client(settingsFor("https://x.example.test/nic/%p?h=%h", "alice", "sup3r-s3cret"));
    const auto lines = client.describe({{"a.example.test"}, kV4, std::nullopt});
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0], "GET https://x.example.test/nic/***?h=a.example.test (Basic auth as alice)");
}

}  // namespace custom_client_test
}  // namespace
}  // namespace qdyn::custom
