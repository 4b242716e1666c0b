// The pieces the HTTP update protocols share: URL joining, reply reading, the meaning of a bare
// status, merging per-family outcomes, and keeping secrets out of messages.
#include "qdyn/protocols/http_update.hpp"

#include <gtest/gtest.h>

namespace qdyn::httpupdate {
namespace {

TEST(HttpUpdateTest, JoinsBaseAndPathWithOneSlash) {
    EXPECT_EQ(joinUrl("https://x.test", "/a"), "https://x.test/a");
    EXPECT_EQ(joinUrl("https://x.test//", "/a"), "https://x.test/a");
    EXPECT_EQ(joinUrl("https://x.test/", "a"), "https://x.test/a");
    EXPECT_EQ(joinUrl("https://x.test/prefix", "/a"), "https://x.test/prefix/a");
    std::string url = "https://x.test/a";
    appendQuery(url, "k", "v w&x");
    appendQuery(url, "n", "");
    appendAddress(url, "ip", *IpAddress::parse("2001:db8::1"));
    EXPECT_EQ(url, "https://x.test/a?k=v%20w%26x&n=&ip=2001:db8::1");
}

TEST(HttpUpdateTest, ReadsOneLineAndTheFirstToken) {
    EXPECT_EQ(onlyLine("ok"), "ok");
    EXPECT_EQ(onlyLine("ok\r\n\n  "), "ok");
    EXPECT_EQ(onlyLine(""), "");
    EXPECT_EQ(onlyLine("ok\nmore"), std::nullopt);
    EXPECT_EQ(onlyLine("ok\rmore"), std::nullopt);
    EXPECT_EQ(firstToken("  good 1.2.3.4\n"), "good");
    EXPECT_EQ(firstToken("\r\n\tnochg"), "nochg");
    EXPECT_EQ(firstToken(" \n "), "");
    EXPECT_TRUE(isBlank(" \r\n\t"));
    EXPECT_FALSE(isBlank(" x "));
}

TEST(HttpUpdateTest, ABareStatusHasOneMeaningEverywhere) {
    EXPECT_EQ(statusOutcome("h", 401, {}).outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(statusOutcome("h", 403, {}).outcome, OutcomeClass::HostRejected);
    for (long status : {200L, 301L, 400L, 404L, 429L, 500L, 502L, 599L}) {
        const HostOutcome outcome = statusOutcome("h", status, {});
        EXPECT_EQ(outcome.outcome, OutcomeClass::RetryLater) << status;
        EXPECT_EQ(outcome.code, "HTTP " + std::to_string(status));
        EXPECT_EQ(outcome.host, "h");
    }
    EXPECT_TRUE(isRetryStatus(429));
    EXPECT_TRUE(isRetryStatus(503));
    EXPECT_FALSE(isRetryStatus(404));
    EXPECT_FALSE(isRetryStatus(600));
}

TEST(HttpUpdateTest, RetryAfterOnlyWhenWellFormed) {
    EXPECT_EQ(retryAfterNote(std::string_view("120")), "; the server asks to wait 120 s (Retry-After)");
    EXPECT_EQ(retryAfterNote(std::string_view("Wed, 21 Oct 2015 07:28:00 GMT")),
              "; the server asks to wait until Wed, 21 Oct 2015 07:28:00 GMT (Retry-After)");
    EXPECT_EQ(retryAfterNote(std::nullopt), "");
    EXPECT_EQ(retryAfterNote(std::string_view("")), "");
    EXPECT_EQ(retryAfterNote(std::string_view("-5")), "");
    EXPECT_EQ(retryAfterNote(std::string_view("soon")), "");
    EXPECT_EQ(retryAfterNote(std::string_view("\x1b]0;pwned\x07 GMT")), "");
    EXPECT_NE(statusOutcome("h", 503, std::string_view("7")).detail.find("wait 7 s"), std::string::npos);
}

TEST(HttpUpdateTest, MergeKeepsTheOutcomeThatMatters) {
    HostOutcome merged{"h", OutcomeClass::Updated, "okay", "", {*IpAddress::parse("203.0.113.7")}, {}};
    mergeOutcome(merged, HostOutcome{"h", OutcomeClass::Unchanged, "nochg", "", {*IpAddress::parse("2001:db8::7")}, {}});
    EXPECT_EQ(merged.outcome, OutcomeClass::Updated);
    EXPECT_EQ(merged.addresses.size(), 2U);
    mergeOutcome(merged, HostOutcome{"h", OutcomeClass::RetryLater, "HTTP 500", "x", {}, {}});
    EXPECT_EQ(merged.outcome, OutcomeClass::RetryLater);
    mergeOutcome(merged, HostOutcome{"h", OutcomeClass::AuthFailed, "auth_fail", "y", {}, {}});
    mergeOutcome(merged, HostOutcome{"h", OutcomeClass::HostRejected, "z", "z", {}, {}});
    EXPECT_EQ(merged.outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(merged.code, "auth_fail");
}

TEST(HttpUpdateTest, RedactsASecretInBothForms) {
    const Secret secret("p&ss word");
    EXPECT_EQ(redact("GET /u/p%26ss%20word?x and p&ss word", secret), "GET /u/***?x and ***");
    EXPECT_EQ(redact("nothing here", secret), "nothing here");
    EXPECT_EQ(redact("abc", Secret()), "abc");
    EXPECT_EQ(printable("ok\x1b[2J\xff", 64), "ok?[2J?");
    EXPECT_EQ(printable("abcdef", 3), "abc");
}

TEST(HttpUpdateTest, RequestsCarryTheEndpointsTlsSettings) {
    Endpoint endpoint;
    endpoint.timeout = std::chrono::milliseconds(1234);
    endpoint.verifyTls = false;
    endpoint.caFile = "/etc/ssl/private-ca.pem";
    const net::HttpRequest request = makeRequest(endpoint, "https://x.test/");
    EXPECT_EQ(request.url, "https://x.test/");
    EXPECT_EQ(request.timeout, std::chrono::milliseconds(1234));
    EXPECT_FALSE(request.verifyTls);
    EXPECT_EQ(request.caFile, "/etc/ssl/private-ca.pem");
    EXPECT_EQ(request.userAgent.rfind("qdyn/", 0), 0U);
}

}  // namespace
}  // namespace qdyn::httpupdate

namespace qdyn::httpupdate {

TEST(HttpUpdateTest, RetryAfterBecomesAWaitTheAgentHonours) {
    using std::chrono::seconds;
    const auto now = std::chrono::sys_days(std::chrono::year(2015) / 10 / 21) + std::chrono::hours(7);
    EXPECT_EQ(parseRetryAfter("120", now), seconds(120));
    EXPECT_EQ(parseRetryAfter("0", now), seconds(0));
    EXPECT_EQ(parseRetryAfter("99999999999", now), seconds(7 * 86400)) << "capped at a week";
    EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now), seconds(28 * 60));
    EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 06:00:00 GMT", now), seconds(0)) << "a date in the past: now";
    for (const char* bad : {"", "-5", "1.5", "soon", "Wed, 21 Oct 2015 07:28:00 UTC", "Wed, 32 Oct 2015 07:28:00 GMT",
                            "Wed, 21 Foo 2015 07:28:00 GMT", "Wed, 31 Feb 2015 07:28:00 GMT"}) {
        EXPECT_FALSE(parseRetryAfter(bad, now)) << bad;
    }
    const HostOutcome throttled = statusOutcome("h", 429, std::string_view("30"));
    ASSERT_TRUE(throttled.retryAfter);
    EXPECT_EQ(*throttled.retryAfter, seconds(30));
    EXPECT_FALSE(statusOutcome("h", 401, std::string_view("30")).retryAfter) << "only a retry status carries a wait";
}

}  // namespace qdyn::httpupdate
