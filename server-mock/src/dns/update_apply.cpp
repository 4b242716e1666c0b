// RFC 2136 3.2-3.4 on a ZoneTransaction; see update_apply.hpp for the policy decisions.
#include "dns/update_apply.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>

namespace qdyn::server::dnsupdate {

namespace {

using dns::Rcode;

// RFC 2181 8: a TTL with the top bit set is treated as zero.
constexpr std::uint32_t kMaxTtl = 0x7FFFFFFFU;
// RFC 8659 4.1: a CAA tag is 1..15 letters and digits.
constexpr std::size_t kMaxCaaTagLength = 15;
// SRV RDATA: priority, weight, port before the target.
constexpr std::size_t kSrvFixedSize = 6;

Check fail(Rcode rcode, std::string reason) {
    return {rcode, std::move(reason)};
}

std::string describe(const dns::ResourceRecord& rr) {
    return rr.name.toString() + " " + dns::typeToString(rr.type);
}

// RFC 6895 3.1: 128..255 are query and meta types, OPT (41) is a meta type, 0 is reserved.
// None of them can be data in a zone.
bool isMetaType(std::uint16_t type) noexcept {
    return type == 0 || type == dns::rrtype::OPT || (type >= 128 && type <= 255);
}

bool isAcceptedType(std::uint16_t type) noexcept {
    switch (type) {
        case dns::rrtype::A:
        case dns::rrtype::AAAA:
        case dns::rrtype::CNAME:
        case dns::rrtype::MX:
        case dns::rrtype::TXT:
        case kTypeSrv:
        case kTypeCaa:
            return true;
        default:
            return false;
    }
}

// RDLENGTH 0 decodes to an empty RawData whatever the type; nothing else does.
bool isEmptyRData(const dns::RData& data) {
    const auto* raw = std::get_if<dns::RawData>(&data);
    return raw != nullptr && raw->bytes.empty();
}

std::string_view asText(std::span<const std::uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool validSrv(const std::vector<std::uint8_t>& bytes) {
    // RFC 2782: the target is an uncompressed name filling the rest of the RDATA.
    if (bytes.size() <= kSrvFixedSize) return false;
    return static_cast<bool>(dns::Name::fromWire(asText(std::span(bytes).subspan(kSrvFixedSize))));
}

bool validCaa(const std::vector<std::uint8_t>& bytes) {
    // RFC 8659 4.1: flags, tag length, tag, value (the rest, possibly empty).
    if (bytes.size() < 2) return false;
    const std::size_t tagLength = bytes[1];
    if (tagLength == 0 || tagLength > kMaxCaaTagLength || bytes.size() < 2 + tagLength) return false;
    return std::all_of(bytes.begin() + 2, bytes.begin() + 2 + static_cast<std::ptrdiff_t>(tagLength), [](auto c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    });
}

// RDATA that qdyn can serve for an accepted type: the codec decodes the RFC 1035 and 3596
// types itself (an RDLENGTH of 0 leaves them raw, which is never valid); SRV and CAA stay raw
// and are checked here so that nothing malformed is ever published.
bool validRData(std::uint16_t type, const dns::RData& data) {
    switch (type) {
        case dns::rrtype::A:
            return std::holds_alternative<dns::AData>(data);
        case dns::rrtype::AAAA:
            return std::holds_alternative<dns::AaaaData>(data);
        case dns::rrtype::CNAME:
            return std::holds_alternative<dns::NameData>(data);
        case dns::rrtype::MX:
            return std::holds_alternative<dns::MxData>(data);
        case dns::rrtype::TXT:
            return std::holds_alternative<dns::TxtData>(data);
        case kTypeSrv: {
            const auto* raw = std::get_if<dns::RawData>(&data);
            return raw != nullptr && validSrv(raw->bytes);
        }
        case kTypeCaa: {
            const auto* raw = std::get_if<dns::RawData>(&data);
            return raw != nullptr && validCaa(raw->bytes);
        }
        default:
            return false;
    }
}

// The RDATAs queries get for (name, type), or nullopt when there is no such RRset. The apex's
// SOA and NS are generated from the snapshot rather than stored in its node.
std::optional<std::vector<dns::RData>> servedRData(const ZoneTransaction& tx, const dns::Name& name,
                                                   std::uint16_t type) {
    const ZoneSnapshot& zone = tx.current();
    if (name == zone.origin && type == dns::rrtype::SOA) return std::vector<dns::RData>{zone.soa};
    if (name == zone.origin && type == dns::rrtype::NS) {
        std::vector<dns::RData> out;
        for (const auto& ns : zone.nameservers)
            out.emplace_back(dns::NameData{ns});
        return out;
    }
    const Node* node = tx.find(name);
    if (node == nullptr) return std::nullopt;
    const RRset* rrset = node->find(type);
    if (rrset == nullptr || !node->serves(*rrset) || rrset->rdatas.empty()) return std::nullopt;
    return std::vector<dns::RData>(rrset->rdatas.begin(), rrset->rdatas.end());
}

bool rrsetExists(const ZoneTransaction& tx, const dns::Name& name, std::uint16_t type) {
    if (name == tx.current().origin && (type == dns::rrtype::SOA || type == dns::rrtype::NS)) return true;
    const Node* node = tx.find(name);
    if (node == nullptr) return false;
    const RRset* rrset = node->find(type);
    return rrset != nullptr && node->serves(*rrset) && !rrset->rdatas.empty();
}

bool nameInUse(const ZoneTransaction& tx, const dns::Name& name) {
    if (name == tx.current().origin) return true;
    const Node* node = tx.find(name);
    if (node == nullptr) return false;
    return std::any_of(node->rrsets.begin(), node->rrsets.end(),
                       [node](const RRset& rrset) { return node->serves(rrset) && !rrset.rdatas.empty(); });
}

template <typename RDataSet>  // a std::vector or the zone's RDataList
bool contains(std::uint16_t type, const RDataSet& set, const dns::RData& data) {
    return std::any_of(set.begin(), set.end(), [&](const dns::RData& x) { return sameRData(type, x, data); });
}

// 3.2.3: the RRset built from the prerequisites (duplicates collapse) equals the zone's, as
// sets, ignoring TTLs and order.
bool sameSet(std::uint16_t type, const std::vector<dns::RData>& wanted, const std::vector<dns::RData>& zone) {
    return std::all_of(wanted.begin(), wanted.end(), [&](const dns::RData& x) { return contains(type, zone, x); }) &&
           std::all_of(zone.begin(), zone.end(), [&](const dns::RData& x) { return contains(type, wanted, x); });
}

// What queries see of a node, to tell which names an update changed (the same comparison the
// update service makes for the serial).
bool servesSame(const Node* before, const Node* after) {
    std::vector<const RRset*> a;
    std::vector<const RRset*> b;
    if (before != nullptr) {
        for (const auto& rrset : before->rrsets) {
            if (before->serves(rrset)) a.push_back(&rrset);
        }
    }
    if (after != nullptr) {
        for (const auto& rrset : after->rrsets) {
            if (after->serves(rrset)) b.push_back(&rrset);
        }
    }
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const RRset* x, const RRset* y) { return *x == *y; });
}

bool hasDynamicRRsets(const Node& node) {
    return std::any_of(node.rrsets.begin(), node.rrsets.end(), [](const RRset& rrset) { return rrset.dynamic; });
}

// 3.4.2.2's CNAME rule looks for "any non-CNAME RRs": any RRset with data, served or not (an
// offline host's addresses come back later and must not clash with a CNAME).
bool hasNonCnameData(const Node& node) {
    return std::any_of(node.rrsets.begin(), node.rrsets.end(),
                       [](const RRset& rrset) { return rrset.type != dns::rrtype::CNAME && !rrset.rdatas.empty(); });
}

// 3.4.2.2 for one RR of the zone's class.
void addRecord(Node& node, bool apex, const dns::ResourceRecord& rr) {
    const std::uint32_t ttl = rr.ttl > kMaxTtl ? 0 : rr.ttl;
    RRset* existing = node.find(rr.type);
    if (rr.type == dns::rrtype::CNAME) {
        // A CNAME cannot live beside other data (the apex always has SOA and NS): ignored.
        if (apex || hasNonCnameData(node)) return;
        // CNAME is a singleton (RFC 1034 3.6.2): a new one replaces the old, as BIND does.
        if (existing != nullptr) {
            existing->rdatas = {rr.data};
            existing->ttl = ttl;
            return;
        }
    } else if (const RRset* cname = node.find(dns::rrtype::CNAME); cname != nullptr && !cname->rdatas.empty()) {
        return;  // other data at a CNAME: ignored
    }
    if (existing == nullptr) {
        node.rrsets.push_back(RRset{rr.type, ttl, true, {rr.data}});
    } else {
        // A duplicate replaces the zone's RR, which only changes the TTL; the TTL is the RRset's
        // (RFC 2181 5.2), so the last RR added sets it for all.
        if (!contains(rr.type, existing->rdatas, rr.data)) existing->rdatas.push_back(rr.data);
        existing->ttl = ttl;
    }
    // An address update means the host is back: its addresses are served again.
    if (rr.type == dns::rrtype::A || rr.type == dns::rrtype::AAAA) node.offline = false;
}

// The static RRset an update RR would touch, or nullptr.
const RRset* staticTarget(const Node* node, const dns::ResourceRecord& rr) {
    if (node == nullptr) return nullptr;
    for (const auto& rrset : node->rrsets) {
        if (rrset.dynamic) continue;
        if (rr.klass == dns::rrclass::ANY && rr.type == dns::rrtype::ANY) return &rrset;
        if (rrset.type == rr.type) return &rrset;
    }
    return nullptr;
}

}  // namespace

