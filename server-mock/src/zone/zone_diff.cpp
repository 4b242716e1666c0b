// The served records of a node and the difference between two versions of it: what an IXFR
// step carries (RFC 1995), computed from the same Node::serves rule the queries use.
#include <algorithm>
#include <set>
#include <span>
#include <variant>

#include <boost/container/small_vector.hpp>

#include "qdyn_server/zone.hpp"

namespace qdyn::server {

namespace {

const RRset* servedRRset(const Node* node, std::uint16_t type) {
    if (node == nullptr) return nullptr;
    const RRset* rrset = node->find(type);
    return rrset != nullptr && node->serves(*rrset) ? rrset : nullptr;
}

void appendRecords(const dns::Name& owner, const RRset& rrset, std::vector<dns::ResourceRecord>& out) {
    for (const auto& rdata : rrset.rdatas)
        out.push_back({owner, rrset.type, dns::rrclass::Internet, rrset.ttl, rdata});
}

// The address an A or AAAA RDATA holds, as the octets its wire form carries; empty for others.
std::span<const std::uint8_t> addressOctets(const dns::RData& rdata) {
    if (const auto* a = std::get_if<dns::AData>(&rdata)) return a->address;
    if (const auto* aaaa = std::get_if<dns::AaaaData>(&rdata)) return aaaa->address;
    return {};
}

// Small RRsets of addresses are compared in place, by their octets (other RDATA compares names
// in it without regard to case, which its wire form does not).
bool comparesInPlace(const RRset& a, const RRset& b) {
    if (a.rdatas.size() * b.rdatas.size() > 64) return false;
    for (const RRset* rrset : {&a, &b}) {
        for (const auto& rdata : rrset->rdatas) {
            if (addressOctets(rdata).empty()) return false;
        }
    }
    return true;
}

bool holdsAddress(const RRset& rrset, std::span<const std::uint8_t> octets) {
    return std::any_of(rrset.rdatas.begin(), rrset.rdatas.end(), [octets](const dns::RData& rdata) {
        const auto candidate = addressOctets(rdata);
        return std::equal(candidate.begin(), candidate.end(), octets.begin(), octets.end());
    });
}

// The records of `from` whose RDATA `other` lacks (both RRsets of one type and TTL). Compared
// in wire form through a set, so an UPDATE that touches a large RRset costs n log n, not n².
void appendMissing(const dns::Name& owner, const RRset& from, const RRset& other,
                   std::vector<dns::ResourceRecord>& out) {
    if (comparesInPlace(from, other)) {
        for (const auto& rdata : from.rdatas) {
            if (!holdsAddress(other, addressOctets(rdata))) {
                out.push_back({owner, from.type, dns::rrclass::Internet, from.ttl, rdata});
            }
        }
        return;
    }
    std::set<std::vector<std::uint8_t>> present;
    for (const auto& rdata : other.rdatas)
        present.insert(dns::encodeRData(other.type, rdata));
    for (const auto& rdata : from.rdatas) {
        if (present.count(dns::encodeRData(from.type, rdata)) == 0) {
            out.push_back({owner, from.type, dns::rrclass::Internet, from.ttl, rdata});
        }
    }
}

}  // namespace

void appendServedRecords(const dns::Name& owner, const Node& node, std::vector<dns::ResourceRecord>& out) {
    for (const auto& rrset : node.rrsets) {
        if (node.serves(rrset)) appendRecords(owner, rrset, out);
    }
}

void diffServed(const dns::Name& owner, const Node* before, const Node* after,
                std::vector<dns::ResourceRecord>& removed, std::vector<dns::ResourceRecord>& added) {
    boost::container::small_vector<std::uint16_t, 8> types;
    for (const Node* node : {before, after}) {
        if (node == nullptr) continue;
        for (const auto& rrset : node->rrsets)
            types.push_back(rrset.type);
    }
    std::sort(types.begin(), types.end());
    types.erase(std::unique(types.begin(), types.end()), types.end());
    for (const std::uint16_t type : types) {
        const RRset* old = servedRRset(before, type);
        const RRset* now = servedRRset(after, type);
        if (old != nullptr && now != nullptr && *old == *now) continue;
        // A changed TTL changes every record of the RRset: all go, all come back.
        if (old == nullptr || now == nullptr || old->ttl != now->ttl) {
            if (old != nullptr) appendRecords(owner, *old, removed);
            if (now != nullptr) appendRecords(owner, *now, added);
            continue;
        }
        appendMissing(owner, *old, *now, removed);
        appendMissing(owner, *now, *old, added);
    }
}

}  // namespace qdyn::server
