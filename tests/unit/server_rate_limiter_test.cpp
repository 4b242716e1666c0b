// The per-prefix UDP rate limiter: bucket sizes and refill on an injected clock, the slip ratio,
// prefix grouping for both families, and a table that stays useful when full.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

// The unit lives with the server's private sources (src/dns), next to the listener it serves.
#include "qdyn_server/dns_cookies.hpp"
#include "qdyn_server/rate_limiter.hpp"

namespace qdyn::server {
namespace {
namespace server_rate_limiter_test {

using namespace std::chrono_literals;
using Clock = RateLimiter::Clock;

const RateLimiter::HashKey kKey{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
const Clock::time_point kT0{std::chrono::seconds(1000)};

IpAddress ip(std::string_view text) {
    return IpAddress::parse(text).value();
}

// Sends `count` queries at one instant and counts the decisions.
std::map<RateDecision, int> burst(RateLimiter& limiter, const IpAddress& source, int count, Clock::time_point now) {
    std::map<RateDecision, int> seen;
    for (int i = 0; i < count; ++i)
        ++seen[limiter.check(source, now)];
    return seen;
}

// How many queries in a row are allowed at `now` before the first refusal.
int allowedNow(RateLimiter& limiter, const IpAddress& source, Clock::time_point now) {
    int allowed = 0;
    while (limiter.check(source, now) == RateDecision::Allow && allowed < 100000)
        ++allowed;
    return allowed;
}

TEST(RateLimiterBucket, BurstThenLimit) {
    RateLimiter limiter(RateLimitOptions{}, kKey);  // 20/s, burst 40, slip 2
    const auto seen = burst(limiter, ip("192.0.2.1"), 100, kT0);
    EXPECT_EQ(seen.at(RateDecision::Allow), 40);
    EXPECT_EQ(seen.at(RateDecision::Slip), 30);
    EXPECT_EQ(seen.at(RateDecision::Drop), 30);
}

TEST(RateLimiterBucket, RefillsOverTime) {
    RateLimiter limiter(RateLimitOptions{}, kKey);
    const IpAddress source = ip("192.0.2.1");
    EXPECT_EQ(allowedNow(limiter, source, kT0), 40);
    // One answer per 50 ms at 20/s.
    EXPECT_EQ(allowedNow(limiter, source, kT0 + 49ms), 0);
    EXPECT_EQ(allowedNow(limiter, source, kT0 + 50ms), 1);
    EXPECT_EQ(allowedNow(limiter, source, kT0 + 550ms), 10);
    // A long pause refills to the burst, never beyond.
    EXPECT_EQ(allowedNow(limiter, source, kT0 + 60s), 40);
}

TEST(RateLimiterBucket, SteadyRateIsSustained) {
    RateLimiter limiter(RateLimitOptions{}, kKey);
    const IpAddress source = ip("192.0.2.1");
    EXPECT_EQ(allowedNow(limiter, source, kT0), 40);
    // Exactly the configured rate, spaced out, is always allowed.
    for (int i = 1; i <= 200; ++i) {
        EXPECT_EQ(limiter.check(source, kT0 + i * 50ms), RateDecision::Allow) << i;
    }
}

TEST(RateLimiterSlip, EveryNthLimitedAnswerSlips) {
    for (const std::uint32_t slip : {0U, 1U, 2U, 3U}) {
        RateLimitOptions options;
        options.slip = slip;
        RateLimiter limiter(options, kKey);
        const auto seen = burst(limiter, ip("192.0.2.1"), 40 + 60, kT0);
        const int slipped = seen.contains(RateDecision::Slip) ? seen.at(RateDecision::Slip) : 0;
        EXPECT_EQ(slipped, slip == 0 ? 0 : 60 / static_cast<int>(slip)) << slip;
    }
}

TEST(RateLimiterSlip, FirstLimitedAnswerSlips) {
    RateLimiter limiter(RateLimitOptions{}, kKey);
    const IpAddress source = ip("192.0.2.1");
    EXPECT_EQ(allowedNow(limiter, source, kT0), 40);  // the 41st, counted there, slipped
    EXPECT_EQ(limiter.check(source, kT0), RateDecision::Drop);
    EXPECT_EQ(limiter.check(source, kT0), RateDecision::Slip);
}

TEST(RateLimiterPrefix, SeparatePrefixesAreIndependent) {
    RateLimiter limiter(RateLimitOptions{}, kKey);
    EXPECT_EQ(allowedNow(limiter, ip("192.0.2.1"), kT0), 40);
    EXPECT_EQ(allowedNow(limiter, ip("198.51.100.1"), kT0), 40);
    EXPECT_EQ(allowedNow(limiter, ip("192.0.3.1"), kT0), 40);
    EXPECT_EQ(allowedNow(limiter, ip("2001:db8::1"), kT0), 40);
}

TEST(RateLimiterPrefix, SameSlash24SharesABucket) {
    RateLimiter limiter(RateLimitOptions{}, kKey);
    EXPECT_EQ(allowedNow(limiter, ip("192.0.2.1"), kT0), 40);
    EXPECT_NE(limiter.check(ip("192.0.2.200"), kT0), RateDecision::Allow);
    EXPECT_NE(limiter.check(ip("192.0.2.255"), kT0), RateDecision::Allow);
    EXPECT_EQ(limiter.check(ip("192.0.3.0"), kT0), RateDecision::Allow);
}

TEST(RateLimiterPrefix, IPv6Slash56Grouping) {
    RateLimiter limiter(RateLimitOptions{}, kKey);
    EXPECT_EQ(allowedNow(limiter, ip("2001:db8:0:100::1"), kT0), 40);
    // Same first 56 bits (2001:db8:0:1xx::/56), different /64s and hosts.
    EXPECT_NE(limiter.check(ip("2001:db8:0:1ff::2"), kT0), RateDecision::Allow);
    EXPECT_NE(limiter.check(ip("2001:db8:0:142:aaaa:bbbb:cccc:dddd"), kT0), RateDecision::Allow);
    // The next /56.
    EXPECT_EQ(limiter.check(ip("2001:db8:0:200::1"), kT0), RateDecision::Allow);
}

TEST(RateLimiterPrefix, PrefixLengthsAreConfigurable) {
    RateLimitOptions options;
    options.ipv4PrefixLength = 32;
    options.ipv6PrefixLength = 64;
    RateLimiter limiter(options, kKey);
    EXPECT_EQ(allowedNow(limiter, ip("192.0.2.1"), kT0), 40);
    EXPECT_EQ(limiter.check(ip("192.0.2.2"), kT0), RateDecision::Allow);
    EXPECT_EQ(allowedNow(limiter, ip("2001:db8:0:100::1"), kT0), 40);
    EXPECT_NE(limiter.check(ip("2001:db8:0:100::2"), kT0), RateDecision::Allow);
    EXPECT_EQ(limiter.check(ip("2001:db8:0:101::1"), kT0), RateDecision::Allow);

    options.ipv4PrefixLength = 0;  // the whole family in one bucket
    RateLimiter everything(options, kKey);
    EXPECT_EQ(allowedNow(everything, ip("192.0.2.1"), kT0), 40);
    EXPECT_NE(everything.check(ip("203.0.113.9"), kT0), RateDecision::Allow);
    EXPECT_EQ(everything.check(ip("2001:db8::1"), kT0), RateDecision::Allow);
}

TEST(RateLimiterPrefix, FamiliesNeverShare) {
    RateLimitOptions options;
    options.ipv4PrefixLength = 0;
    options.ipv6PrefixLength = 0;
    RateLimiter limiter(options, kKey);
    EXPECT_EQ(allowedNow(limiter, ip("0.0.0.1"), kT0), 40);
    EXPECT_EQ(allowedNow(limiter, ip("::1"), kT0), 40);
}

TEST(RateLimiterOptions, DisabledPassesEverything) {
    RateLimitOptions options;
    options.enabled = false;
    RateLimiter limiter(options, kKey);
    const auto seen = burst(limiter, ip("192.0.2.1"), 10000, kT0);
    EXPECT_EQ(seen.size(), 1U);
    EXPECT_EQ(seen.at(RateDecision::Allow), 10000);
    EXPECT_EQ(limiter.slotCount(), 0U);  // and holds no table
}

TEST(RateLimiterOptions, TableSizeIsAPowerOfTwoOfAtLeastOneSet) {
    RateLimitOptions options;
    options.tableSize = 5;
    EXPECT_EQ(RateLimiter(options, kKey).slotCount(), 8U);
    options.tableSize = 0;
    EXPECT_EQ(RateLimiter(options, kKey).slotCount(), 4U);
    EXPECT_EQ(RateLimiter(RateLimitOptions{}, kKey).slotCount(), 65536U);
}

TEST(RateLimiterOptions, ZeroRateAndBurstAreClamped) {
    RateLimitOptions options;
    options.responsesPerSecond = 0;
    options.burst = 0;
    RateLimiter limiter(options, kKey);
    EXPECT_EQ(allowedNow(limiter, ip("192.0.2.1"), kT0), 1);
    EXPECT_EQ(allowedNow(limiter, ip("192.0.2.1"), kT0 + 1s), 1);
}

TEST(RateLimiterTable, FullTableKeepsWorking) {
    // One set of four slots for everybody: every new prefix must evict someone.
    RateLimitOptions options;
    options.tableSize = 4;
    RateLimiter limiter(options, kKey);
    const IpAddress flooder = ip("192.0.2.1");
    EXPECT_EQ(allowedNow(limiter, flooder, kT0), 40);
    for (int i = 0; i < 1000; ++i) {
        const auto source = IpAddress::fromV4({10, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i), 1});
        EXPECT_EQ(limiter.check(source, kT0), RateDecision::Allow) << i;
        // The prefix over its limit holds the emptiest bucket, so it is never the one evicted.
        EXPECT_NE(limiter.check(flooder, kT0), RateDecision::Allow) << i;
    }
    // Stale slots (buckets full again) are reused after time passes.
    EXPECT_EQ(allowedNow(limiter, ip("198.51.100.1"), kT0 + 1h), 40);
    EXPECT_EQ(allowedNow(limiter, flooder, kT0 + 1h), 40);
}

TEST(RateLimiterTable, KeyedHashSpreadsPrefixes) {
    RateLimitOptions options;
    options.tableSize = 1024;  // 256 sets
    const RateLimiter a(options, kKey);
    RateLimiter::HashKey otherKey = kKey;
    otherKey[0] ^= 0xFF;
    const RateLimiter b(options, otherKey);
    int moved = 0;
    std::map<std::size_t, int> load;
    for (int i = 0; i < 256; ++i) {
        const auto source = IpAddress::fromV4({10, 0, static_cast<std::uint8_t>(i), 1});
        ++load[a.setOf(source)];
        if (a.setOf(source) != b.setOf(source)) ++moved;
    }
    // Another key places (nearly) every prefix elsewhere, and no set collects many.
    EXPECT_GT(moved, 240);
    for (const auto& [set, count] : load)
        EXPECT_LE(count, 8) << set;
}

TEST(RateLimiterSipHash, ReferenceVectors) {
    // github.com/veorq/SipHash vectors.h: key 00..0f, message 00 01 .. (n-1).
    const std::array<std::uint64_t, 2> key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
    std::array<std::uint8_t, 17> message{};
    for (std::size_t i = 0; i < message.size(); ++i)
        message[i] = static_cast<std::uint8_t>(i);
    const std::span<const std::uint8_t> all(message);
    EXPECT_EQ(detail::sipHash24(key, all.first(0)), 0x726fdb47dd0e0e31ULL);
    EXPECT_EQ(detail::sipHash24(key, all.first(1)), 0x74f839c593dc67fdULL);
    EXPECT_EQ(detail::sipHash24(key, all.first(7)), 0xab0200f58b01d137ULL);
    EXPECT_EQ(detail::sipHash24(key, all.first(8)), 0x93f5f5799a932462ULL);
    EXPECT_EQ(detail::sipHash24(key, all.first(15)), 0xa129ca6149be45e5ULL);
    EXPECT_EQ(detail::sipHash24(key, all.first(16)), 0x3f2acc7f57c29bdbULL);
    EXPECT_EQ(detail::sipHash24(key, all.first(17)), 0x699ae9f52cbe4794ULL);
}

TEST(RateLimiterSipHash, AgreesWithOpenSslThroughTheCookieHash) {
    // The cookie code hashes with OpenSSL's SIPHASH; both implementations must agree (RFC 9018
    // A.1: the last eight octets of the server cookie are the hash, little-endian).
    const CookieSecret secret{0xe5, 0xe9, 0x73, 0xe5, 0xa6, 0xb2, 0xa4, 0x3f,
                              0x48, 0xe7, 0xdc, 0x84, 0x9e, 0x37, 0xbf, 0xcf};
    const ClientCookie client{0x24, 0x64, 0xc4, 0xab, 0xcf, 0x10, 0xc9, 0x57};
    const IpAddress address = ip("198.51.100.100");
    const auto cookie = makeServerCookie(client, address, 1559731985, secret);
    ASSERT_TRUE(cookie);
    std::array<std::uint8_t, 20> input{};
    std::copy(client.begin(), client.end(), input.begin());
    std::copy_n(cookie->begin(), 8, input.begin() + 8);
    std::copy(address.bytes().begin(), address.bytes().end(), input.begin() + 16);
    std::uint64_t k0 = 0;
    std::uint64_t k1 = 0;
    std::uint64_t expected = 0;
    for (int i = 7; i >= 0; --i) {
        k0 = (k0 << 8U) | secret[static_cast<std::size_t>(i)];
        k1 = (k1 << 8U) | secret[static_cast<std::size_t>(i) + 8];
        expected = (expected << 8U) | (*cookie)[static_cast<std::size_t>(i) + 8];
    }
    EXPECT_EQ(detail::sipHash24({k0, k1}, input), expected);
}

}  // namespace server_rate_limiter_test
}  // namespace
}  // namespace qdyn::server
