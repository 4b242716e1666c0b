// LoginThrottle on its own, and through the APIs: failed logins block a source or an account
// for a while, unchanged dyndns2 updates block an account (`abuse`), and blocks end.
#include <gtest/gtest.h>

#include "http/dynonym_handler.hpp"
#include "http/minidns_handler.hpp"
#include "http/nanodnsd_handler.hpp"
#include "http_api_fixture.hpp"
#include "qdyn_server/dyndns2_handler.hpp"

namespace qdyn::test {
namespace {
namespace server_login_throttle_test {

using server::HttpReply;
using std::chrono::seconds;

constexpr server::ThrottleOptions kLimits{3, 60, 300, 4};  // 3 failures / 4 nochg per minute, 5 min block
constexpr const char* kAlice = "Basic YWxpY2U6czNjcmV0";       // alice:s3cret
constexpr const char* kAliceWrong = "Basic YWxpY2U6d3Jvbmc=";  // alice:wrong

TEST(LoginThrottle, BlocksASourceAfterTheLimitAndForgivesLater) {
    auto now = std::chrono::steady_clock::time_point(std::chrono::hours(1));
    server::LoginThrottle throttle(kLimits, [&] { return now; });
    const auto source = ip("192.0.2.1");
    throttle.failed(source, "");
    throttle.failed(source, "");
    EXPECT_EQ(throttle.retryAfter(source, ""), seconds(0));
    throttle.failed(source, "");
    EXPECT_EQ(throttle.retryAfter(source, ""), seconds(300));
    EXPECT_EQ(throttle.retryAfter(ip("192.0.2.2"), ""), seconds(0));  // another source is not affected
    now += seconds(299);
    EXPECT_EQ(throttle.retryAfter(source, ""), seconds(1));
    now += seconds(1);
    EXPECT_EQ(throttle.retryAfter(source, ""), seconds(0));
}

TEST(LoginThrottle, FailuresSpreadOverMoreThanTheWindowDoNotBlock) {
    auto now = std::chrono::steady_clock::time_point(std::chrono::hours(1));
    server::LoginThrottle throttle(kLimits, [&] { return now; });
    const auto source = ip("192.0.2.1");
    for (int i = 0; i < 10; ++i) {
        throttle.failed(source, "alice");
        now += seconds(31);  // two per window at most
        EXPECT_EQ(throttle.retryAfter(source, "alice"), seconds(0)) << i;
    }
}

TEST(LoginThrottle, AnAccountIsBlockedWhateverTheSources) {
    auto now = std::chrono::steady_clock::time_point(std::chrono::hours(1));
    server::LoginThrottle throttle(kLimits, [&] { return now; });
    throttle.failed(ip("192.0.2.1"), "alice");
    throttle.failed(ip("198.51.100.1"), "alice");
    throttle.failed(ip("203.0.113.1"), "alice");
    EXPECT_EQ(throttle.retryAfter(ip("192.0.2.200"), "alice"), seconds(300));
    EXPECT_EQ(throttle.retryAfter(ip("192.0.2.200"), "bob"), seconds(0));
}

TEST(LoginThrottle, AnIpv6SourceIsItsSlash64) {
    auto now = std::chrono::steady_clock::time_point(std::chrono::hours(1));
    server::LoginThrottle throttle(kLimits, [&] { return now; });
    throttle.failed(ip("2001:db8:1:2::1"), "");
    throttle.failed(ip("2001:db8:1:2::2"), "");
    throttle.failed(ip("2001:db8:1:2:ffff::3"), "");
    EXPECT_EQ(throttle.retryAfter(ip("2001:db8:1:2::99"), ""), seconds(300));
    EXPECT_EQ(throttle.retryAfter(ip("2001:db8:1:3::1"), ""), seconds(0));
    EXPECT_EQ(server::throttleSourceKey(ip("2001:db8:1:2:ffff::3")), "s:2001:db8:1:2::/64");
}

TEST(LoginThrottle, ZeroTurnsEachLimitOff) {
    server::LoginThrottle throttle(server::ThrottleOptions{0, 60, 300, 0});
    for (int i = 0; i < 100; ++i) {
        throttle.failed(ip("192.0.2.1"), "alice");
        throttle.unchanged("alice");
    }
    EXPECT_EQ(throttle.retryAfter(ip("192.0.2.1"), "alice"), seconds(0));
    EXPECT_EQ(throttle.size(), 0U);
}

TEST(LoginThrottle, TheTableStaysBounded) {
    auto now = std::chrono::steady_clock::time_point(std::chrono::hours(1));
    server::LoginThrottle throttle(kLimits, [&] { return now; });
    for (std::uint32_t i = 0; i < server::LoginThrottle::kMaxEntries + 1000; ++i) {
        throttle.failed(IpAddress::fromV4({10, static_cast<std::uint8_t>(i >> 16U), static_cast<std::uint8_t>(i >> 8U),
                                           static_cast<std::uint8_t>(i)}),
                        "");
    }
    EXPECT_LE(throttle.size(), server::LoginThrottle::kMaxEntries);
}

class ThrottledApiTest : public HttpApiTest {
protected:
    ThrottledApiTest() : HttpApiTest(kLimits) {}

