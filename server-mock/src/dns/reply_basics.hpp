// What every DNS front end of qdyn-server (queries, UPDATE, transfers) builds the same way: the
// header-only reply for a message the codec refused, the reply skeleton, and the EDNS checks
// and OPT record of RFC 6891.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn_server/dns_responder.hpp"

namespace qdyn::server::wire {

inline constexpr std::size_t kHeaderSize = 12;
// An OPT record with no options: the root owner, then type, class, TTL and RDLENGTH 0.
inline constexpr std::size_t kEmptyOptSize = 11;
// RFC 6891: BADVERS is extended RCODE 16; its upper eight bits (1) travel in the OPT TTL.
inline constexpr std::uint32_t kBadVersOptTtl = 1U << 24U;

// A reply carrying only a header, built from the raw bytes because the codec refused them: the
// id and opcode are echoed (and the RD bit when `echoRd`) so that the client can match it.
// `request` must hold at least a header.
std::vector<std::uint8_t> headerOnlyReply(std::span<const std::uint8_t> request, dns::Rcode rcode, bool echoRd = true);

// The reply to a decoded request: id, QR, opcode, RD and CD echoed, the question echoed only
// when there is exactly one (so a reply is never larger than a request packed with questions).
dns::Message replyTo(const dns::Message& request, dns::Rcode rcode);

// The request's OPT (RFC 6891 6.1.1 and 6.1.3).
struct Edns {
    const dns::ResourceRecord* opt = nullptr;  // null when the request has none
    bool malformed = false;                    // more than one OPT, or one not owned by the root: FORMERR
    bool badVersion = false;                   // a version other than 0: BADVERS
};
Edns checkEdns(const dns::Message& request);

// The UDP size a reply may use: 512 without EDNS, else the client's size clamped to 512..1232
// (RFC 6891 6.2.5: values below 512 are treated as 512).
std::size_t udpLimit(const dns::ResourceRecord* requestOpt) noexcept;

std::string_view transportName(DnsTransport transport) noexcept;  // "udp", "tcp" (log lines)

// Our OPT record: 1232 octets, version 0, with `ttl` carrying extended rcode bits and `options`.
dns::ResourceRecord serverOpt(std::uint32_t ttl = 0, std::vector<std::uint8_t> options = {});

}  // namespace qdyn::server::wire