bool sameRData(std::uint16_t type, const dns::RData& a, const dns::RData& b) {
    if (type == kTypeSrv) {
        const auto* x = std::get_if<dns::RawData>(&a);
        const auto* y = std::get_if<dns::RawData>(&b);
        if (x != nullptr && y != nullptr && x->bytes.size() > kSrvFixedSize && y->bytes.size() > kSrvFixedSize &&
            std::equal(x->bytes.begin(), x->bytes.begin() + kSrvFixedSize, y->bytes.begin())) {
            auto xTarget = dns::Name::fromWire(asText(std::span(x->bytes).subspan(kSrvFixedSize)));
            auto yTarget = dns::Name::fromWire(asText(std::span(y->bytes).subspan(kSrvFixedSize)));
            if (xTarget && yTarget) return *xTarget == *yTarget;
        }
    }
    return a == b;
}

HostOwners::HostOwners(const Config& config) : m_origin(config.zone.origin) {
    for (const auto& account : config.accounts) {
        for (const auto& host : account.hosts)
            m_owners[host].push_back(&account);
    }
}

const dns::Name* HostOwners::grantFor(const Account& account, const dns::Name& name) const {
    // Walk up from the name: the first configured host met is the one that owns it.
    dns::Name at = name;
    while (at.isSubdomainOf(m_origin)) {
        if (auto found = m_owners.find(at); found != m_owners.end()) {
            const auto& owners = found->second;
            const bool listed = std::find(owners.begin(), owners.end(), &account) != owners.end();
            return listed ? &found->first : nullptr;
        }
        if (at == m_origin) break;
        at = at.parent();
    }
    return nullptr;
}

