// RFC 7873 / RFC 9018 server cookies. SipHash-2-4 comes from OpenSSL 3's EVP_MAC "SIPHASH", the
// audited implementation (the rate limiter's allocation-free copy is tested against it); secrets
// are wiped on the way out.
#include "qdyn_server/dns_cookies.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>

namespace qdyn::server {

namespace {

struct MacDeleter {
    void operator()(EVP_MAC* mac) const noexcept { EVP_MAC_free(mac); }
};
struct MacCtxDeleter {
    void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
};
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;

// Fetched once: EVP_MAC_fetch searches the provider tables under a lock, too slow for every
// query. The EVP_MAC object itself is safe to share between threads.
EVP_MAC* sipHashMac() {
    static const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "SIPHASH", nullptr));
    return mac.get();
}

using SipHashOutput = std::array<std::uint8_t, 8>;

// SipHash-2-4 with the 8-octet output RFC 9018 uses (OpenSSL's default is the 16-octet variant).
std::optional<SipHashOutput> sipHash24(const CookieSecret& key, std::span<const std::span<const std::uint8_t>> parts) {
    EVP_MAC* mac = sipHashMac();
    if (mac == nullptr) return std::nullopt;
    const MacCtxPtr ctx(EVP_MAC_CTX_new(mac));
    if (!ctx) return std::nullopt;
    std::size_t size = SipHashOutput{}.size();
    const std::array params{OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size), OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params.data()) != 1) return std::nullopt;
    for (const auto& part : parts) {
        if (!part.empty() && EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1) return std::nullopt;
    }
    SipHashOutput out{};
    std::size_t length = 0;
    if (EVP_MAC_final(ctx.get(), out.data(), &length, out.size()) != 1 || length != out.size()) return std::nullopt;
    return out;
}

std::uint16_t readU16(std::span<const std::uint8_t> bytes, std::size_t at) noexcept {
    return static_cast<std::uint16_t>((bytes[at] << 8U) | bytes[at + 1]);
}

std::uint32_t readU32(std::span<const std::uint8_t> bytes, std::size_t at) noexcept {
    return (static_cast<std::uint32_t>(bytes[at]) << 24U) | (static_cast<std::uint32_t>(bytes[at + 1]) << 16U) |
           (static_cast<std::uint32_t>(bytes[at + 2]) << 8U) | bytes[at + 3];
}

// The signed distance from `from` to `to` in RFC 1982 serial arithmetic: positive when `to` is
// later. Well defined across the 2106 wrap of 32-bit unix time.
std::int64_t serialDistance(std::uint32_t from, std::uint32_t to) noexcept {
    const std::uint32_t forward = to - from;
    return forward < 0x80000000U ? static_cast<std::int64_t>(forward)
                                 : -static_cast<std::int64_t>(static_cast<std::uint32_t>(from - to));
}

}  // namespace

ParsedCookie parseCookieOption(std::span<const std::uint8_t> optRdata) noexcept {
    ParsedCookie parsed;
    std::size_t at = 0;
    while (at < optRdata.size()) {
        if (optRdata.size() - at < 4) return ParsedCookie{CookieParseStatus::Malformed};
        const std::uint16_t code = readU16(optRdata, at);
        const std::size_t length = readU16(optRdata, at + 2);
        at += 4;
        if (length > optRdata.size() - at) return ParsedCookie{CookieParseStatus::Malformed};
        // Only the first COOKIE counts; the rest of the list is still walked for its framing.
        if (code == kCookieOptionCode && parsed.status == CookieParseStatus::Absent) {
            const std::size_t serverSize = length - std::min(length, kClientCookieSize);
            if (length < kClientCookieSize ||
                (serverSize != 0 && (serverSize < kMinServerCookieSize || serverSize > kMaxServerCookieSize))) {
                return ParsedCookie{CookieParseStatus::Malformed};
            }
            parsed.status = CookieParseStatus::Present;
            std::copy_n(optRdata.begin() + static_cast<std::ptrdiff_t>(at), kClientCookieSize, parsed.client.begin());
            std::copy_n(optRdata.begin() + static_cast<std::ptrdiff_t>(at + kClientCookieSize), serverSize,
                        parsed.serverBytes.begin());
            parsed.serverSize = serverSize;
        }
        at += length;
    }
    return parsed;
}

std::array<std::uint8_t, kCookieResponseOptionSize> buildCookieOption(const ClientCookie& client,
                                                                      const ServerCookie& server) noexcept {
    std::array<std::uint8_t, kCookieResponseOptionSize> option{};
    constexpr std::size_t kLength = kClientCookieSize + kServerCookieSize;
    option[0] = 0;
    option[1] = kCookieOptionCode;
    option[2] = 0;
    option[3] = static_cast<std::uint8_t>(kLength);
    std::copy(client.begin(), client.end(), option.begin() + 4);
    std::copy(server.begin(), server.end(), option.begin() + 4 + kClientCookieSize);
    return option;
}

