// The authoritative DNS answer for one query message: a pure function of the query bytes and a
// zone snapshot, shared by every DNS transport and testable without sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "qdyn_server/zone.hpp"

namespace qdyn::server {

enum class DnsTransport : std::uint8_t { Udp, Tcp };

// The UDP payload size qdyn-server advertises and never exceeds (DNS flag day 2020).
inline constexpr std::uint16_t kMaxUdpPayload = 1232;
// Without EDNS a UDP answer must fit RFC 1035's 512 octets.
inline constexpr std::size_t kClassicUdpLimit = 512;

// The response to send, or an empty vector when the query must be dropped silently (shorter
// than a header, or itself a response).
std::vector<std::uint8_t> respond(std::span<const std::uint8_t> query, const ZoneSnapshot& zone,
                                  DnsTransport transport = DnsTransport::Udp);

}  // namespace qdyn::server