Check checkPrerequisites(std::span<const dns::ResourceRecord> prerequisites, const ZoneTransaction& tx) {
    const dns::Name& origin = tx.current().origin;
    std::vector<const dns::ResourceRecord*> valueDependent;
    // 3.2.5's loop: the first failing RR decides, in message order.
    for (const auto& rr : prerequisites) {
        if (rr.ttl != 0) return fail(Rcode::FormErr, "prerequisite " + describe(rr) + " with a TTL");
        if (!rr.name.isSubdomainOf(origin))
            return fail(Rcode::NotZone, "prerequisite " + describe(rr) + " outside the zone");
        if (rr.klass == dns::rrclass::ANY || rr.klass == dns::rrclass::NONE) {
            if (!isEmptyRData(rr.data)) return fail(Rcode::FormErr, "prerequisite " + describe(rr) + " with RDATA");
            const bool wantPresent = rr.klass == dns::rrclass::ANY;
            if (rr.type == dns::rrtype::ANY) {
                if (nameInUse(tx, rr.name) != wantPresent) {
                    return wantPresent ? fail(Rcode::NxDomain, rr.name.toString() + " is not in use")
                                       : fail(Rcode::YxDomain, rr.name.toString() + " is in use");
                }
            } else if (rrsetExists(tx, rr.name, rr.type) != wantPresent) {
                return wantPresent ? fail(Rcode::NxRrset, "no RRset " + describe(rr))
                                   : fail(Rcode::YxRrset, "RRset " + describe(rr) + " exists");
            }
        } else if (rr.klass == dns::rrclass::Internet) {
            valueDependent.push_back(&rr);
        } else {
            return fail(Rcode::FormErr, "prerequisite " + describe(rr) + " of class " + std::to_string(rr.klass));
        }
    }

    // 3.2.3: value-dependent prerequisites, one RRset per (name, type), compared whole.
    std::vector<bool> done(valueDependent.size(), false);
    for (std::size_t i = 0; i < valueDependent.size(); ++i) {
        if (done[i]) continue;
        const dns::ResourceRecord& first = *valueDependent[i];
        std::vector<dns::RData> wanted;
        for (std::size_t j = i; j < valueDependent.size(); ++j) {
            const dns::ResourceRecord& rr = *valueDependent[j];
            if (done[j] || rr.type != first.type || !(rr.name == first.name)) continue;
            done[j] = true;
            if (!contains(rr.type, wanted, rr.data)) wanted.push_back(rr.data);
        }
        const auto zone = servedRData(tx, first.name, first.type);
        if (!zone || !sameSet(first.type, wanted, *zone)) {
            return fail(Rcode::NxRrset, "RRset " + describe(first) + " differs from the prerequisite");
        }
    }
    return {};
}

