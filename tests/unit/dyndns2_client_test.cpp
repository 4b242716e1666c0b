// dyndns2 client: URL building per IPv6 convention and the reply classifier, code by code.
#include <gtest/gtest.h>

#include "closed_port.hpp"
#include "qdyn/protocols/dyndns2.hpp"

namespace qdyn::dyndns2 {
namespace {
namespace dyndns2_client_test {

Settings settingsFor(Ipv6Convention convention) {
    Settings settings;
    settings.baseUrl = "https://ddns.example.test/";
    settings.ipv6Convention = convention;
    return settings;
}

const std::optional<IpAddress> kV4 = IpAddress::parse("203.0.113.7");
const std::optional<IpAddress> kV6 = IpAddress::parse("2001:db8::7");

TEST(Dyndns2UrlTest, BuildsEachConvention) {
    const std::vector<std::string> hosts{"a.example.test", "b.example.test"};
    EXPECT_EQ(buildUrl(settingsFor(Ipv6Convention::CommaInMyip), hosts, kV4, kV6),
              "https://ddns.example.test/nic/update?hostname=a.example.test,b.example.test"
              "&myip=203.0.113.7,2001:db8::7");
    EXPECT_EQ(buildUrl(settingsFor(Ipv6Convention::MyipV6Parameter), hosts, kV4, kV6),
              "https://ddns.example.test/nic/update?hostname=a.example.test,b.example.test"
              "&myip=203.0.113.7&myipv6=2001:db8::7");
    EXPECT_EQ(buildUrl(settingsFor(Ipv6Convention::CommaInMyip), {"a.example.test"}, std::nullopt, kV6),
              "https://ddns.example.test/nic/update?hostname=a.example.test&myip=2001:db8::7");
    EXPECT_EQ(buildUrl(settingsFor(Ipv6Convention::CommaInMyip), {"a.example.test"}, std::nullopt, std::nullopt),
              "https://ddns.example.test/nic/update?hostname=a.example.test");
}

TEST(Dyndns2UrlTest, EncodesHostNames) {
    EXPECT_EQ(buildUrl(settingsFor(Ipv6Convention::CommaInMyip), {"a&b=c.example.test"}, kV4, std::nullopt),
              "https://ddns.example.test/nic/update?hostname=a%26b%3Dc.example.test&myip=203.0.113.7");
}

TEST(Dyndns2ClassifierTest, MapsEveryCode) {
    const std::pair<const char*, OutcomeClass> table[] = {
        {"good", OutcomeClass::Updated},         {"nochg", OutcomeClass::Unchanged},
        {"badauth", OutcomeClass::AuthFailed},   {"!donator", OutcomeClass::Abuse},
        {"notfqdn", OutcomeClass::HostRejected}, {"nohost", OutcomeClass::HostRejected},
        {"numhost", OutcomeClass::Abuse},        {"abuse", OutcomeClass::Abuse},
        {"badagent", OutcomeClass::Abuse},       {"dnserr", OutcomeClass::RetryLater},
        {"911", OutcomeClass::RetryLater},       {"badsys", OutcomeClass::Abuse},
        {"!yours", OutcomeClass::HostRejected},  {"!active", OutcomeClass::HostRejected},
    };
    for (const auto& [code, expected] : table) {
        EXPECT_EQ(classifyCode(code), expected) << code;
        const auto outcomes = classifyReply({"h.example.test"}, 200, std::string(code) + "\n", {kV4, std::nullopt});
        ASSERT_EQ(outcomes.size(), 1U);
        EXPECT_EQ(outcomes[0].outcome, expected) << code;
        EXPECT_EQ(outcomes[0].code, code);
        EXPECT_FALSE(outcomes[0].detail.empty());
    }
}

TEST(Dyndns2ClassifierTest, ComparesTheFirstTokenExactly) {
    // Substrings and case variants are not codes: never "good" because the body contains it.
    for (const char* body : {"goodness", "GOOD 1.2.3.4", "<html>good</html>", "nochange", "not good", "badauth2"}) {
        const auto outcomes = classifyReply({"h"}, 200, body, {kV4, std::nullopt});
        EXPECT_EQ(outcomes[0].outcome, OutcomeClass::RetryLater) << body;
    }
    EXPECT_EQ(classifyCode("Good"), std::nullopt);
}

TEST(Dyndns2ClassifierTest, OneLinePerHostInOrder) {
    const auto outcomes = classifyReply({"a", "b", "c"}, 200, "good 203.0.113.7\r\nnohost\nnochg 203.0.113.7\n", {kV4, std::nullopt});
    ASSERT_EQ(outcomes.size(), 3U);
    EXPECT_EQ(outcomes[0].host, "a");
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated);
    ASSERT_EQ(outcomes[0].addresses.size(), 1U);
    EXPECT_EQ(outcomes[0].addresses[0], *kV4);
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(outcomes[2].outcome, OutcomeClass::Unchanged);
}

TEST(Dyndns2ClassifierTest, OneLineAppliesToAllHosts) {
    const auto outcomes = classifyReply({"a", "b"}, 200, "nochg 203.0.113.7\n", {kV4, std::nullopt});
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::Unchanged);
}

TEST(Dyndns2ClassifierTest, AccountWideCodeAppliesToAllHosts) {
    const auto outcomes = classifyReply({"a", "b"}, 200, "badauth\nbadauth\n", {kV4, std::nullopt});
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(outcomes[1].outcome, OutcomeClass::AuthFailed);
    const auto numhost = classifyReply({"a", "b", "c"}, 200, "numhost\n\n", {kV4, std::nullopt});
    EXPECT_EQ(numhost[2].outcome, OutcomeClass::Abuse);
}

TEST(Dyndns2ClassifierTest, MissingLinesAreRetriedNotGuessed) {
    const auto outcomes = classifyReply({"a", "b", "c"}, 200, "good 203.0.113.7\nnochg 203.0.113.7\n", {kV4, std::nullopt});
    EXPECT_EQ(outcomes[2].outcome, OutcomeClass::RetryLater);
}

TEST(Dyndns2ClassifierTest, ReadsTheBodyWhateverTheStatus) {
    EXPECT_EQ(classifyReply({"a"}, 500, "911\n", {kV4, std::nullopt})[0].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply({"a"}, 401, "badauth", {kV4, std::nullopt})[0].outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyReply({"a"}, 200, "good 203.0.113.7", {kV4, std::nullopt})[0].outcome, OutcomeClass::Updated);
}

TEST(Dyndns2ClassifierTest, FallsBackOnStatusForUnknownBodies) {
    EXPECT_EQ(classifyReply({"a"}, 401, "", {kV4, std::nullopt})[0].outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyReply({"a"}, 403, "Forbidden", {kV4, std::nullopt})[0].outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(classifyReply({"a"}, 503, "", {kV4, std::nullopt})[0].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyReply({"a"}, 200, "", {kV4, std::nullopt})[0].outcome, OutcomeClass::RetryLater);
}

TEST(Dyndns2ClassifierTest, GoodLoopbackMeansBadAgentUnlessAsked) {
    EXPECT_EQ(classifyReply({"a"}, 200, "good 127.0.0.1", {kV4, std::nullopt})[0].outcome, OutcomeClass::Abuse);
    EXPECT_EQ(classifyReply({"a"}, 200, "good 127.0.0.1", {IpAddress::parse("127.0.0.1"), std::nullopt})[0].outcome,
              OutcomeClass::Updated);
    // No address asked for: the server took the connecting one, which is 127.0.0.1 only when
    // the server is on this machine.
    EXPECT_EQ(classifyReply({"a"}, 200, "good 127.0.0.1", {std::nullopt, std::nullopt, true})[0].outcome,
              OutcomeClass::Updated);
    EXPECT_EQ(classifyReply({"a"}, 200, "good 127.0.0.1", {std::nullopt, std::nullopt, false})[0].outcome,
              OutcomeClass::Abuse);
}

TEST(Dyndns2ClassifierTest, ParsesBothFamiliesInTheReply) {
    const auto outcomes = classifyReply({"a"}, 200, "good 203.0.113.7,2001:db8::7", {kV4, kV6});
    ASSERT_EQ(outcomes[0].addresses.size(), 2U);
    EXPECT_EQ(outcomes[0].addresses[1], *kV6);
}

TEST(Dyndns2ClientTest, DescribesChunksOfTwentyAndSplitsFamilies) {
    Settings settings = settingsFor(Ipv6Convention::SeparateRequests);
    settings.username = "alice";
    settings.password = Secret("s3cret");
    Client client(std::move(settings));
    UpdateRequest request;
    for (int i = 0; i < 25; ++i) request.hosts.push_back("h" + std::to_string(i) + ".example.test");
    request.ipv4 = kV4;
    request.ipv6 = kV6;
    const auto lines = client.describe(request);
    ASSERT_EQ(lines.size(), 4U);  // 2 chunks x 2 families
    EXPECT_NE(lines[0].find("hostname=h0.example.test,"), std::string::npos);
    EXPECT_NE(lines[0].find("&myip=203.0.113.7 "), std::string::npos);
    EXPECT_NE(lines[1].find("&myip=2001:db8::7 "), std::string::npos);
    EXPECT_NE(lines[2].find("hostname=h20.example.test,"), std::string::npos);
    for (const auto& line : lines) EXPECT_EQ(line.find("s3cret"), std::string::npos) << line;
}

TEST(Dyndns2ClientTest, NetworkFailureIsRetryLaterForEveryHost) {
    const test::ClosedPort closed;
    Settings settings = settingsFor(Ipv6Convention::CommaInMyip);
    settings.baseUrl = "http://127.0.0.1:" + std::to_string(closed.port());
    settings.timeout = std::chrono::milliseconds(2000);
    Client client(std::move(settings));
    UpdateRequest request;
    request.hosts = {"a.example.test", "b.example.test"};
    request.ipv4 = kV4;
    const auto outcomes = client.update(request);
    ASSERT_EQ(outcomes.size(), 2U);
    for (const auto& outcome : outcomes) {
        EXPECT_EQ(outcome.outcome, OutcomeClass::RetryLater);
        EXPECT_EQ(outcome.code, "network");
    }
}

TEST(Dyndns2ClientTest, UserAgentNamesQdynAndItsVersion) {
    EXPECT_EQ(userAgent().rfind("qdyn/", 0), 0U);
}

}  // namespace dyndns2_client_test
}  // namespace
}  // namespace qdyn::dyndns2
