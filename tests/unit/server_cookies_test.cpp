// DNS cookies in qdyn-server: the COOKIE option parser (RFC 7873), RFC 9018 server cookies
// against the RFC's own appendix A vectors, and the per-query decision with its time window and
// secret rotation.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// The unit lives with the server's private sources (src/dns), next to the listener it serves.
#include "qdyn_server/dns_cookies.hpp"

namespace qdyn::server {
namespace {
namespace server_cookies_test {

using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::system_clock;

Bytes hex(std::string_view text) {
    Bytes out;
    for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(std::stoul(std::string(text.substr(i, 2)), nullptr, 16)));
    }
    return out;
}

template <typename T>
T array(std::string_view text) {
    const Bytes bytes = hex(text);
    T out{};
    EXPECT_EQ(bytes.size(), out.size());
    std::copy_n(bytes.begin(), std::min(bytes.size(), out.size()), out.begin());
    return out;
}

// One EDNS option: code, length, data.
Bytes option(std::uint16_t code, const Bytes& data) {
    Bytes out{static_cast<std::uint8_t>(code >> 8U), static_cast<std::uint8_t>(code),
              static_cast<std::uint8_t>(data.size() >> 8U), static_cast<std::uint8_t>(data.size())};
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

Bytes cookieOption(std::string_view cookieHex) {
    return option(kCookieOptionCode, hex(cookieHex));
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& part : parts)
        out.insert(out.end(), part.begin(), part.end());
    return out;
}

Clock::time_point at(std::uint32_t unixSeconds) {
    return Clock::time_point(std::chrono::seconds(unixSeconds));
}

IpAddress ip(std::string_view text) {
    return IpAddress::parse(text).value();
}

Bytes optionBytes(const CookieDecision& decision) {
    const auto span = decision.responseOption();
    return {span.begin(), span.end()};
}

// RFC 9018 appendix A: the secrets, clients and cookies of its four examples.
const CookieSecret kSecret = array<CookieSecret>("e5e973e5a6b2a43f48e7dc849e37bfcf");
const CookieSecret kOldSecret = array<CookieSecret>("dd3bdf9344b678b185a6f5cb60fca715");
const CookieSecret kNewSecret = array<CookieSecret>("445536bcd2513298075a5d379663c962");
constexpr std::string_view kA1Reply = "2464c4abcf10c957010000005cf79f111f8130c3eee29480";
constexpr std::string_view kA2Reply = "2464c4abcf10c957010000005cf7a871d4a564a1442aca77";
constexpr std::string_view kA3Query = "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5";
constexpr std::string_view kA3Reply = "fc93fc62807ddb86010000005cf7a9acf73a7810aca2381e";
constexpr std::string_view kA4Query = "22681ab97d52c298010000005cf7c57926556bd0934c72f8";
constexpr std::string_view kA4Reply = "22681ab97d52c298010000005cf7c609a6bb79d16625507a";
constexpr std::string_view kA4Client = "2001:db8:220:1:59de:d0f4:8769:82b8";

// --- Parsing --------------------------------------------------------------------------------

TEST(CookiesParse, ClientCookieOnly) {
    const auto parsed = parseCookieOption(cookieOption("2464c4abcf10c957"));
    ASSERT_EQ(parsed.status, CookieParseStatus::Present);
    EXPECT_EQ(parsed.client, array<ClientCookie>("2464c4abcf10c957"));
    EXPECT_TRUE(parsed.server().empty());
}

TEST(CookiesParse, ServerCookieSizesAtTheLimitsAreAccepted) {
    for (const std::size_t size : {8U, 16U, 32U}) {
        const Bytes data = concat({hex("0102030405060708"), Bytes(size, 0xAB)});
        const auto parsed = parseCookieOption(option(kCookieOptionCode, data));
        ASSERT_EQ(parsed.status, CookieParseStatus::Present) << size;
        EXPECT_EQ(Bytes(parsed.server().begin(), parsed.server().end()), Bytes(size, 0xAB));
    }
    // 40 octets in all: the largest legal COOKIE.
    EXPECT_EQ(parseCookieOption(option(kCookieOptionCode, Bytes(40, 1))).status, CookieParseStatus::Present);
}

TEST(CookiesParse, WrongLengthsAreMalformed) {
    // Client cookie of 7; client cookie plus a server cookie of 7 or 33; nothing at all.
    for (const std::size_t length : {0U, 1U, 7U, 9U, 15U, 41U, 64U}) {
        EXPECT_EQ(parseCookieOption(option(kCookieOptionCode, Bytes(length, 1))).status, CookieParseStatus::Malformed)
            << length;
    }
}

TEST(CookiesParse, OptionOverrunningTheRdataIsMalformed) {
    Bytes overrun = cookieOption("2464c4abcf10c957");
    overrun[3] = 9;  // claims one octet more than there is
    EXPECT_EQ(parseCookieOption(overrun).status, CookieParseStatus::Malformed);
    // A broken option after a good cookie still breaks the list, and so the query.
    const Bytes trailing = concat({cookieOption("2464c4abcf10c957"), hex("000c00")});
    EXPECT_EQ(parseCookieOption(trailing).status, CookieParseStatus::Malformed);
    const Bytes longOther = concat({cookieOption("2464c4abcf10c957"), hex("000c0010aabb")});
    EXPECT_EQ(parseCookieOption(longOther).status, CookieParseStatus::Malformed);
}

TEST(CookiesParse, AbsentWhenNoCookieOption) {
    EXPECT_EQ(parseCookieOption({}).status, CookieParseStatus::Absent);
    const Bytes others = concat({option(8, hex("00011800c0000200")), option(12, Bytes(5, 0))});
    EXPECT_EQ(parseCookieOption(others).status, CookieParseStatus::Absent);
}

TEST(CookiesParse, CookieBetweenOtherOptions) {
    const Bytes rdata = concat({option(8, hex("00011800c0000200")), cookieOption(kA1Reply), option(12, Bytes(3, 0))});
    const auto parsed = parseCookieOption(rdata);
    ASSERT_EQ(parsed.status, CookieParseStatus::Present);
    EXPECT_EQ(parsed.client, array<ClientCookie>("2464c4abcf10c957"));
    EXPECT_EQ(Bytes(parsed.server().begin(), parsed.server().end()), hex(kA1Reply.substr(16)));
}

TEST(CookiesParse, OnlyTheFirstCookieCounts) {
    // RFC 7873 5.2: later COOKIE options are ignored, even malformed ones.
    const Bytes rdata = concat({cookieOption("2464c4abcf10c957"), cookieOption("fc93fc62807ddb")});
    const auto parsed = parseCookieOption(rdata);
    ASSERT_EQ(parsed.status, CookieParseStatus::Present);
    EXPECT_EQ(parsed.client, array<ClientCookie>("2464c4abcf10c957"));
}

TEST(CookiesParse, BuildsTheWholeOption) {
    const auto built = buildCookieOption(array<ClientCookie>("2464c4abcf10c957"),
                                         array<ServerCookie>("010000005cf79f111f8130c3eee29480"));
    EXPECT_EQ(Bytes(built.begin(), built.end()), concat({hex("000a0018"), hex(kA1Reply)}));
    EXPECT_EQ(parseCookieOption(built).status, CookieParseStatus::Present);
}

// --- RFC 9018 appendix A --------------------------------------------------------------------

TEST(CookiesRfc9018, A1LearningANewServerCookie) {
    const auto made =
        makeServerCookie(array<ClientCookie>("2464c4abcf10c957"), ip("198.51.100.100"), 1559731985, kSecret);
    ASSERT_TRUE(made);
    EXPECT_EQ(*made, array<ServerCookie>(kA1Reply.substr(16)));

    const ServerCookies cookies(kSecret, std::nullopt);
    const auto decision = cookies.evaluate(cookieOption("2464c4abcf10c957"), ip("198.51.100.100"), at(1559731985));
    EXPECT_EQ(decision.status, CookieStatus::ClientOnly);
    EXPECT_EQ(optionBytes(decision), cookieOption(kA1Reply));
}

TEST(CookiesRfc9018, A2SameClientRenewedCookie) {
    // 40 minutes later: valid, and older than half an hour, so renewed.
    const ServerCookies cookies(kSecret, std::nullopt);
    const auto decision = cookies.evaluate(cookieOption(kA1Reply), ip("198.51.100.100"), at(1559734385));
    EXPECT_EQ(decision.status, CookieStatus::Valid);
    EXPECT_EQ(optionBytes(decision), cookieOption(kA2Reply));
}

TEST(CookiesRfc9018, A3AnotherClientWithNonZeroReserved) {
    const auto query = hex(kA3Query);
    const auto client = array<ClientCookie>(kA3Query.substr(0, 16));
    EXPECT_TRUE(serverCookieHashMatches(client, std::span(query).subspan(8), ip("203.0.113.203"), kSecret));

    // The example answers 1h52m after the cookie was made: past the one-hour window of RFC 9018
    // 4.3, so here the cookie is Invalid, and the fresh cookie is the RFC's byte for byte.
    const ServerCookies cookies(kSecret, std::nullopt);
    const auto late = cookies.evaluate(cookieOption(kA3Query), ip("203.0.113.203"), at(1559734700));
    EXPECT_EQ(late.status, CookieStatus::Invalid);
    EXPECT_EQ(optionBytes(late), cookieOption(kA3Reply));

    // Within the hour it is valid; the reserved octets are not ours, so it is not echoed.
    const auto inTime = cookies.evaluate(cookieOption(kA3Query), ip("203.0.113.203"), at(1559727985 + 60));
    EXPECT_EQ(inTime.status, CookieStatus::Valid);
    const auto fresh = optionBytes(inTime);
    ASSERT_EQ(fresh.size(), kCookieResponseOptionSize);
    EXPECT_EQ(Bytes(fresh.begin() + 12, fresh.begin() + 16), hex("01000000"));
}

TEST(CookiesRfc9018, A4IPv6WithRolledOverSecret) {
    const auto query = hex(kA4Query);
    const auto client = array<ClientCookie>(kA4Query.substr(0, 16));
    const auto server = std::span(query).subspan(8);
    EXPECT_FALSE(serverCookieHashMatches(client, server, ip(kA4Client), kNewSecret));
    EXPECT_TRUE(serverCookieHashMatches(client, server, ip(kA4Client), kOldSecret));

    const auto rolled = ServerCookies(kOldSecret, std::nullopt).rotated(kNewSecret);
    const auto decision = rolled.evaluate(cookieOption(kA4Query), ip(kA4Client), at(1559741961));
    EXPECT_EQ(decision.status, CookieStatus::Valid);
    EXPECT_EQ(optionBytes(decision), cookieOption(kA4Reply));

    // Without the old secret the same query is no longer ours.
    const ServerCookies newOnly(kNewSecret, std::nullopt);
    const auto unknown = newOnly.evaluate(cookieOption(kA4Query), ip(kA4Client), at(1559741961));
    EXPECT_EQ(unknown.status, CookieStatus::Invalid);
    EXPECT_EQ(optionBytes(unknown), cookieOption(kA4Reply));
}

// --- The decision ---------------------------------------------------------------------------

class CookiesDecision : public ::testing::Test {
protected:
    static constexpr std::uint32_t kT0 = 1'700'000'000;
    const ServerCookies cookies{kSecret, std::nullopt};
    const IpAddress client = ip("192.0.2.10");

