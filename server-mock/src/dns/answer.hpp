// The authoritative lookup: fills the answer, authority and additional sections for one
// question inside the zone (positive answers, CNAME chains, NXDOMAIN and NODATA with the SOA,
// ANY as RFC 8482 suggests). Message-level rules (EDNS, rcodes for broken queries, truncation)
// stay in the responder.
#pragma once

#include "qdyn/dns/message.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server {

// CNAME hops followed inside the zone before the chain is cut (as BIND and Knot do).
inline constexpr int kMaxCnameChain = 8;

// `question` must lie inside the zone. Sets AA and the rcode of `reply`.
void answerInZone(dns::Message& reply, const dns::Question& question, const ZoneSnapshot& zone);

}  // namespace qdyn::server
