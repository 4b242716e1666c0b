// Authoritative answers from one zone snapshot: no state, no locks, no sockets.
#include "dns/answer.hpp"

#include <algorithm>

namespace qdyn::server {

namespace {

dns::ResourceRecord soaRecord(const ZoneSnapshot& zone, std::uint32_t ttl) {
    return {zone.origin, dns::rrtype::SOA, dns::rrclass::Internet, ttl, zone.soa};
}

// RFC 2308 section 3: a negative answer is cached for min(SOA TTL, SOA MINIMUM).
void addNegativeSoa(dns::Message& reply, const ZoneSnapshot& zone) {
    reply.authority.push_back(soaRecord(zone, std::min(zone.apexTtl, zone.soa.minimum)));
}

void appendRRset(std::vector<dns::ResourceRecord>& section, const dns::Name& owner, const RRset& rrset) {
    for (const auto& rdata : rrset.rdatas) section.push_back({owner, rrset.type, dns::rrclass::Internet, rrset.ttl, rdata});
}

bool alreadyAdded(const std::vector<dns::ResourceRecord>& section, const dns::Name& owner, std::uint16_t type) {
    return std::any_of(section.begin(), section.end(),
                       [&](const dns::ResourceRecord& rr) { return rr.type == type && rr.name == owner; });
}

// Addresses of in-zone targets (name servers, mail exchangers) in the additional section, so
// resolvers need no second query.
void addTargetAddresses(dns::Message& reply, const ZoneSnapshot& zone, const dns::Name& target) {
    if (!target.isSubdomainOf(zone.origin)) return;
    const Node* node = zone.find(target);
    if (node == nullptr) return;
    for (const std::uint16_t type : {dns::rrtype::A, dns::rrtype::AAAA}) {
        const RRset* rrset = node->find(type);
        if (rrset != nullptr && node->serves(*rrset) && !alreadyAdded(reply.additional, target, type)) {
            appendRRset(reply.additional, target, *rrset);
        }
    }
}

void addAdditionals(dns::Message& reply, const ZoneSnapshot& zone, std::size_t firstNew) {
    for (std::size_t i = firstNew; i < reply.answers.size(); ++i) {
        const auto& rr = reply.answers[i];
        if (const auto* ns = std::get_if<dns::NameData>(&rr.data); ns != nullptr && rr.type == dns::rrtype::NS) {
            addTargetAddresses(reply, zone, ns->name);
        } else if (const auto* mx = std::get_if<dns::MxData>(&rr.data)) {
            addTargetAddresses(reply, zone, mx->exchange);
        }
    }
}

// RFC 8482 4.1: ANY gets one RRset rather than everything (no amplification, no effort), the
// addresses first since that is what a client asking ANY most likely wants.
const RRset* pickForAny(const Node& node) {
    const RRset* best = nullptr;
    auto rank = [](std::uint16_t type) {
        if (type == dns::rrtype::A) return 0;
        if (type == dns::rrtype::AAAA) return 1;
        return 2;
    };
    for (const auto& rrset : node.rrsets) {
        if (!node.serves(rrset) || rrset.rdatas.empty()) continue;
        if (best == nullptr || rank(rrset.type) < rank(best->type) ||
            (rank(rrset.type) == rank(best->type) && rrset.type < best->type)) {
            best = &rrset;
        }
    }
    return best;
}

// The data of `node` for `qtype` at `owner`; false when it holds none (NODATA).
bool answerAt(dns::Message& reply, const ZoneSnapshot& zone, const dns::Name& owner, const Node& node,
              std::uint16_t qtype) {
    const std::size_t before = reply.answers.size();
    const bool apex = owner == zone.origin;
    if (apex && (qtype == dns::rrtype::SOA || qtype == dns::rrtype::ANY)) {
        reply.answers.push_back(soaRecord(zone, zone.apexTtl));
    } else if (apex && qtype == dns::rrtype::NS) {
        for (const auto& ns : zone.nameservers) {
            reply.answers.push_back({owner, dns::rrtype::NS, dns::rrclass::Internet, zone.apexTtl, dns::NameData{ns}});
        }
    } else if (qtype == dns::rrtype::ANY) {
        if (const RRset* rrset = pickForAny(node)) appendRRset(reply.answers, owner, *rrset);
    } else if (const RRset* rrset = node.find(qtype); rrset != nullptr && node.serves(*rrset)) {
        appendRRset(reply.answers, owner, *rrset);
    }
    addAdditionals(reply, zone, before);
    return reply.answers.size() > before;
}

}  // namespace

void answerInZone(dns::Message& reply, const dns::Question& question, const ZoneSnapshot& zone) {
    reply.header.aa = true;
    // The owner is the name as asked, so the case the client used comes back (0x20).
    dns::Name owner = question.name;
    std::vector<dns::Name> visited;
    for (int hop = 0;; ++hop) {
        const Node* node = zone.find(owner);
        if (node == nullptr) {
            // RFC 6604: after a CNAME the rcode is that of the last name in the chain.
            reply.header.rcode = dns::Rcode::NxDomain;
            addNegativeSoa(reply, zone);
            return;
        }
        const RRset* cname = node->find(dns::rrtype::CNAME);
        const bool followCname = cname != nullptr && !cname->rdatas.empty() && question.type != dns::rrtype::CNAME &&
                                 question.type != dns::rrtype::ANY;
        if (!followCname) {
            if (!answerAt(reply, zone, owner, *node, question.type)) addNegativeSoa(reply, zone);
            return;
        }
        appendRRset(reply.answers, owner, *cname);
        visited.push_back(owner);
        const auto* target = std::get_if<dns::NameData>(&cname->rdatas.front());
        // Out of the zone, a loop, or too long: the resolver takes it from here.
        if (target == nullptr || !target->name.isSubdomainOf(zone.origin) || hop + 1 >= kMaxCnameChain ||
            std::find(visited.begin(), visited.end(), target->name) != visited.end()) {
            return;
        }
        owner = target->name;
    }
}

}  // namespace qdyn::server
