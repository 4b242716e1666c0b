// The in-memory zone: an immutable snapshot per version, published through an atomic
// shared_ptr so DNS queries read it without taking a lock while the update service swaps in
// a new version.
//
// Names live in a fixed number of shards, each an immutable hash map shared between versions:
// a new version copies only the shards it changes, so an update copies next to no names in a
// small zone and about 15 in a zone of a million (tests/bench/commit_cost measures both).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "qdyn/dns/message.hpp"
#include "qdyn/dns/name.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/name_list.hpp"

namespace qdyn::server {

// The RDATA of one RRset. Nearly every RRset of a dynamic zone holds one address: it lives
// inline, so a host costs one allocation less (a million hosts: tens of MB less).
using RDataList = boost::container::small_vector<dns::RData, 1>;

// One RRset of a name. `dynamic` RRsets were written by updates (they are stored, withheld while
// the name is offline when they are A/AAAA, and removed when the name expires); the others come
// from the configuration and never change at run time.
struct RRset {
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    bool dynamic = false;
    RDataList rdatas;  // no duplicates, in insertion order
    friend bool operator==(const RRset&, const RRset&) = default;
};

// The RRsets of a name. A dynamic host holds an A and an AAAA: they live inline, so a host
// costs one allocation less (a million hosts restore faster and touch fewer pages).
using RRsetList = boost::container::small_vector<RRset, 2>;

// std::erase_if for an RRsetList (C++20's overloads cover the standard containers only).
template <typename Predicate>
std::size_t eraseIf(RRsetList& rrsets, Predicate predicate) {
    const auto from = std::remove_if(rrsets.begin(), rrsets.end(), predicate);
    const auto removed = static_cast<std::size_t>(rrsets.end() - from);
    rrsets.erase(from, rrsets.end());
    return removed;
}

// What one name holds. A name is in the zone when it holds RRsets, is a configured host (which
// exists from the start and answers NODATA until its first update), or has a descendant that
// exists (an empty non-terminal, RFC 8020).
struct Node {
    RRsetList rrsets;               // at most one per type
    std::uint32_t expiresAt = 0;    // unix seconds at which the dynamic RRsets go; 0: never
    std::uint32_t children = 0;     // names directly below this one that exist
    bool offline = false;           // the dynamic A/AAAA are withheld from answers
    bool configured = false;        // exists for as long as the configuration names it

    [[nodiscard]] const RRset* find(std::uint16_t type) const noexcept;
    [[nodiscard]] RRset* find(std::uint16_t type) noexcept;
    // True when queries for this type get the RRset (offline hides dynamic addresses).
    [[nodiscard]] bool serves(const RRset& rrset) const noexcept;
    [[nodiscard]] bool exists() const noexcept { return configured || children > 0 || !rrsets.empty(); }
    [[nodiscard]] bool hasDynamicData() const noexcept;
    friend bool operator==(const Node&, const Node&) = default;
};

// The addresses a host publishes: its served A and AAAA records (for tests and status output).
struct HostAddresses {
    std::vector<IpAddress> v4;
    std::vector<IpAddress> v6;
    friend bool operator==(const HostAddresses&, const HostAddresses&) = default;
};

class ZoneSnapshot {
public:
    // Names are spread over 65536 shards by hash: an update copies the one shard it changes, so
    // it copies about 15 names in a zone of a million and next to none in a small one.
    static constexpr std::size_t kShardCount = 65536;
    // Shards sit in a tree of four levels of 16: a new version copies the 16 pointers of the
    // top, then 16 in each level on the way to the one shard an update changes, not all the
    // shard pointers. Every one of these copies is a small allocation that malloc recycles
    // cheaply (levels of 64 made objects of over 1 KiB, and glibc consolidated its free lists at
    // every update to serve them).
    static constexpr std::size_t kFanOut = 16;
    static constexpr unsigned kFanOutBits = 4;
    static_assert(std::size_t{1} << (4 * kFanOutBits) == kShardCount && std::size_t{1} << kFanOutBits == kFanOut);
    using Shard = std::unordered_map<dns::Name, Node, dns::NameHash>;