std::optional<ServerCookie> makeServerCookie(const ClientCookie& client, const IpAddress& clientAddress,
                                             std::uint32_t timestamp, const CookieSecret& secret) {
    ServerCookie cookie{};
    cookie[0] = 1;  // version; cookie[1..3] reserved, zero
    cookie[4] = static_cast<std::uint8_t>(timestamp >> 24U);
    cookie[5] = static_cast<std::uint8_t>(timestamp >> 16U);
    cookie[6] = static_cast<std::uint8_t>(timestamp >> 8U);
    cookie[7] = static_cast<std::uint8_t>(timestamp);
    const std::array<std::span<const std::uint8_t>, 3> parts{
        std::span<const std::uint8_t>(client), std::span<const std::uint8_t>(cookie.data(), 8), clientAddress.bytes()};
    const auto hash = sipHash24(secret, parts);
    if (!hash) return std::nullopt;
    std::copy(hash->begin(), hash->end(), cookie.begin() + 8);
    return cookie;
}

bool serverCookieHashMatches(const ClientCookie& client, std::span<const std::uint8_t> server,
                             const IpAddress& clientAddress, const CookieSecret& secret) {
    if (server.size() != kServerCookieSize || server[0] != 1) return false;
    // The received version, reserved and timestamp octets are hashed as they came: RFC 9018
    // appendix A.3 shows a valid cookie whose reserved octets are not zero.
    const std::array<std::span<const std::uint8_t>, 3> parts{std::span<const std::uint8_t>(client), server.first(8),
                                                             clientAddress.bytes()};
    const auto hash = sipHash24(secret, parts);
    return hash && CRYPTO_memcmp(hash->data(), server.data() + 8, hash->size()) == 0;
}

std::uint32_t cookieTimestamp(std::chrono::system_clock::time_point now) noexcept {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(seconds));  // modulo 2^32 by design
}

CookieSlip cookieSlipRcode(CookieStatus status) noexcept {
    return status == CookieStatus::ClientOnly || status == CookieStatus::Invalid ? CookieSlip::BadCookie
                                                                                 : CookieSlip::Truncate;
}

Result<ServerCookies> ServerCookies::create(const CookieOptions& options) {
    CookieSecret secret{};
    if (options.secret) {
        secret = *options.secret;
    } else if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
        return makeError("dns cookies: no random secret (RAND_bytes failed)");
    }
    ServerCookies cookies(secret, std::nullopt, options.enabled);
    OPENSSL_cleanse(secret.data(), secret.size());
    if (options.enabled && !makeServerCookie(ClientCookie{}, IpAddress(), 0, cookies.m_current)) {
        return makeError("dns cookies: SipHash is not available in this OpenSSL");
    }
    return cookies;
}

ServerCookies::ServerCookies(const CookieSecret& current, const std::optional<CookieSecret>& previous, bool enabled)
    : m_current(current), m_previous(previous), m_enabled(enabled) {}

ServerCookies::~ServerCookies() {
    OPENSSL_cleanse(m_current.data(), m_current.size());
    if (m_previous) OPENSSL_cleanse(m_previous->data(), m_previous->size());
}

ServerCookies ServerCookies::rotated(const CookieSecret& next) const {
    return {next, m_current, m_enabled};
}

CookieDecision ServerCookies::evaluate(std::span<const std::uint8_t> optRdata, const IpAddress& clientAddress,
                                       std::chrono::system_clock::time_point now) const {
    CookieDecision decision;
    // RFC 7873 5.2: a server without cookies ignores the option, malformed or not.
    if (!m_enabled) return decision;
    const ParsedCookie parsed = parseCookieOption(optRdata);
    if (parsed.status == CookieParseStatus::Absent) return decision;
    if (parsed.status == CookieParseStatus::Malformed) {
        decision.status = CookieStatus::Malformed;
        return decision;
    }

    const std::uint32_t timestamp = cookieTimestamp(now);
    const auto server = parsed.server();
    bool echo = false;
    if (server.empty()) {
        decision.status = CookieStatus::ClientOnly;
    } else {
        const bool current = serverCookieHashMatches(parsed.client, server, clientAddress, m_current);
        const bool verified =
            current || (m_previous && serverCookieHashMatches(parsed.client, server, clientAddress, *m_previous));
        // Positive: the cookie was made `age` seconds ago; negative: it claims a later time.
        const std::int64_t age = verified ? serialDistance(readU32(server, 4), timestamp) : 0;
        const bool inWindow = age <= kCookieMaxAge && age >= -static_cast<std::int64_t>(kCookieMaxFutureSkew);
        decision.status = verified && inWindow ? CookieStatus::Valid : CookieStatus::Invalid;
        // A young cookie of our own current making goes back unchanged (RFC 9018 4.3 only asks
        // for a new one after half an hour); anything else is replaced by a fresh one.
        echo = decision.status == CookieStatus::Valid && current && age >= 0 && age <= kCookieRenewAge &&
               server[1] == 0 && server[2] == 0 && server[3] == 0;
    }

    ServerCookie fresh{};
    if (echo) {
        std::copy(server.begin(), server.end(), fresh.begin());
    } else if (auto made = makeServerCookie(parsed.client, clientAddress, timestamp, m_current)) {
        fresh = *made;
    } else {
        return decision;  // SipHash failed after create() saw it work: answer without a cookie
    }
    decision.optionBytes = buildCookieOption(parsed.client, fresh);
    decision.hasOption = true;
    return decision;
}

}  // namespace qdyn::server
