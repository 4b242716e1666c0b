// Building zone snapshots in server tests: put an RRset on a name as an update would, without
// going through the update service.
#pragma once

#include <utility>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::test {

// Replaces the RRset of that type at `owner` (creating the name when needed).
inline void putRRset(server::ZoneSnapshot& zone, const dns::Name& owner, server::RRset rrset) {
    server::ZoneEditor editor(zone);
    auto& node = editor.edit(owner);
    server::eraseIf(node.rrsets, [&](const server::RRset& set) { return set.type == rrset.type; });
    node.rrsets.push_back(std::move(rrset));
    editor.settle(owner);
    zone = *editor.finish(zone.soa.serial);
}

// A dynamic A or AAAA RRset with these addresses (all of one family).
inline server::RRset addressRRset(const std::vector<IpAddress>& addresses, std::uint32_t ttl = 60) {
    server::RRset rrset{addresses.empty() ? dns::rrtype::A : server::addressType(addresses.front()), ttl, true, {}};
    for (const auto& address : addresses) rrset.rdatas.push_back(server::addressRData(address));
    return rrset;
}

}  // namespace qdyn::test
