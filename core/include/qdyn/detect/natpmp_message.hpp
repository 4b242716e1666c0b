// NAT-PMP (RFC 6886) external-address messages, the one definition both sides use: the router
// source checks every reply with it before libnatpmp reads it, qdyn-server's responder answers
// with it. Pure bytes, no library: it builds with or without libnatpmp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::detect::natpmp {

inline constexpr std::uint16_t kPort = 5351;  // RFC 6886 3: the gateway listens here, fixed
inline constexpr std::uint8_t kVersion = 0;
inline constexpr std::uint8_t kOpExternalAddress = 0;
inline constexpr std::uint8_t kOpMapUdp = 1;
inline constexpr std::uint8_t kOpMapTcp = 2;
inline constexpr std::uint8_t kResponseBit = 0x80;  // a response's opcode is the request's + 128
inline constexpr std::size_t kRequestSize = 2;      // version, opcode
inline constexpr std::size_t kMappingRequestSize = 12;
inline constexpr std::size_t kErrorResponseSize = 8;     // version, opcode, result code, epoch
inline constexpr std::size_t kAddressResponseSize = 12;  // ... and the external IPv4 address

// RFC 6886 3.5.
enum class ResultCode : std::uint16_t {
    Success = 0,
    UnsupportedVersion = 1,
    NotAuthorized = 2,   // "Not Authorized/Refused": NAT-PMP switched off on the gateway
    NetworkFailure = 3,  // e.g. the gateway has no external address (no DHCP lease yet)
    OutOfResources = 4,
    UnsupportedOpcode = 5,
};

// "not authorized or refused (2)", "result code 77 (not defined by RFC 6886)".
std::string describeResult(std::uint16_t code);

std::array<std::uint8_t, kRequestSize> encodeExternalAddressRequest() noexcept;

struct ExternalAddressReply {
    std::uint16_t resultCode = 0;
    std::uint32_t epoch = 0;  // seconds since the gateway (re)started its mapping table
    IpAddress address;        // the external IPv4 address; only when resultCode is 0
};

// A datagram that is a well-formed answer to the external-address request: version 0, opcode
// 128, and exactly 12 octets with result code 0 (8 or 12 with an error code: RFC 6886 3.5's
// error form, or the full form with 0.0.0.0). An Error says why anything else is not one
// (truncated, another version or opcode, wrong length); a result code other than 0 is not an
// Error here but a well-formed reply the caller reports.
Result<ExternalAddressReply> parseExternalAddressReply(std::span<const std::uint8_t> datagram);

// The server's side: the 12-octet success answer (`address` must be IPv4) ...
std::vector<std::uint8_t> encodeExternalAddressResponse(std::uint32_t epoch, const IpAddress& address);
// ... and the 8-octet error answer to a request with `requestOpcode` (below 128).
std::vector<std::uint8_t> encodeErrorResponse(std::uint8_t requestOpcode, ResultCode code, std::uint32_t epoch);

}  // namespace qdyn::detect::natpmp