    // The tree's objects carry the stamp of the editor that made them: that editor alone may
    // change them, and only until its finish() publishes them (stamp 0: the shared empty tree).
    struct ShardBox {
        std::uint64_t owner = 0;
        Shard names;
    };
    template <typename Child>
    struct Fan {
        std::uint64_t owner = 0;
        std::array<std::shared_ptr<const Child>, kFanOut> slots;
    };
    using ShardGroup = Fan<ShardBox>;   // 16 shards
    using MidGroup = Fan<ShardGroup>;   // 256 shards
    using TopGroup = Fan<MidGroup>;     // 4096 shards; the snapshot holds 16 of them

    ZoneSnapshot();

    dns::Name origin;
    dns::SoaData soa;  // carries the serial of this version
    std::uint32_t apexTtl = 86400;
    std::vector<dns::Name> nameservers;  // the apex NS RRset

    // nullptr when the name does not exist. The apex is a node too (for its static records;
    // SOA and NS are generated from the fields above).
    [[nodiscard]] const Node* find(const dns::Name& name) const;
    [[nodiscard]] std::size_t nameCount() const noexcept { return m_nameCount; }
    [[nodiscard]] HostAddresses addressesOf(const dns::Name& name) const;

    // One shard of names, for walks that pause between names (a zone transfer writes a message,
    // waits for the peer, goes on): a snapshot never changes, so its iterators stay valid for as
    // long as the snapshot is held.
    [[nodiscard]] const Shard& shard(std::size_t index) const {
        constexpr std::size_t kMask = kFanOut - 1;
        const auto& top = *m_groups[(index >> (3 * kFanOutBits)) & kMask];
        const auto& mid = *top.slots[(index >> (2 * kFanOutBits)) & kMask];
        const auto& group = *mid.slots[(index >> kFanOutBits) & kMask];
        return group.slots[index & kMask]->names;
    }

    // Every node, in no particular order.
    template <typename Fn>
    void forEach(Fn&& fn) const {
        for (const auto& top : m_groups) {
            for (const auto& mid : top->slots) {
                for (const auto& group : mid->slots) {
                    for (const auto& box : group->slots) {
                        for (const auto& [name, node] : box->names) fn(name, node);
                    }
                }
            }
        }
    }

private:
    friend class ZoneEditor;
    std::array<std::shared_ptr<const TopGroup>, kFanOut> m_groups;
    std::size_t m_nameCount = 0;
};

// Builds the next version of a zone from the current one. Only the writer uses it; the shards
// it touches are copied once, the rest are shared with the current version.
class ZoneEditor {
public:
    explicit ZoneEditor(const ZoneSnapshot& base);

    [[nodiscard]] const Node* find(const dns::Name& name) const;
    // The node for editing, created (empty, not yet existing) when absent.
    Node& edit(const dns::Name& name);
    // After editing: drops the node when it no longer exists and keeps the children counts of
    // its ancestors (and their own existence) right. Call for every name passed to edit().
    void settle(const dns::Name& name);

    [[nodiscard]] bool changed() const noexcept { return m_changed; }

    // Bulk loading (start-up restore, reload carry-over), where names only gain data: load()
    // gives the node for `name` (created when absent) without the bookkeeping of edit() and
    // settle(); once it is filled, admit() counts it in its parents (and them in theirs) when it
    // exists now and did not before. Do not mix with edit()/settle() of the same names.
    struct Loaded {
        const dns::Name& name;  // the key in the zone (the argument was moved there)
        Node& node;
        bool existedBefore;
    };
    Loaded load(dns::Name&& name);
    void admit(const Loaded& loaded) { admit(loaded.name, loaded.existedBefore, loaded.node); }
    // Room for about `count` more names, spread over the shards (fewer rehashes while loading).
    void reserve(std::size_t count);
    // After reserve(): fetches into the cache what load() first reads for each of these names
    // (the shard's slot and the shard's map), all at once, so that a bulk load that calls this
    // for the next few names waits for those cache misses together rather than one at a time.
    void prefetch(std::span<const dns::Name* const> names) const noexcept;
    // The new version with `serial`. The editor is spent afterwards.
    std::shared_ptr<const ZoneSnapshot> finish(std::uint32_t serial);

