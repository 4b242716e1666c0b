// The responder with DNS cookies and the UDP rate limit switched on: cookies come back in the
// OPT, a malformed one is FORMERR, sources over the limit get TC=1, BADCOOKIE or silence, and a
// valid server cookie is never limited.
#include <gtest/gtest.h>

#include "qdyn/dns/message.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/dns_cookies.hpp"
#include "qdyn_server/dns_responder.hpp"
#include "qdyn_server/rate_limiter.hpp"
#include "qdyn_server/zone.hpp"
#include "test_values.hpp"

namespace {
namespace server_dns_limits_test {

using namespace qdyn::server;
namespace dns = qdyn::dns;
using qdyn::test::ip;
using qdyn::test::name;

constexpr std::uint16_t kCookieOption = 10;

ZoneSnapshot demoZone() {
    Config config;
    config.zone.origin = name("dyn.example.test");
    config.zone.nameserver = name("ns1.example.test");
    return *buildInitialSnapshot(config, 1).value();
}

// A query for the apex SOA with an OPT carrying `options`.
std::vector<std::uint8_t> query(const std::vector<std::uint8_t>& options, std::uint16_t id = 1) {
    dns::Message message;
    message.header.id = id;
    message.questions.push_back({name("dyn.example.test"), dns::rrtype::SOA, dns::rrclass::Internet});
    message.additional.push_back({dns::Name(), dns::rrtype::OPT, 1232, 0, dns::RawData{options}});
    return dns::encodeMessage(message);
}

std::vector<std::uint8_t> cookieOption(const std::vector<std::uint8_t>& cookie) {
    std::vector<std::uint8_t> option{0, kCookieOption, 0, static_cast<std::uint8_t>(cookie.size())};
    option.insert(option.end(), cookie.begin(), cookie.end());
    return option;
}

const std::vector<std::uint8_t> kClientCookie{1, 2, 3, 4, 5, 6, 7, 8};

// The options of the reply's OPT.
std::vector<std::uint8_t> replyOptions(const dns::Message& reply) {
    for (const auto& rr : reply.additional) {
        if (rr.type == dns::rrtype::OPT) return std::get<dns::RawData>(rr.data).bytes;
    }
    ADD_FAILURE() << "no OPT in the reply";
    return {};
}

class DnsLimitsTest : public ::testing::Test {
protected:
    DnsLimitsTest() : m_cookies(CookieSecret{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, std::nullopt) {}

    std::vector<std::uint8_t> ask(const std::vector<std::uint8_t>& wire, RateLimiter* limiter = nullptr) {
        const QueryContext context{ip("192.0.2.77"), m_now, m_steady, &m_cookies, limiter};
        return respond(wire, m_zone, DnsTransport::Udp, &context);
    }

    ZoneSnapshot m_zone = demoZone();
    ServerCookies m_cookies;
    std::chrono::system_clock::time_point m_now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    RateLimiter::Clock::time_point m_steady = RateLimiter::Clock::time_point(std::chrono::hours(1));
};

TEST_F(DnsLimitsTest, AClientCookieGetsAServerCookieBack) {
    const auto reply = dns::decodeMessage(ask(query(cookieOption(kClientCookie)))).value();
    EXPECT_EQ(reply.header.rcode, dns::Rcode::NoError);
    const auto options = replyOptions(reply);
    ASSERT_EQ(options.size(), 4U + 24U);  // code, length, 8 client + 16 server octets
    EXPECT_EQ(options[1], kCookieOption);
    EXPECT_TRUE(std::equal(kClientCookie.begin(), kClientCookie.end(), options.begin() + 4));
}

TEST_F(DnsLimitsTest, AMalformedCookieIsFormErr) {
    const auto reply = dns::decodeMessage(ask(query(cookieOption({1, 2, 3, 4, 5, 6, 7})))).value();
    EXPECT_EQ(reply.header.rcode, dns::Rcode::FormErr);
    EXPECT_TRUE(replyOptions(reply).empty());
}

TEST_F(DnsLimitsTest, OverTheLimitWithoutCookiesSlipsOrDrops) {
    RateLimitOptions options;
    options.responsesPerSecond = 1;
    options.burst = 1;
    options.slip = 2;
    RateLimiter limiter(options, RateLimiter::HashKey{});
    const auto first = dns::decodeMessage(ask(query({}), &limiter)).value();
    EXPECT_FALSE(first.header.tc);
    EXPECT_EQ(first.answers.size(), 1U);
    int truncated = 0;
    int dropped = 0;
    for (int i = 0; i < 10; ++i) {
        const auto wire = ask(query({}), &limiter);
        if (wire.empty()) {
            ++dropped;
            continue;
        }
        const auto reply = dns::decodeMessage(wire).value();
        EXPECT_TRUE(reply.header.tc);
        EXPECT_TRUE(reply.answers.empty());
        ++truncated;
    }
    EXPECT_EQ(truncated, 5);  // slip 2: every second limited answer is a TC=1 invitation to TCP
    EXPECT_EQ(dropped, 5);
    // TCP is never limited.
    const QueryContext context{ip("192.0.2.77"), m_now, m_steady, &m_cookies, &limiter};
    EXPECT_FALSE(respond(query({}), m_zone, DnsTransport::Tcp, &context).empty());
}

TEST_F(DnsLimitsTest, AValidServerCookieIsNeverLimitedAndAClientCookieGetsBadCookie) {
    RateLimitOptions options;
    options.responsesPerSecond = 1;
    options.burst = 1;
    options.slip = 1;
    RateLimiter limiter(options, RateLimiter::HashKey{});
    // The first answer hands out a server cookie.
    const auto first = dns::decodeMessage(ask(query(cookieOption(kClientCookie)), &limiter)).value();
    const auto options1 = replyOptions(first);
    ASSERT_EQ(options1.size(), 28U);
    const std::vector<std::uint8_t> fullCookie(options1.begin() + 4, options1.end());

    // Over the limit with only the client cookie: BADCOOKIE (23) with our cookie.
    const auto limited = dns::decodeMessage(ask(query(cookieOption(kClientCookie)), &limiter)).value();
    EXPECT_EQ(static_cast<int>(limited.header.rcode), 23 & 0x0F);
    ASSERT_EQ(replyOptions(limited).size(), 28U);

    // With the server cookie: answered every time.
    for (int i = 0; i < 5; ++i) {
        const auto reply = dns::decodeMessage(ask(query(cookieOption(fullCookie)), &limiter)).value();
        EXPECT_EQ(reply.header.rcode, dns::Rcode::NoError);
        EXPECT_EQ(reply.answers.size(), 1U);
    }
}

}  // namespace server_dns_limits_test
}  // namespace