    // The COOKIE option a client would send back after a reply made at `when`.
    Bytes learnedAt(std::uint32_t when, const IpAddress& from) const {
        const auto decision = cookies.evaluate(cookieOption("0011223344556677"), from, at(when));
        const auto bytes = optionBytes(decision);
        return {bytes.begin(), bytes.end()};
    }
    CookieStatus statusAt(const Bytes& query, std::uint32_t when) const {
        return cookies.evaluate(query, client, at(when)).status;
    }
};

TEST_F(CookiesDecision, NoOptionNoCookie) {
    const auto decision = cookies.evaluate({}, client, at(kT0));
    EXPECT_EQ(decision.status, CookieStatus::NoCookie);
    EXPECT_TRUE(decision.responseOption().empty());
}

TEST_F(CookiesDecision, MalformedGetsNoOption) {
    const auto decision = cookies.evaluate(option(kCookieOptionCode, Bytes(7, 1)), client, at(kT0));
    EXPECT_EQ(decision.status, CookieStatus::Malformed);
    EXPECT_TRUE(decision.responseOption().empty());
}

TEST_F(CookiesDecision, RoundTripIsValidAndEchoedWhileYoung) {
    const Bytes learned = learnedAt(kT0, client);
    ASSERT_EQ(learned.size(), kCookieResponseOptionSize);
    const auto decision = cookies.evaluate(learned, client, at(kT0 + 10));
    EXPECT_EQ(decision.status, CookieStatus::Valid);
    EXPECT_EQ(optionBytes(decision), learned);  // same cookie back: no need to renew yet
    EXPECT_EQ(cookieSlipRcode(decision.status), CookieSlip::Truncate);
}

TEST_F(CookiesDecision, WrongClientAddressFails) {
    const Bytes learned = learnedAt(kT0, client);
    EXPECT_EQ(cookies.evaluate(learned, ip("192.0.2.11"), at(kT0)).status, CookieStatus::Invalid);
    EXPECT_EQ(cookies.evaluate(learned, ip("2001:db8::10"), at(kT0)).status, CookieStatus::Invalid);
}

TEST_F(CookiesDecision, WrongClientCookieOrTamperedHashFails) {
    Bytes learned = learnedAt(kT0, client);
    Bytes otherClient = learned;
    otherClient[4] ^= 1U;
    EXPECT_EQ(statusAt(otherClient, kT0), CookieStatus::Invalid);
    learned.back() ^= 0x80U;
    EXPECT_EQ(statusAt(learned, kT0), CookieStatus::Invalid);
}

TEST_F(CookiesDecision, OtherVersionsAndLengthsAreInvalidNotMalformed) {
    Bytes learned = learnedAt(kT0, client);
    learned[12] = 2;  // version
    EXPECT_EQ(statusAt(learned, kT0), CookieStatus::Invalid);
    // A server cookie of 8 or 32 octets is legal on the wire but not one of ours.
    EXPECT_EQ(statusAt(option(kCookieOptionCode, Bytes(16, 1)), kT0), CookieStatus::Invalid);
    EXPECT_EQ(statusAt(option(kCookieOptionCode, Bytes(40, 1)), kT0), CookieStatus::Invalid);
    const auto invalid = cookies.evaluate(option(kCookieOptionCode, Bytes(40, 1)), client, at(kT0));
    EXPECT_EQ(invalid.responseOption().size(), kCookieResponseOptionSize);  // and gets a fresh one
    EXPECT_EQ(cookieSlipRcode(invalid.status), CookieSlip::BadCookie);
}

TEST_F(CookiesDecision, ExpiresAfterOneHour) {
    const Bytes learned = learnedAt(kT0, client);
    EXPECT_EQ(statusAt(learned, kT0 + kCookieMaxAge), CookieStatus::Valid);
    EXPECT_EQ(statusAt(learned, kT0 + kCookieMaxAge + 1), CookieStatus::Invalid);
    EXPECT_EQ(statusAt(learned, kT0 + 86400), CookieStatus::Invalid);
}

TEST_F(CookiesDecision, RenewedAfterHalfAnHour) {
    const Bytes learned = learnedAt(kT0, client);
    EXPECT_EQ(optionBytes(cookies.evaluate(learned, client, at(kT0 + kCookieRenewAge))), learned);
    const auto renewed = cookies.evaluate(learned, client, at(kT0 + kCookieRenewAge + 1));
    EXPECT_EQ(renewed.status, CookieStatus::Valid);
    EXPECT_NE(optionBytes(renewed), learned);
    EXPECT_EQ(optionBytes(renewed), learnedAt(kT0 + kCookieRenewAge + 1, client));
}

TEST_F(CookiesDecision, FutureTimestampsWithinFiveMinutesOnly) {
    // A cookie made "later" than now: another anycast node whose clock runs ahead, or a forgery.
    EXPECT_EQ(statusAt(learnedAt(kT0 + kCookieMaxFutureSkew, client), kT0), CookieStatus::Valid);
    EXPECT_EQ(statusAt(learnedAt(kT0 + kCookieMaxFutureSkew + 1, client), kT0), CookieStatus::Invalid);
    EXPECT_EQ(statusAt(learnedAt(kT0 + 3600, client), kT0), CookieStatus::Invalid);
    // Valid but ahead of us: replaced by one on our clock rather than echoed.
    const Bytes ahead = learnedAt(kT0 + 60, client);
    EXPECT_EQ(optionBytes(cookies.evaluate(ahead, client, at(kT0))), learnedAt(kT0, client));
}

TEST_F(CookiesDecision, TimestampsWrapWithSerialArithmetic) {
    // RFC 9018 4.3: RFC 1982 arithmetic, so a cookie from just before 2^32 seconds stays valid
    // just after the wrap.
    const Bytes learned = learnedAt(0xFFFFFF00U, client);
    EXPECT_EQ(statusAt(learned, 0x00000010U), CookieStatus::Valid);
    EXPECT_EQ(statusAt(learned, 0x00000F00U), CookieStatus::Invalid);
}

TEST_F(CookiesDecision, SecretRotation) {
    const Bytes learned = learnedAt(kT0, client);
    const CookieSecret next = array<CookieSecret>("00112233445566778899aabbccddeeff");
    const ServerCookies rolled = cookies.rotated(next);
    const auto decision = rolled.evaluate(learned, client, at(kT0 + 5));
    EXPECT_EQ(decision.status, CookieStatus::Valid);
    // Verified with the previous secret: re-signed with the new one at once.
    const auto fresh = optionBytes(decision);
    EXPECT_NE(fresh, learned);
    EXPECT_EQ(rolled.evaluate(fresh, client, at(kT0 + 6)).status, CookieStatus::Valid);
    EXPECT_EQ(cookies.evaluate(fresh, client, at(kT0 + 6)).status, CookieStatus::Invalid);
    // Two rotations on, the first secret is gone.
    const ServerCookies twice = rolled.rotated(array<CookieSecret>("ffeeddccbbaa99887766554433221100"));
    EXPECT_EQ(twice.evaluate(learned, client, at(kT0 + 7)).status, CookieStatus::Invalid);
    EXPECT_EQ(twice.evaluate(fresh, client, at(kT0 + 7)).status, CookieStatus::Valid);
}

TEST_F(CookiesDecision, IPv6ClientsRoundTrip) {
    const IpAddress v6 = ip("2001:db8::1");
    const Bytes learned = learnedAt(kT0, v6);
    EXPECT_EQ(cookies.evaluate(learned, v6, at(kT0 + 1)).status, CookieStatus::Valid);
    EXPECT_EQ(cookies.evaluate(learned, ip("2001:db8::2"), at(kT0 + 1)).status, CookieStatus::Invalid);
}

TEST(CookiesCreate, ConfiguredSecretIsUsed) {
    const auto cookies = ServerCookies::create(CookieOptions{true, kSecret});
    ASSERT_TRUE(cookies) << cookies.message();
    const auto decision = cookies->evaluate(cookieOption("2464c4abcf10c957"), ip("198.51.100.100"), at(1559731985));
    EXPECT_EQ(optionBytes(decision), cookieOption(kA1Reply));
}

TEST(CookiesCreate, RandomSecretsDiffer) {
    const auto first = ServerCookies::create(CookieOptions{});
    const auto second = ServerCookies::create(CookieOptions{});
    ASSERT_TRUE(first && second);
    const IpAddress client = ip("192.0.2.1");
    const auto learned = optionBytes(first->evaluate(cookieOption("2464c4abcf10c957"), client, at(1'700'000'000)));
    EXPECT_EQ(first->evaluate(learned, client, at(1'700'000'001)).status, CookieStatus::Valid);
    EXPECT_EQ(second->evaluate(learned, client, at(1'700'000'001)).status, CookieStatus::Invalid);
}

TEST(CookiesCreate, DisabledIgnoresTheOption) {
    const auto cookies = ServerCookies::create(CookieOptions{false, std::nullopt});
    ASSERT_TRUE(cookies);
    EXPECT_FALSE(cookies->enabled());
    for (const Bytes& rdata : {cookieOption("2464c4abcf10c957"), cookieOption(kA1Reply), Bytes{0, 10, 0, 7, 1}}) {
        const auto decision = cookies->evaluate(rdata, ip("198.51.100.100"), at(1559731985));
        EXPECT_EQ(decision.status, CookieStatus::NoCookie);
        EXPECT_TRUE(decision.responseOption().empty());
    }
}

TEST(CookiesBadCookie, RcodeSplitsAcrossHeaderAndOpt) {
    EXPECT_EQ(kBadCookieHeaderRcode, 7);
    EXPECT_EQ(kBadCookieOptTtl, 1U << 24U);
    EXPECT_EQ(cookieSlipRcode(CookieStatus::ClientOnly), CookieSlip::BadCookie);
    EXPECT_EQ(cookieSlipRcode(CookieStatus::NoCookie), CookieSlip::Truncate);
}

}  // namespace server_cookies_test
}  // namespace
}  // namespace qdyn::server
