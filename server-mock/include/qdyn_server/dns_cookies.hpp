// DNS Cookies on the server side: RFC 7873 for the option and the processing rules, RFC 9018 for
// the server cookie itself (version 1, SipHash-2-4), so a client sees the same cookie from every
// server of an anycast set that shares the secret.
//
// Policy (RFC 7873 5.2.3 / 5.2.4): a query with only a client cookie, or with a server cookie we
// cannot verify, is answered normally (choice 3 of 5.2.3) with a fresh server cookie; BADCOOKIE
// is never required here. Off-path abuse of cookie-less and unverified UDP is the rate limiter's
// job (rate_limiter.hpp); when it limits a query that carried a client cookie, a BADCOOKIE
// reply with our cookie (cookieSlipRcode) is the cheap way to let a real client retry over UDP.
// Over TCP nothing is ever refused for cookie reasons (5.2.3: TCP is its own proof of address).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::server {

inline constexpr std::uint16_t kCookieOptionCode = 10;  // RFC 7873 section 4
inline constexpr std::size_t kClientCookieSize = 8;
inline constexpr std::size_t kMinServerCookieSize = 8;
inline constexpr std::size_t kMaxServerCookieSize = 32;
inline constexpr std::size_t kServerCookieSize = 16;  // what RFC 9018 version 1 produces
// Code, length, client cookie and our server cookie: every COOKIE option we send.
inline constexpr std::size_t kCookieResponseOptionSize = 4 + kClientCookieSize + kServerCookieSize;

// RFC 9018 4.3: accept cookies up to an hour old and five minutes ahead (clock skew inside an
// anycast set); hand out a new one once the client's is half an hour old.
inline constexpr std::uint32_t kCookieMaxAge = 3600;
inline constexpr std::uint32_t kCookieMaxFutureSkew = 300;
inline constexpr std::uint32_t kCookieRenewAge = 1800;

// BADCOOKIE is extended RCODE 23 (RFC 7873 8): 7 in the header, 1 in the OPT TTL's top octet.
inline constexpr std::uint16_t kBadCookieRcode = 23;
inline constexpr std::uint8_t kBadCookieHeaderRcode = kBadCookieRcode & 0x0FU;
inline constexpr std::uint32_t kBadCookieOptTtl = static_cast<std::uint32_t>(kBadCookieRcode >> 4U) << 24U;

using CookieSecret = std::array<std::uint8_t, 16>;
using ClientCookie = std::array<std::uint8_t, kClientCookieSize>;
using ServerCookie = std::array<std::uint8_t, kServerCookieSize>;

struct CookieOptions {
    bool enabled = true;
    std::optional<CookieSecret> secret;  // random at start when absent (then cookies die with a restart)
};

// --- The option on the wire ---------------------------------------------------------------------

enum class CookieParseStatus : std::uint8_t {
    Absent,     // no COOKIE option
    Malformed,  // RFC 7873 5.2.2 (and a broken option list, RFC 6891 6.1.2): FORMERR
    Present,
};

struct ParsedCookie {
    CookieParseStatus status = CookieParseStatus::Absent;
    ClientCookie client{};
    std::array<std::uint8_t, kMaxServerCookieSize> serverBytes{};
    std::size_t serverSize = 0;  // 0: client cookie only; else 8..32

    [[nodiscard]] std::span<const std::uint8_t> server() const noexcept { return {serverBytes.data(), serverSize}; }
};

// Reads the first COOKIE option out of OPT RDATA (the option list). Later COOKIE options are
// ignored (RFC 7873 5.2), but the whole list must be well formed: an option running past the
// RDATA makes the OPT, and so the query, malformed.
ParsedCookie parseCookieOption(std::span<const std::uint8_t> optRdata) noexcept;

// The complete option (code 10, length 24, client cookie, server cookie) for a response's OPT.
std::array<std::uint8_t, kCookieResponseOptionSize> buildCookieOption(const ClientCookie& client,
                                                                      const ServerCookie& server) noexcept;

