// The authoritative DNS answer for one query message: a pure function of the query bytes and a
// zone snapshot, shared by every DNS transport and testable without sockets.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "qdyn/dns/name.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn_server/dns_cookies.hpp"
#include "qdyn_server/rate_limiter.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server {

enum class DnsTransport : std::uint8_t { Udp, Tcp };

// The UDP payload size qdyn-server advertises and never exceeds (DNS flag day 2020).
inline constexpr std::uint16_t kMaxUdpPayload = 1232;
// Without EDNS a UDP answer must fit RFC 1035's 512 octets.
inline constexpr std::size_t kClassicUdpLimit = 512;

// Who asked and when, for DNS cookies (RFC 7873/9018) and the rate limit of UDP answers to
// sources without a valid server cookie. Either pointer may be null (feature off).
struct QueryContext {
    IpAddress client;
    std::chrono::system_clock::time_point now;
    RateLimiter::Clock::time_point steadyNow;
    const ServerCookies* cookies = nullptr;
    RateLimiter* limiter = nullptr;  // applied to UDP only; not thread-safe (one io thread)
    // The limiter's decision when the caller already asked it (the answer cache does, before
    // looking up): used instead of asking again.
    std::optional<RateDecision> decided{};
    // [dns] whoami, answered with `client` (dns/whoami.hpp); null when none is configured.
    const dns::Name* whoami = nullptr;
};

// The response to send, or an empty vector when the query must be dropped silently (shorter
// than a header, itself a response, or over the rate limit).
std::vector<std::uint8_t> respond(std::span<const std::uint8_t> query, const ZoneSnapshot& zone,
                                  DnsTransport transport = DnsTransport::Udp, const QueryContext* context = nullptr);

}  // namespace qdyn::server
