// Builds the state-carrying UPDATE of forward_update.hpp.
#include "forward/forward_update.hpp"

#include <unordered_set>

namespace qdyn::server {

namespace {

bool forwardable(std::uint16_t type) noexcept { return type != dns::rrtype::SOA && type != dns::rrtype::NS; }

// Keeps the first occurrence of each RRset, in order (a mass expiry touches many names).
class UniqueKeys {
public:
    void add(const dns::Name& name, std::uint16_t type) {
        if (!forwardable(type)) return;
        RRsetKey key{name, type};
        if (m_seen.insert(key).second) m_keys.push_back(std::move(key));
    }
    std::vector<RRsetKey> take() { return std::move(m_keys); }

private:
    std::vector<RRsetKey> m_keys;
    std::unordered_set<RRsetKey, RRsetKeyHash> m_seen;
};

}  // namespace

dns::Message buildForwardUpdate(const dns::Name& forwardZone, std::span<const RRsetKey> keys, const ZoneSnapshot& zone,
                                std::uint16_t id) {
    dns::Message message;
    message.header.id = id;
    message.header.opcode = dns::Opcode::Update;
    message.questions.push_back(dns::Question{forwardZone, dns::rrtype::SOA, dns::rrclass::Internet});
    for (const auto& key : keys) {
        if (!forwardable(key.type)) continue;
        // RFC 2136 2.5.2: class ANY, TTL 0, no RDATA deletes the RRset.
        message.authority.push_back(dns::ResourceRecord{key.name, key.type, dns::rrclass::ANY, 0, dns::RawData{}});
        const Node* node = zone.find(key.name);
        const RRset* rrset = node != nullptr ? node->find(key.type) : nullptr;
        if (rrset == nullptr || !node->serves(*rrset)) continue;
        for (const auto& rdata : rrset->rdatas) {
            message.authority.push_back(dns::ResourceRecord{key.name, key.type, dns::rrclass::Internet, rrset->ttl, rdata});
        }
    }
    return message;
}

std::vector<RRsetKey> touchedRRsets(const ZoneChange& change) {
    UniqueKeys keys;
    if (!change.complete) {
        for (const auto& key : change.dynamicBefore) keys.add(key.name, key.type);
        return keys.take();
    }
    for (const auto* records : {&change.removed, &change.added}) {
        for (const auto& record : *records) keys.add(record.name, record.type);
    }
    return keys.take();
}

std::vector<RRsetKey> resyncRRsets(const ZoneSnapshot& zone, const std::vector<dns::Name>& hosts) {
    UniqueKeys keys;
    const auto addHost = [&keys](const dns::Name& host) {
        keys.add(host, dns::rrtype::A);
        keys.add(host, dns::rrtype::AAAA);
    };
    const std::unordered_set<dns::Name, dns::NameHash> hostSet(hosts.begin(), hosts.end());
    std::unordered_set<dns::Name, dns::NameHash> listed;
    zone.forEach([&](const dns::Name& name, const Node& node) {
        bool dynamic = false;
        for (const auto& rrset : node.rrsets) {
            if (!rrset.dynamic) continue;
            keys.add(name, rrset.type);
            dynamic = true;
        }
        // A host's A and AAAA go with its other RRsets, so one name stays in one place.
        if (dynamic && hostSet.contains(name)) {
            addHost(name);
            listed.insert(name);
        }
    });
    for (const auto& host : hosts) {
        if (!listed.contains(host)) addHost(host);
    }
    return keys.take();
}

}  // namespace qdyn::server