    HttpReply dyndns2(const std::string& auth, const std::string& peer = "192.0.2.10",
                      const std::string& myip = "198.51.100.1") {
        auto info = request("/nic/update?hostname=office.dyn.example.test&myip=" + myip, peer);
        info.authorization = auth;
        return m_dyndns2.handle(info);
    }
    server::Dyndns2Handler m_dyndns2{m_updates, m_auth};
    server::NanodnsdHandler m_nanodnsd{m_updates, m_auth};
    server::DynonymHandler m_dynonym{m_updates, m_auth};
    server::MinidnsHandler m_minidns{m_config, m_updates, m_auth};
};

TEST_F(ThrottledApiTest, Dyndns2SaysAbuseWhileBlockedEvenWithTheRightPassword) {
    for (int i = 0; i < 3; ++i) EXPECT_EQ(dyndns2(kAliceWrong).body, "badauth\n");
    const auto blocked = dyndns2(kAlice);
    EXPECT_EQ(blocked.body, "abuse\n");
    EXPECT_EQ(header(blocked, "Retry-After"), "300");
    EXPECT_FALSE(addressesOf("office.dyn.example.test").v4);
    m_now += seconds(300);
    EXPECT_EQ(dyndns2(kAlice).body, "good 198.51.100.1\n");
}

TEST_F(ThrottledApiTest, Dyndns2BlocksAnAccountThatKeepsSendingUnchangedUpdates) {
    EXPECT_EQ(dyndns2(kAlice).body, "good 198.51.100.1\n");
    for (int i = 0; i < 3; ++i) EXPECT_EQ(dyndns2(kAlice).body, "nochg 198.51.100.1\n") << i;
    EXPECT_EQ(dyndns2(kAlice).body, "nochg 198.51.100.1\n");  // the fourth crosses the limit
    EXPECT_EQ(dyndns2(kAlice).body, "abuse\n");
    EXPECT_EQ(dyndns2(kAlice, "192.0.2.77", "198.51.100.2").body, "abuse\n");  // the account, not the source
    m_now += seconds(300);
    EXPECT_EQ(dyndns2(kAlice, "192.0.2.10", "198.51.100.2").body, "good 198.51.100.2\n");
}

TEST_F(ThrottledApiTest, TheOtherApisAnswer429WithRetryAfter) {
    for (int i = 0; i < 3; ++i) (void)dyndns2(kAliceWrong);  // the source 192.0.2.10 is now blocked
    auto nanodnsd = request("/api/update?hostname=office.dyn.example.test&ipv4=198.51.100.1&token=alice-token-1");
    const auto n = m_nanodnsd.handle(nanodnsd);
    EXPECT_EQ(n.status, 429U);
    EXPECT_EQ(header(n, "Retry-After"), "300");
    auto dynonym = request("/dns/update?domain=office.dyn.example.test&ipv4=198.51.100.1");
    dynonym.authorization = kAlice;
    EXPECT_EQ(m_dynonym.handle(dynonym).status, 429U);
    const auto m = m_minidns.handle(request("/areg.php?opcode=ADD&host=office&username=bob&password=pw"));
    EXPECT_EQ(m.status, 429U);
    EXPECT_FALSE(addressesOf("office.dyn.example.test").v4);
}

TEST_F(ThrottledApiTest, WrongTokensCountAgainstTheSource) {
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(m_nanodnsd.handle(request("/api/update?hostname=office.dyn.example.test&ipv4=198.51.100.1&token=guess" +
                                            std::to_string(i)))
                      .status,
                  403U);
    }
    EXPECT_EQ(m_nanodnsd.handle(request("/api/update?hostname=office.dyn.example.test&ipv4=198.51.100.1&token=alice-token-1"))
                  .status,
              429U);
    EXPECT_EQ(m_nanodnsd
                  .handle(request("/api/update?hostname=office.dyn.example.test&ipv4=198.51.100.1&token=alice-token-1",
                                  "192.0.2.11"))
                  .status,
              200U);
}

}  // namespace server_login_throttle_test
}  // namespace
}  // namespace qdyn::test
