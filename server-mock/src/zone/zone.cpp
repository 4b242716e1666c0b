// Zone snapshots, the editor that derives the next version from the current one, and the small
// rules (RNAME, serial) that the SOA record depends on.
#include "qdyn_server/zone.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <type_traits>

namespace qdyn::server {

namespace {

std::size_t shardOf(const dns::Name& name) noexcept {
    // The maps inside a shard use the same hash, so the shard takes its index from a mix of the
    // high bits rather than the low ones the buckets use.
    const std::uint64_t hash = dns::NameHash()(name);
    const std::uint64_t mixed = (hash ^ (hash >> 31U)) * 0x9E3779B97F4A7C15ULL;
    constexpr unsigned kIndexBits = 4 * ZoneSnapshot::kFanOutBits;
    return static_cast<std::size_t>(mixed >> (64U - kIndexBits));
}

// Every level of an empty zone: the same groups over the same empty shard.
const std::shared_ptr<const ZoneSnapshot::TopGroup>& emptyTop() {
    static const auto top = [] {
        const auto fan = [](auto child) {
            using Child = std::remove_const_t<typename decltype(child)::element_type>;
            auto made = std::make_shared<ZoneSnapshot::Fan<Child>>();
            made->slots.fill(std::move(child));
            return std::shared_ptr<const ZoneSnapshot::Fan<Child>>(std::move(made));
        };
        return fan(fan(fan(std::shared_ptr<const ZoneSnapshot::ShardBox>(std::make_shared<ZoneSnapshot::ShardBox>()))));
    }();
    return top;
}

std::uint64_t nextEditorStamp() noexcept {
    static std::atomic<std::uint64_t> stamp{0};
    return stamp.fetch_add(1, std::memory_order_relaxed) + 1;
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

ZoneSnapshot::ZoneSnapshot() { m_groups.fill(emptyTop()); }

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

ZoneEditor::ZoneEditor(const ZoneSnapshot& base)
    : m_next(std::make_shared<ZoneSnapshot>(base)), m_stamp(nextEditorStamp()) {}

const Node* ZoneEditor::find(const dns::Name& name) const { return m_next->find(name); }

ZoneSnapshot::Shard& ZoneEditor::writableShard(const dns::Name& name) { return writableShardAt(shardOf(name)); }

template <typename T>
T& ZoneEditor::writable(std::shared_ptr<const T>& slot) {
    if (slot->owner != m_stamp) {
        auto copy = std::make_shared<T>(*slot);
        copy->owner = m_stamp;
        slot = std::move(copy);
    }
    // This editor made the object, as a mutable one; it is const only as seen by readers, and no
    // reader sees it before finish().
    return const_cast<T&>(*slot);
}

ZoneSnapshot::Shard& ZoneEditor::writableShardAt(std::size_t index) {
    // After reserve() every shard is this editor's: no walk down the tree, which costs a bulk
    // load a few cache misses per name.
    if (!m_bulkShards.empty()) return *m_bulkShards[index];
    // Copy on first write, level by level down to the shard.
    constexpr unsigned kBits = ZoneSnapshot::kFanOutBits;
    constexpr std::size_t kMask = ZoneSnapshot::kFanOut - 1;
    auto& top = writable(m_next->m_groups[(index >> (3 * kBits)) & kMask]);
    auto& mid = writable(top.slots[(index >> (2 * kBits)) & kMask]);
    auto& group = writable(mid.slots[(index >> kBits) & kMask]);
    return writable(group.slots[index & kMask]).names;
}

Node& ZoneEditor::edit(const dns::Name& name) {
    m_changed = true;
    auto& shard = writableShard(name);
    auto [it, inserted] = shard.try_emplace(name);
    if (m_edited.add(name)) m_existedBefore.push_back(!inserted && it->second.exists());
    return it->second;
}

void ZoneEditor::settle(const dns::Name& name) {
    auto& shard = writableShard(name);
    const auto it = shard.find(name);
    const bool existsNow = it != shard.end() && it->second.exists();
    if (it != shard.end() && !existsNow) shard.erase(it);
    const auto edited = m_edited.indexOf(name);
    const bool existedBefore = edited && m_existedBefore[*edited];
    if (edited) m_existedBefore[*edited] = existsNow;
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
    // The names per shard vary around the mean by about its square root: room for the mean plus
    // three times that leaves nearly every shard without a rehash while loading.
    const std::size_t mean = count / ZoneSnapshot::kShardCount;
    // Fewer names than shards: most shards stay empty, shared with the empty tree; making every
    // one of them this editor's own would cost megabytes for nothing.
    if (mean == 0) return;
    const auto spread = static_cast<std::size_t>(3 * std::sqrt(static_cast<double>(mean))) + 2;
    std::vector<ZoneSnapshot::Shard*> shards(ZoneSnapshot::kShardCount);
    for (std::size_t index = 0; index < ZoneSnapshot::kShardCount; ++index) {
        auto& shard = writableShardAt(index);
        shard.reserve(shard.size() + mean + spread);
        shards[index] = &shard;
    }
    m_bulkShards = std::move(shards);
}

void ZoneEditor::prefetch(std::span<const dns::Name* const> names) const noexcept {
#if defined(__GNUC__) || defined(__clang__)
    if (m_bulkShards.empty()) return;
    constexpr std::size_t kMost = 32;
    std::array<std::size_t, kMost> index{};
    const std::size_t count = std::min(names.size(), kMost);
    // Two rounds, as the second reads what the first fetches: the pointer to each shard, then
    // the shard's map (its bucket array's address and size).
    for (std::size_t i = 0; i < count; ++i) {
        index[i] = shardOf(*names[i]);
        __builtin_prefetch(&m_bulkShards[index[i]]);
    }
    for (std::size_t i = 0; i < count; ++i) __builtin_prefetch(m_bulkShards[index[i]]);
#else
    (void)names;
#endif
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
