// Zone snapshots, the editor that derives the next version from the current one, and the small
// rules (RNAME, serial) that the SOA record depends on.
#include "qdyn_server/zone.hpp"

#include <algorithm>
#include <string>

namespace qdyn::server {

namespace {

std::size_t shardOf(const dns::Name& name) noexcept {
    // The maps inside a shard use the same hash, so the shard takes its index from a mix of the
    // high bits rather than the low ones the buckets use.
    const std::uint64_t hash = dns::NameHash()(name);
    const std::uint64_t mixed = (hash ^ (hash >> 31U)) * 0x9E3779B97F4A7C15ULL;
    return static_cast<std::size_t>(mixed >> 52U) % ZoneSnapshot::kShardCount;
}

// Every level of an empty zone: the same groups over the same empty shard.
const std::shared_ptr<const ZoneSnapshot::MidGroup>& emptyMid() {
    static const auto mid = [] {
        auto group = std::make_shared<ZoneSnapshot::ShardGroup>();
        group->fill(std::make_shared<const ZoneSnapshot::Shard>());
        auto made = std::make_shared<ZoneSnapshot::MidGroup>();
        made->fill(std::shared_ptr<const ZoneSnapshot::ShardGroup>(std::move(group)));
        return std::shared_ptr<const ZoneSnapshot::MidGroup>(std::move(made));
    }();
    return mid;
}

}  // namespace

const RRset* Node::find(std::uint16_t type) const noexcept {
    const auto it = std::find_if(rrsets.begin(), rrsets.end(), [type](const RRset& set) { return set.type == type; });
    return it == rrsets.end() ? nullptr : &*it;
}

RRset* Node::find(std::uint16_t type) noexcept {
    const auto it = std::find_if(rrsets.begin(), rrsets.end(), [type](const RRset& set) { return set.type == type; });
    return it == rrsets.end() ? nullptr : &*it;
}

bool Node::serves(const RRset& rrset) const noexcept {
    const bool address = rrset.type == dns::rrtype::A || rrset.type == dns::rrtype::AAAA;
    return !(offline && rrset.dynamic && address);
}

bool Node::hasDynamicData() const noexcept {
    return offline || expiresAt != 0 ||
           std::any_of(rrsets.begin(), rrsets.end(), [](const RRset& set) { return set.dynamic; });
}

ZoneSnapshot::ZoneSnapshot() { m_groups.fill(emptyMid()); }

const Node* ZoneSnapshot::find(const dns::Name& name) const {
    const auto& shard = this->shard(shardOf(name));
    const auto it = shard.find(name);
    return it == shard.end() ? nullptr : &it->second;
}

HostAddresses ZoneSnapshot::addressesOf(const dns::Name& name) const {
    HostAddresses out;
    const Node* node = find(name);
    if (node == nullptr) return out;
    for (const auto& rrset : node->rrsets) {
        if (!node->serves(rrset)) continue;
        for (const auto& rdata : rrset.rdatas) {
            if (const auto* a = std::get_if<dns::AData>(&rdata)) out.v4.push_back(IpAddress::fromV4(a->address));
            if (const auto* aaaa = std::get_if<dns::AaaaData>(&rdata)) out.v6.push_back(IpAddress::fromV6(aaaa->address));
        }
    }
    return out;
}

ZoneEditor::ZoneEditor(const ZoneSnapshot& base) : m_next(std::make_shared<ZoneSnapshot>(base)) {}

const Node* ZoneEditor::find(const dns::Name& name) const { return m_next->find(name); }

ZoneSnapshot::Shard& ZoneEditor::writableShard(const dns::Name& name) { return writableShardAt(shardOf(name)); }

ZoneSnapshot::Shard& ZoneEditor::writableShardAt(std::size_t index) {
    // Copy on first write, level by level down to the shard; no reader sees a copy before finish().
    constexpr std::size_t kFanOut = ZoneSnapshot::kFanOut;
    const std::size_t top = index / (kFanOut * kFanOut);
    const std::size_t group = index / kFanOut;  // among all kFanOut * kFanOut groups
    if (m_writableMids[top] == nullptr) {
        auto copy = std::make_shared<ZoneSnapshot::MidGroup>(*m_next->m_groups[top]);
        m_writableMids[top] = copy.get();
        m_next->m_groups[top] = std::move(copy);
    }
    if (m_writableGroups[group] == nullptr) {
        auto& groupSlot = (*m_writableMids[top])[group % kFanOut];
        auto copy = std::make_shared<ZoneSnapshot::ShardGroup>(*groupSlot);
        m_writableGroups[group] = copy.get();
        groupSlot = std::move(copy);
    }
    auto& slot = (*m_writableGroups[group])[index % kFanOut];
    if (!m_writable.test(index)) {
        slot = std::make_shared<ZoneSnapshot::Shard>(*slot);
        m_writable.set(index);
    }
    // This editor made the shard above, as a mutable object; it is const only as seen by readers.
    return const_cast<ZoneSnapshot::Shard&>(*slot);
}

Node& ZoneEditor::edit(const dns::Name& name) {
    m_changed = true;
    auto& shard = writableShard(name);
    auto [it, inserted] = shard.try_emplace(name);
    m_existedBefore.try_emplace(name, !inserted && it->second.exists());
    return it->second;
}

void ZoneEditor::settle(const dns::Name& name) {
    auto& shard = writableShard(name);
    const auto it = shard.find(name);
    const bool existsNow = it != shard.end() && it->second.exists();
    if (it != shard.end() && !existsNow) shard.erase(it);
    auto before = m_existedBefore.find(name);
    const bool existedBefore = before != m_existedBefore.end() && before->second;
    if (before != m_existedBefore.end()) before->second = existsNow;
    if (existedBefore == existsNow) return;
    if (existsNow) {
        ++m_next->m_nameCount;
    } else {
        --m_next->m_nameCount;
    }
    adjustParentChain(name, existsNow ? 1 : -1);
}

void ZoneEditor::adjustParentChain(const dns::Name& name, int delta) {
    if (name == m_next->origin || !name.isSubdomainOf(m_next->origin)) return;
    const dns::Name parent = name.parent();
    Node& node = edit(parent);
    node.children = static_cast<std::uint32_t>(static_cast<std::int64_t>(node.children) + delta);
    settle(parent);
}

ZoneEditor::Loaded ZoneEditor::load(dns::Name&& name) {
    m_changed = true;
    auto& shard = writableShard(name);
    auto [it, inserted] = shard.try_emplace(std::move(name));
    return Loaded{it->first, it->second, !inserted && it->second.exists()};
}

void ZoneEditor::admit(const dns::Name& name, bool existedBefore, const Node& node) {
    if (existedBefore) return;
    if (!node.exists()) {  // created by load() and left empty: not part of the zone
        const dns::Name key = name;  // `name` may be the key of the node being erased
        writableShard(key).erase(key);
        return;
    }
    ++m_next->m_nameCount;
    if (name == m_next->origin || !name.isSubdomainOf(m_next->origin)) return;
    const std::string& wire = name.wire();
    const std::string_view parentWire = std::string_view(wire).substr(1U + static_cast<unsigned char>(wire[0]));
    if (m_lastParent != nullptr && parentWire == m_lastParentWire) {
        ++m_lastParent->children;  // node pointers stay valid across rehashes
        return;
    }
    dns::Name parent = name.parent();
    auto& shard = writableShard(parent);
    auto [it, inserted] = shard.try_emplace(parent);
    const bool parentExisted = !inserted && it->second.exists();
    ++it->second.children;
    admit(parent, parentExisted, it->second);
    m_lastParent = &it->second;
    m_lastParentWire = parent.wire();
}

void ZoneEditor::reserve(std::size_t count) {
    const std::size_t perShard = count / ZoneSnapshot::kShardCount + count / ZoneSnapshot::kShardCount / 8 + 1;
    for (std::size_t index = 0; index < ZoneSnapshot::kShardCount; ++index) {
        auto& shard = writableShardAt(index);
        shard.reserve(shard.size() + perShard);
    }
}

std::shared_ptr<const ZoneSnapshot> ZoneEditor::finish(std::uint32_t serial) {
    m_next->soa.serial = serial;
    return std::move(m_next);
}

Result<dns::Name> rnameFromEmail(std::string_view email, const dns::Name& origin) {
    const auto at = email.find('@');
    const std::string_view local = at == std::string_view::npos ? email : email.substr(0, at);
    if (local.empty()) return makeError("the mailbox part before '@' is empty");
    std::string domain;
    if (at == std::string_view::npos) {
        domain = origin.toString();
    } else {
        domain = std::string(email.substr(at + 1));
        if (domain.empty() || domain.find('@') != std::string::npos) {
            return makeError("'" + std::string(email) + "' is not an email address");
        }
        if (domain.back() != '.') domain.push_back('.');
    }
    // In an RNAME the first label is the mailbox, so its own dots (and backslashes) must be
    // escaped or they would split it into several labels.
    std::string text;
    for (const char c : local) {
        if (c == '.' || c == '\\') text.push_back('\\');
        text.push_back(c);
    }
    text.push_back('.');
    text += domain;
    auto name = dns::Name::parse(text);
    if (!name) return makeError("'" + std::string(email) + "' does not make a valid RNAME: " + name.message());
    return name;
}

std::uint32_t nextSerial(std::uint32_t current, std::uint32_t now) noexcept {
    // RFC 1982: `now` is ahead of `current` when the forward distance is below 2^31.
    const std::uint32_t distance = now - current;
    if (distance != 0 && distance < 0x80000000U) return now;
    return current + 1;
}

dns::RData addressRData(const IpAddress& address) {
    if (address.isV4()) return dns::AData{address.v4Bytes()};
    return dns::AaaaData{address.v6Bytes()};
}

std::uint16_t addressType(const IpAddress& address) noexcept {
    return address.isV4() ? dns::rrtype::A : dns::rrtype::AAAA;
}

}  // namespace qdyn::server