Check prescan(std::span<const dns::ResourceRecord> updates, const dns::Name& origin) {
    for (const auto& rr : updates) {
        if (!rr.name.isSubdomainOf(origin)) return fail(Rcode::NotZone, "update " + describe(rr) + " outside the zone");
        const bool deleteAll = rr.klass == dns::rrclass::ANY && rr.type == dns::rrtype::ANY;
        if (rr.klass == dns::rrclass::Internet) {
            if (isMetaType(rr.type)) return fail(Rcode::FormErr, "update adds a meta type: " + describe(rr));
        } else if (rr.klass == dns::rrclass::ANY) {
            if (rr.ttl != 0 || !isEmptyRData(rr.data)) {
                return fail(Rcode::FormErr, "RRset delete " + describe(rr) + " with a TTL or RDATA");
            }
            if (!deleteAll && isMetaType(rr.type))
                return fail(Rcode::FormErr, "update deletes a meta type: " + describe(rr));
        } else if (rr.klass == dns::rrclass::NONE) {
            if (rr.ttl != 0) return fail(Rcode::FormErr, "RR delete " + describe(rr) + " with a TTL");
            if (isMetaType(rr.type)) return fail(Rcode::FormErr, "update deletes a meta type: " + describe(rr));
        } else {
            return fail(Rcode::FormErr, "update " + describe(rr) + " of class " + std::to_string(rr.klass));
        }
        if (deleteAll) continue;
        // The server generates SOA and NS from its configuration; no update may edit them.
        if (rr.type == dns::rrtype::SOA || rr.type == dns::rrtype::NS) {
            return fail(Rcode::Refused, "update of " + describe(rr) + " (generated by the server)");
        }
        // Well-formed but not a type qdyn-server holds: an unwillingness, not a format error.
        if (!isAcceptedType(rr.type)) return fail(Rcode::Refused, "update of an unsupported type: " + describe(rr));
        // Adds and single-RR deletes carry RDATA that must make sense for the type.
        if (rr.klass != dns::rrclass::ANY && !validRData(rr.type, rr.data)) {
            return fail(Rcode::FormErr, "malformed RDATA in update " + describe(rr));
        }
    }
    return {};
}