// --- RFC 9018 server cookies --------------------------------------------------------------------

// Version 1 | Reserved 0 | Timestamp | SipHash-2-4(client cookie | version | reserved |
// timestamp | client IP; secret). Empty only when OpenSSL cannot compute SipHash.
std::optional<ServerCookie> makeServerCookie(const ClientCookie& client, const IpAddress& clientAddress,
                                             std::uint32_t timestamp, const CookieSecret& secret);

// The hash check alone (no clock): version 1, 16 octets, hash over the received version,
// reserved and timestamp octets equal (in constant time).
bool serverCookieHashMatches(const ClientCookie& client, std::span<const std::uint8_t> server,
                             const IpAddress& clientAddress, const CookieSecret& secret);

// RFC 9018 timestamps are seconds modulo 2^32 compared with RFC 1982 serial arithmetic.
std::uint32_t cookieTimestamp(std::chrono::system_clock::time_point now) noexcept;

// --- The decision per query ---------------------------------------------------------------------

enum class CookieStatus : std::uint8_t {
    NoCookie,    // no COOKIE option (or cookies disabled): answer as before, no option back
    Malformed,   // FORMERR, no COOKIE option back (RFC 7873 5.2.2)
    ClientOnly,  // answer normally with the new server cookie (5.2.3)
    Valid,       // the server cookie is ours and current (5.2.5): never rate limited
    Invalid,     // wrong hash, version, length, or too old/new: handled as ClientOnly (5.2.4)
};

struct CookieDecision {
    CookieStatus status = CookieStatus::NoCookie;
    // The COOKIE option for the response OPT: empty for NoCookie and Malformed.
    std::array<std::uint8_t, kCookieResponseOptionSize> optionBytes{};
    bool hasOption = false;

    [[nodiscard]] std::span<const std::uint8_t> responseOption() const noexcept {
        return hasOption ? std::span<const std::uint8_t>(optionBytes) : std::span<const std::uint8_t>();
    }
};

// What to send for a query that the rate limiter does not let through although it carried a
// cookie: BADCOOKIE with our cookie (the client retries over UDP at once) rather than TC=1.
enum class CookieSlip : std::uint8_t { Truncate, BadCookie };
CookieSlip cookieSlipRcode(CookieStatus status) noexcept;

// Immutable after construction, so one instance may be shared by every listener thread. Rotate
// the secret by building rotated() and publishing it the way the zone snapshot is published.
class ServerCookies {
public:
    // A random secret (RAND_bytes) unless one is configured. Fails when SipHash or the random
    // generator is unavailable, so a broken OpenSSL shows at start rather than per query.
    static Result<ServerCookies> create(const CookieOptions& options);

    ServerCookies(const CookieSecret& current, const std::optional<CookieSecret>& previous, bool enabled = true);
    ~ServerCookies();
    ServerCookies(const ServerCookies&) = default;
    ServerCookies& operator=(const ServerCookies&) = default;
    ServerCookies(ServerCookies&&) = default;
    ServerCookies& operator=(ServerCookies&&) = default;

    // The next generation: `next` signs from now on, today's secret still verifies (RFC 9018
    // 4.4 lets both be accepted until cookies made with the old one have expired).
    [[nodiscard]] ServerCookies rotated(const CookieSecret& next) const;

    [[nodiscard]] bool enabled() const noexcept { return m_enabled; }

    // The query's OPT RDATA, the address it came from and the time of arrival.
    [[nodiscard]] CookieDecision evaluate(std::span<const std::uint8_t> optRdata, const IpAddress& clientAddress,
                                          std::chrono::system_clock::time_point now) const;

private:
    CookieSecret m_current{};
    std::optional<CookieSecret> m_previous;
    bool m_enabled = true;
};

}  // namespace qdyn::server