    ZoneSnapshot& meta() noexcept { return *m_next; }

private:
    ZoneSnapshot::Shard& writableShard(const dns::Name& name);
    ZoneSnapshot::Shard& writableShardAt(std::size_t index);
    // The object in `slot` as this editor's own, copied into the slot first when another made it.
    template <typename T>
    T& writable(std::shared_ptr<const T>& slot);
    void admit(const dns::Name& name, bool existedBefore, const Node& node);
    void adjustParentChain(const dns::Name& name, int delta);

    std::shared_ptr<ZoneSnapshot> m_next;
    std::uint64_t m_stamp;  // marks the tree objects this editor made (and so may change)
    std::vector<ZoneSnapshot::Shard*> m_bulkShards;  // every shard, by index, once reserve() made them all writable
    // Existence of each edited name before its first edit (by its place in m_edited), to settle
    // transitions.
    NameList m_edited;
    boost::container::small_vector<bool, 2> m_existedBefore;
    bool m_changed = false;
    // admit(): the parent met last (names arrive grouped under a few parents), which exists.
    std::string m_lastParentWire;
    Node* m_lastParent = nullptr;
};

// The RNAME for an email address: "john.doe@example.test" -> "john\.doe.example.test.".
// Without '@' the text is the mailbox inside `origin` ("hostmaster" -> hostmaster.<origin>).
Result<dns::Name> rnameFromEmail(std::string_view email, const dns::Name& origin);

// The first snapshot for a configuration: the apex, every configured host (with no address),
// the static records, an in-zone name server's addresses, and the empty non-terminals.
Result<std::shared_ptr<const ZoneSnapshot>> buildInitialSnapshot(const Config& config, std::uint32_t serial);

// The serial that follows `current` at unix time `now`: the time when it is ahead (so serials
// stay readable as dates), otherwise current + 1. Never goes backwards in RFC 1982 terms.
std::uint32_t nextSerial(std::uint32_t current, std::uint32_t now) noexcept;

// The records queries get at `owner` from `node` (offline hides dynamic addresses), appended
// to `out` RRset by RRset. The apex SOA and NS are generated from the snapshot, not held here.
void appendServedRecords(const dns::Name& owner, const Node& node, std::vector<dns::ResourceRecord>& out);

// What changed in the served records of one name between two versions of its node (null: the
// name did not exist): records served before and not after go to `removed`, the reverse to
// `added`. A changed TTL removes and re-adds the records, as IXFR must carry it.
void diffServed(const dns::Name& owner, const Node* before, const Node* after,
                std::vector<dns::ResourceRecord>& removed, std::vector<dns::ResourceRecord>& added);

// A/AAAA RDATA for an address, and back.
dns::RData addressRData(const IpAddress& address);
std::uint16_t addressType(const IpAddress& address) noexcept;

// Holder of the live snapshot. Readers call snapshot() from any thread without locking;
// publish() is called by the (single, serialized) writer.
class Zone {
public:
    explicit Zone(std::shared_ptr<const ZoneSnapshot> initial) : m_current(std::move(initial)) {}
    Zone(const Zone&) = delete;
    Zone& operator=(const Zone&) = delete;

    [[nodiscard]] std::shared_ptr<const ZoneSnapshot> snapshot() const noexcept {
        return m_current.load(std::memory_order_acquire);
    }
    void publish(std::shared_ptr<const ZoneSnapshot> next) noexcept {
        m_current.store(std::move(next), std::memory_order_release);
    }

private:
    std::atomic<std::shared_ptr<const ZoneSnapshot>> m_current;
};

}  // namespace qdyn::server
