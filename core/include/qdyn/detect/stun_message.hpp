// The STUN Binding exchange on the wire (RFC 8489): the request a client sends, the request a
// server accepts, the success response both sides build and read. Pure functions over octets,
// shared by the STUN source and qdyn-server's STUN listener, each with a fuzz target.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::detect::stun {

inline constexpr std::uint32_t kMagicCookie = 0x2112A442;
inline constexpr std::size_t kHeaderSize = 20;
inline constexpr std::uint16_t kBindingRequest = 0x0001;
inline constexpr std::uint16_t kBindingSuccess = 0x0101;
inline constexpr std::uint16_t kBindingError = 0x0111;
inline constexpr std::uint16_t kAttrMappedAddress = 0x0001;
inline constexpr std::uint16_t kAttrXorMappedAddress = 0x0020;
inline constexpr std::uint16_t kAttrErrorCode = 0x0009;
// The longest message either side reads: a Binding response carries a handful of attributes,
// and qdyn never needs more than one UDP datagram of a sane size.
inline constexpr std::size_t kMaxMessage = 1280;

using TransactionId = std::array<std::uint8_t, 12>;

// 96 random bits straight from std::random_device, the operating system's generator (RFC 8489
// 6: uniformly random, so an off-path attacker cannot guess it and forge the reply).
TransactionId randomTransactionId();

// A Binding request without attributes: 20 octets.
std::vector<std::uint8_t> encodeBindingRequest(const TransactionId& id);

struct Mapped {
    IpAddress address;
    std::uint16_t port = 0;
};

// Reads a Binding success response to the request with `id`. XOR-MAPPED-ADDRESS is preferred,
// MAPPED-ADDRESS (RFC 3489 servers) is the fallback. An Error for anything else: too short or
// long, not a response, another transaction, a wrong cookie, a length that disagrees with the
// datagram, a truncated or mis-sized attribute, an unknown comprehension-required attribute
// (RFC 8489 7.3.3), an error response, or no address at all.
Result<Mapped> parseBindingResponse(std::span<const std::uint8_t> message, const TransactionId& id);

// What a server needs from a request: its transaction id, when `message` is a well-formed
// Binding request with the magic cookie (attributes are walked for framing only). nullopt
// for anything else, which a server ignores without answering.
std::optional<TransactionId> parseBindingRequest(std::span<const std::uint8_t> message);

// The success response carrying XOR-MAPPED-ADDRESS only: 32 octets for IPv4, 44 for IPv6.
std::vector<std::uint8_t> encodeBindingResponse(const TransactionId& id, const IpAddress& address, std::uint16_t port);

}  // namespace qdyn::detect::stun