Check authorize(std::span<const dns::ResourceRecord> updates, const Account* account, const HostOwners& owners,
                std::vector<const dns::Name*>& grants) {
    grants.clear();
    grants.reserve(updates.size());
    for (const auto& rr : updates) {
        const dns::Name* host = account != nullptr ? owners.grantFor(*account, rr.name) : nullptr;
        if (host == nullptr) return fail(Rcode::Refused, rr.name.toString() + " is not granted to the key's account");
        grants.push_back(host);
    }
    return {};
}

Check applyUpdates(std::span<const dns::ResourceRecord> updates, std::span<const dns::Name* const> grants,
                   const Config& config, ZoneTransaction& tx, Applied& applied) {
    // Refusals first, so that the transaction is still untouched when one is found.
    for (const auto& rr : updates) {
        if (const RRset* fixed = staticTarget(tx.find(rr.name), rr)) {
            return fail(Rcode::Refused, "static RRset " + rr.name.toString() + " " + dns::typeToString(fixed->type) +
                                            " (from the configuration) cannot be updated");
        }
    }

    const dns::Name& origin = tx.current().origin;
    // The names touched, once each in message order, with the host whose expiry applies.
    std::vector<std::pair<dns::Name, const dns::Name*>> touched;
    std::unordered_set<dns::Name, dns::NameHash> seen;
    std::unordered_set<dns::Name, dns::NameHash> edited;
    for (std::size_t i = 0; i < updates.size(); ++i) {
        const dns::ResourceRecord& rr = updates[i];
        if (seen.insert(rr.name).second) touched.emplace_back(rr.name, grants[i]);
        if (rr.klass == dns::rrclass::Internet) {
            addRecord(tx.edit(rr.name), rr.name == origin, rr);
            edited.insert(rr.name);
            continue;
        }
        // Deletes of what is not there are no-ops (3.4.2.3, 3.4.2.4): no edit, no node created.
        const Node* view = tx.find(rr.name);
        if (view == nullptr) continue;
        if (rr.type == dns::rrtype::ANY) {  // class ANY: every RRset (all dynamic, checked above)
            if (view->rrsets.empty()) continue;
            tx.edit(rr.name).rrsets.clear();
        } else if (rr.klass == dns::rrclass::ANY) {
            if (view->find(rr.type) == nullptr) continue;
            eraseIf(tx.edit(rr.name).rrsets, [&](const RRset& rrset) { return rrset.type == rr.type; });
        } else {  // class NONE: one RR
            const RRset* rrset = view->find(rr.type);
            if (rrset == nullptr || !contains(rr.type, rrset->rdatas, rr.data)) continue;
            Node& node = tx.edit(rr.name);
            RRset* target = node.find(rr.type);
            auto& rdatas = target->rdatas;
            rdatas.erase(std::remove_if(rdatas.begin(), rdatas.end(),
                                        [&](const dns::RData& x) { return sameRData(rr.type, x, rr.data); }),
                         rdatas.end());
            if (target->rdatas.empty()) {
                eraseIf(node.rrsets, [&](const RRset& set) { return set.type == rr.type; });
            }
        }
        edited.insert(rr.name);
    }

    for (const auto& [name, host] : touched) {
        const Node* view = tx.find(name);
        if (view == nullptr) continue;
        if (hasDynamicRRsets(*view)) {
            // Every accepted update re-arms the expiry of what it touched, changed or not, with
            // the expiry of the host that grants the name (as UpdateService::apply does).
            Node& node = tx.edit(name);
            const std::uint32_t expire = config.expireFor(*host);
            node.expiresAt = expire == 0 ? 0 : tx.now() + expire;
            edited.insert(name);
        } else if (edited.contains(name)) {
            // The last dynamic data went: nothing is left to expire or to withhold.
            Node& node = tx.edit(name);
            node.expiresAt = 0;
            node.offline = false;
        }
        if (!servesSame(tx.current().find(name), tx.find(name))) applied.changed.push_back(name);
    }
    applied.edited = !edited.empty();
    return {};
}

}  // namespace qdyn::server::dnsupdate
