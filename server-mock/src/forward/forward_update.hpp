// The RFC 2136 UPDATE that brings an external primary in line with what qdyn-server serves for
// some RRsets. It carries state, not steps: for each RRset "delete it, then add what is served
// now", so the message is idempotent, can be retried and merged with later changes freely, and
// the primary applies each message entirely or not at all (RFC 2136 3.4, 3.5).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server {

// Zone section `forwardZone SOA IN`; per key `name ANY type` (delete the RRset) followed by the
// records `zone` serves for it (none when the name is gone, the RRset removed or withheld while
// offline). SOA and NS are never sent: the primary keeps its own. Unsigned.
dns::Message buildForwardUpdate(const dns::Name& forwardZone, std::span<const RRsetKey> keys, const ZoneSnapshot& zone,
                                std::uint16_t id);

// The RRsets a change touched, each once, in the order first met (SOA and NS left out). For a
// rebuilt zone (a reload): the dynamic RRsets it had before.
std::vector<RRsetKey> touchedRRsets(const ZoneChange& change);

// Every dynamic RRset of a zone, then the A and AAAA of each of `hosts` not already listed (for
// a full resync at start-up: a host without addresses gets them deleted at the primary). The
// RRsets of one name are listed next to each other.
std::vector<RRsetKey> resyncRRsets(const ZoneSnapshot& zone, const std::vector<dns::Name>& hosts);

}  // namespace qdyn::server
