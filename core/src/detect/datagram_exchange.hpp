// One UDP question and its answer, for the datagram sources (STUN, miniDNS myip): resolve the
// server for one address family, send, resend on a schedule, and return the first datagram
// from that exact address and port which the caller's check accepts. Everything else arriving
// on the socket (another sender, a forged or stale reply) is ignored until the deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::detect::detail {

struct DatagramTarget {
    std::string host;  // a name or an address literal (IPv6 without brackets)
    std::uint16_t port = 0;
};

struct DatagramSchedule {
    std::chrono::milliseconds timeout{3000};  // the whole exchange, resolution excluded
    // When to (re)send, from the start; the first entry is normally 0 (RFC 8489 6.2.1 doubles
    // the interval from its RTO: 0, 500, 1500 ms ...). Entries past the timeout never fire.
    std::vector<std::chrono::milliseconds> sendAt{std::chrono::milliseconds(0)};
};

// nullopt: the datagram is the answer; otherwise why it was ignored (kept for the error).
using DatagramCheck = std::function<std::optional<std::string>(std::span<const std::uint8_t>)>;

// The accepted datagram, or an Error: the host does not resolve for `family`, the socket
// fails, or nothing acceptable arrived in time (naming the last reason a datagram was ignored).
// Name resolution runs in the system resolver, which the timeout does not bound.
Result<std::vector<std::uint8_t>> exchangeDatagram(const DatagramTarget& target, AddressFamily family,
                                                   std::span<const std::uint8_t> request, const DatagramCheck& check,
                                                   const DatagramSchedule& schedule);

}  // namespace qdyn::detect::detail
