// The DNS "whoami" name ([dns] whoami): answered with the querier's own address, for the DNS
// echo source (issue 6). A for an IPv4 querier, AAAA for an IPv6 one, TXT with the address as
// text, in class IN and (Cloudflare's whoami.cloudflare style) CH TXT; TTL 0, since the answer
// belongs to one querier and must never be cached, neither by resolvers nor by the server's own
// answer cache.
#pragma once

#include <cstdint>
#include <span>

#include "qdyn/dns/message.hpp"
#include "qdyn/dns/name.hpp"
#include "qdyn/ip_address.hpp"

namespace qdyn::server {

// True when the first question of `query` (wire form) names `whoami`: cheap, no allocation,
// for the cache's hot path. Malformed or compressed questions give false; the full decode
// in the responder settles those.
bool asksWhoami(std::span<const std::uint8_t> query, const dns::Name& whoami) noexcept;

// Fills `reply` (AA set) for a question whose name is the whoami name. The other family, the
// other types and the other classes get NODATA (NOERROR, no records).
void answerWhoami(dns::Message& reply, const dns::Question& question, const IpAddress& client);

}  // namespace qdyn::server
