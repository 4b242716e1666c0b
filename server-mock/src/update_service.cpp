// The single write path into the zone: authorize, build the next version, bump the serial when
// what is served changed, queue the durable write, publish. NOTIFY joins here, nowhere else.
#include "qdyn_server/update_service.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <span>
#include <unordered_set>
#include <utility>

#include "log.hpp"
#include "zone/bulk_heap.hpp"

namespace qdyn::server {

namespace {

// What queries see of a node: its served RRsets (offline hides dynamic addresses).
bool servesSame(const Node* before, const Node* after) {
    if (before == nullptr || after == nullptr) return before == after;
    std::vector<const RRset*> a;
    std::vector<const RRset*> b;
    for (const auto& rrset : before->rrsets) {
        if (before->serves(rrset)) a.push_back(&rrset);
    }
    for (const auto& rrset : after->rrsets) {
        if (after->serves(rrset)) b.push_back(&rrset);
    }
    // The order of a node's RRsets means nothing to a query: compare them by type.
    const auto byType = [](const RRset* x, const RRset* y) { return x->type < y->type; };
    std::stable_sort(a.begin(), a.end(), byType);
    std::stable_sort(b.begin(), b.end(), byType);
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const RRset* x, const RRset* y) { return *x == *y; });
}

// Replaces (or with nullopt removes) the dynamic RRset of an address family.
// The RRset keeps its place among the node's others, so the stored form of an unchanged host
// stays the same too.
void setAddress(Node& node, std::uint16_t type, const std::optional<IpAddress>& address, std::uint32_t ttl) {
    const auto found = std::find_if(node.rrsets.begin(), node.rrsets.end(),
                                    [type](const RRset& set) { return set.type == type && set.dynamic; });
    if (!address) {
        if (found != node.rrsets.end()) node.rrsets.erase(found);
        return;
    }
    RRset next{type, ttl, true, {addressRData(*address)}};
    if (found != node.rrsets.end()) {
        *found = std::move(next);
    } else {
        node.rrsets.push_back(std::move(next));
    }
}

}  // namespace

// Which names some account may update (a granted host or a name below one), answered with a
// few hash lookups instead of comparing against every grant: restoring a million names against
// an account with many hosts stays linear.
class GrantIndex {
public:
    explicit GrantIndex(const std::vector<Account>& accounts) {
        for (const auto& account : accounts) {
            for (const auto& host : account.hosts) m_wires.insert(host.lowercasedWire());
        }
    }
    [[nodiscard]] bool covers(const dns::Name& name) const {
        // Folded on the stack: a restore asks this for every one of a million names.
        std::array<char, dns::Name::kMaxWireLength> buffer;
        const std::string_view wire = name.lowercasedWire(buffer);
        // Every suffix that starts at a label: the name itself, its parent, and so on.
        for (std::size_t pos = 0; pos < wire.size() && wire[pos] != 0; pos += 1U + static_cast<unsigned char>(wire[pos])) {
            if (m_wires.contains(wire.substr(pos))) return true;
        }
        return false;
    }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
    };
    std::unordered_set<std::string, Hash, std::equal_to<>> m_wires;
};

namespace {

void dropDynamicState(Node& node) {
    eraseIf(node.rrsets, [](const RRset& set) { return set.dynamic; });
    node.offline = false;
    node.expiresAt = 0;
}

}  // namespace

std::string_view toString(UpdateStatus status) noexcept {
    switch (status) {
    case UpdateStatus::Updated: return "updated";
    case UpdateStatus::Unchanged: return "unchanged";
    case UpdateStatus::NotInZone: return "not-in-zone";
    case UpdateStatus::NotGranted: return "not-granted";
    case UpdateStatus::BadAddress: return "bad-address";
    case UpdateStatus::StaticRecord: return "static-record";
    }
    return "unknown";
}

Node& ZoneTransaction::edit(const dns::Name& name) {
    m_touched.add(name);
    return m_editor.edit(name);
}

StoredName toStored(const dns::Name& name, const Node& node) {
    StoredName stored;
    stored.name = name;
    stored.offline = node.offline;
    stored.expiresAt = node.expiresAt;
    for (const auto& rrset : node.rrsets) {
        if (!rrset.dynamic) continue;
        StoredRRset out{rrset.type, rrset.ttl, {}};
        for (const auto& rdata : rrset.rdatas) out.rdatas.push_back(dns::encodeRData(rrset.type, rdata));
        stored.rrsets.push_back(std::move(out));
    }
    return stored;
}

std::uint32_t UpdateService::systemClock() {
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    // The serial is 32-bit; unix time fits until 2106 and RFC 1982 arithmetic copes after that.
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(seconds));
}

UpdateService::UpdateService(const Config& config, Zone& zone, Store* store, Clock clock)
    // The caller owns `config` and keeps it alive: held without ownership.
    : m_config(std::shared_ptr<const Config>(std::shared_ptr<const Config>(), &config)),
      m_zone(zone),
      m_store(store),
      m_clock(std::move(clock)) {}

UpdateService::Committed UpdateService::commitWith(void* callable, bool (*body)(void*, ZoneTransaction&)) {
    // Writers are serialized so that two updates never both copy the same old version and one
    // of them is lost; readers keep using whatever version they loaded.
    const std::lock_guard lock(m_writeMutex);
    const auto current = m_zone.snapshot();
    ZoneTransaction tx(*current, m_clock());
    if (!body(callable, tx)) return {false, current->soa.serial, 0};

    const auto& touched = tx.m_touched;
    for (const auto& name : touched) tx.m_editor.settle(name);

    bool servedChanged = false;
    StoreWrite write;
    for (const auto& name : touched) {
        const Node* after = tx.m_editor.find(name);
        servedChanged = servedChanged || !servesSame(current->find(name), after);
        write.upserts.push_back(after != nullptr ? toStored(name, *after) : StoredName{name, {}, false, 0});
        if (after != nullptr && after->expiresAt != 0) m_expiries.emplace(after->expiresAt, name);
    }
    const std::uint32_t serial = servedChanged ? nextSerial(current->soa.serial, tx.now()) : current->soa.serial;
    write.serial = serial;
    const Store::Ticket ticket = m_store != nullptr ? m_store->enqueue(std::move(write)) : 0;
    ZoneChange change{current->soa.serial, serial, {}, {}, true};
    if (servedChanged && !m_listeners.empty()) {
        for (const auto& name : touched) {
            diffServed(name, current->find(name), tx.m_editor.find(name), change.removed, change.added);
        }
    }
    m_zone.publish(tx.m_editor.finish(serial));
    if (servedChanged) announce(std::move(change));
    return {servedChanged, serial, ticket};
}

UpdateOutcome UpdateService::apply(const Account& account, const dns::Name& host, const HostUpdate& update) {
    if ((update.v4 && !update.v4->isV4()) || (update.v6 && !update.v6->isV6())) return {UpdateStatus::BadAddress, {}, 0};
    UpdateStatus refusal = UpdateStatus::Updated;
    const auto committed = commit([&](ZoneTransaction& tx) {
        const dns::Name& origin = tx.current().origin;
        if (!host.isSubdomainOf(origin) || host == origin) {
            refusal = UpdateStatus::NotInZone;
            return false;
        }
        const Node* existing = tx.find(host);
        if (!account.grants(host) || existing == nullptr) {
            refusal = UpdateStatus::NotGranted;
            return false;
        }
        const auto isStatic = [existing](std::uint16_t type) {
            const RRset* rrset = existing->find(type);
            return rrset != nullptr && !rrset->dynamic;
        };
        // Setting a static family is refused; clearing one means "no dynamic record of that
        // family" and leaves the static record alone (nanodnsd clears every family it is not
        // given, and a host may mix a dynamic A with a static AAAA).
        const bool staticV4 = isStatic(dns::rrtype::A);
        const bool staticV6 = isStatic(dns::rrtype::AAAA);
        if ((update.v4 && staticV4) || (update.v6 && staticV6)) {
            refusal = UpdateStatus::StaticRecord;
            return false;
        }
        Node& node = tx.edit(host);
        const std::uint32_t ttl = m_config->ttlFor(host);
        if (update.v4 || (update.clearV4 && !staticV4)) setAddress(node, dns::rrtype::A, update.v4, ttl);
        if (update.v6 || (update.clearV6 && !staticV6)) setAddress(node, dns::rrtype::AAAA, update.v6, ttl);
        node.offline = update.offline;
        // Every accepted update re-arms the expiry, changed or not (nanodnsd's refresh).
        const std::uint32_t expire = m_config->expireFor(host);
        node.expiresAt = expire == 0 ? 0 : tx.now() + expire;
        return true;
    });
    if (refusal != UpdateStatus::Updated) return {refusal, {}, 0};
    const auto status = committed.servedChanged ? UpdateStatus::Updated : UpdateStatus::Unchanged;
    UpdateOutcome outcome{status, m_zone.snapshot()->addressesOf(host), committed.ticket};
    outcome.upstreamRefuses = m_upstreamRefuses && m_upstreamRefuses(host);
    return outcome;
}

std::size_t UpdateService::expireDue() {
    std::size_t expired = 0;
    commit([&](ZoneTransaction& tx) {
        const std::uint32_t now = tx.now();
        while (!m_expiries.empty() && m_expiries.begin()->first <= now) {
            const auto [when, name] = *m_expiries.begin();
            m_expiries.erase(m_expiries.begin());
            const Node* node = tx.find(name);
            // Entries go stale when a later update re-armed the expiry; only the current one counts.
            if (node == nullptr || node->expiresAt != when) continue;
            dropDynamicState(tx.edit(name));
            logLine("expired " + name.toString() + " (no update for its expiry time)");
            ++expired;
        }
        return expired > 0;
    });
    return expired;
}

Result<void> UpdateService::carryOne(ZoneEditor& editor, StoredName&& saved, const GrantIndex& grants,
                                    CarryStats& stats) {
    // The configuration may have changed since: state of names no account may update any more
    // is dropped, and a static record now configured wins over a dynamic one.
    if (!grants.covers(saved.name)) {
        stats.droppedNames.push_back(std::move(saved.name));
        return {};
    }
    const auto loaded = editor.load(std::move(saved.name));
    Node& node = loaded.node;
    node.rrsets.reserve(node.rrsets.size() + saved.rrsets.size());
    for (const auto& rrsetSaved : saved.rrsets) {
        const RRset* existing = node.find(rrsetSaved.type);
        if (existing != nullptr && !existing->dynamic) {
            ++stats.droppedRRsets;
            continue;
        }
        RRset rrset{rrsetSaved.type, rrsetSaved.ttl, true, {}};
        rrset.rdatas.reserve(rrsetSaved.rdatas.size());
        for (const auto& bytes : rrsetSaved.rdatas) {
            auto rdata = dns::decodeRData(rrsetSaved.type, bytes);
            if (!rdata) return makeError(loaded.name.toString() + ": " + rdata.message());
            rrset.rdatas.push_back(std::move(*rdata));
        }
        eraseIf(node.rrsets, [&](const RRset& set) { return set.type == rrsetSaved.type; });
        node.rrsets.push_back(std::move(rrset));
    }
    node.offline = saved.offline;
    node.expiresAt = saved.expiresAt;
    if (node.expiresAt != 0) m_expiries.emplace(node.expiresAt, loaded.name);
    editor.admit(loaded);
    return {};
}

void UpdateService::reportDropped(const CarryStats& stats, std::string_view what) {
    if (stats.droppedNames.empty() && stats.droppedRRsets == 0) return;
    logLine(std::string(what) + std::to_string(stats.droppedNames.size()) + " names and " +
            std::to_string(stats.droppedRRsets) + " RRsets the configuration no longer allows");
}

Result<std::size_t> UpdateService::restore(Store& store) {
    const std::lock_guard lock(m_writeMutex);
    const auto current = m_zone.snapshot();
    ZoneEditor editor(*current);
    const GrantIndex grants(m_config->accounts);
    CarryStats stats;
    StoredHeader header;
    // A large zone is loaded into heap marked for huge pages; the estimate (what a name with an
    // address or two takes in the zone, with room to spare) only sizes that range.
    constexpr std::size_t kHeapPerName = 400;
    std::optional<BulkHeap> bulk;
    // Names are carried in batches whose shards are fetched into the cache together first: one
    // name at a time, a million-name restore waits for a cache miss or two per name in turn.
    // Each slot keeps its storage (the rows swap theirs in), so batching allocates nothing.
    constexpr std::size_t kBatch = 16;
    std::array<StoredName, kBatch> batch;
    std::size_t batched = 0;
    const auto carryBatch = [&]() -> Result<void> {
        std::array<const dns::Name*, kBatch> names{};
        for (std::size_t i = 0; i < batched; ++i) names[i] = &batch[i].name;
        editor.prefetch(std::span(names.data(), batched));
        const std::size_t count = std::exchange(batched, 0);
        for (std::size_t i = 0; i < count; ++i) {
            if (auto carried = carryOne(editor, std::move(batch[i]), grants, stats); !carried) return carried;
        }
        return {};
    };
    auto loaded = store.loadEach(
        [&](const StoredHeader& begun) -> Result<void> {
            header = begun;
            bulk.emplace(begun.names * kHeapPerName);
            editor.reserve(begun.names);
            return {};
        },
        [&](StoredName&& name) -> Result<void> {
            std::swap(batch[batched++], name);
            return batched == kBatch ? carryBatch() : Result<void>{};
        });
    if (loaded) loaded = carryBatch();
    if (!loaded) return loaded.error();
    if (!header.exists) return std::size_t{0};
    reportDropped(stats, "store: ignored the dynamic state of ");
    // The serial moves past the stored one so secondaries see the (possibly reconfigured) zone
    // as newer than anything served before the restart.
    m_zone.publish(editor.finish(nextSerial(header.serial, m_clock())));
    return header.names;
}

Result<void> UpdateService::restore(StoredZone stored) {
    if (!stored.exists) return {};
    const std::lock_guard lock(m_writeMutex);
    const auto current = m_zone.snapshot();
    ZoneEditor editor(*current);
    const GrantIndex grants(m_config->accounts);
    CarryStats stats;
    editor.reserve(stored.names.size());
    for (auto& name : stored.names) {
        if (auto carried = carryOne(editor, std::move(name), grants, stats); !carried) {
            return makeError("store: " + carried.message());
        }
    }
    reportDropped(stats, "store: ignored the dynamic state of ");
    m_zone.publish(editor.finish(nextSerial(stored.serial, m_clock())));
    return {};
}

Result<void> UpdateService::reconfigure(std::shared_ptr<const Config> next) {
    const std::lock_guard lock(m_writeMutex);
    const auto current = m_zone.snapshot();
    if (!(next->zone.origin == current->origin)) {
        return makeError("the zone origin cannot change on reload (" + current->origin.toString() + " -> " +
                         next->zone.origin.toString() + "): restart the server for that");
    }
    auto base = buildInitialSnapshot(*next, current->soa.serial);
    if (!base) return base.error();
    std::vector<StoredName> dynamic;
    std::vector<RRsetKey> dynamicBefore;
    current->forEach([&](const dns::Name& name, const Node& node) {
        if (!node.hasDynamicData()) return;
        dynamic.push_back(toStored(name, node));
        for (const auto& rrset : dynamic.back().rrsets) dynamicBefore.push_back(RRsetKey{name, rrset.type});
    });
    auto previous = std::exchange(m_config, std::move(next));
    ZoneEditor editor(**base);
    const GrantIndex grants(m_config->accounts);
    CarryStats stats;
    editor.reserve(dynamic.size());
    for (auto& name : dynamic) {
        if (auto carried = carryOne(editor, std::move(name), grants, stats); !carried) {
            m_config = std::move(previous);
            return carried.error();
        }
    }
    reportDropped(stats, "reload: dropped the dynamic records of ");
    std::vector<dns::Name> droppedNames = std::move(stats.droppedNames);
    const std::uint32_t serial = nextSerial(current->soa.serial, m_clock());
    if (m_store != nullptr) m_store->enqueue(StoreWrite{serial, {}, std::move(droppedNames)});
    m_zone.publish(editor.finish(serial));
    // The records of the rebuilt zone are not diffed: secondaries take a full transfer.
    announce(ZoneChange{current->soa.serial, serial, {}, {}, false, std::move(dynamicBefore)});
    return {};
}

void UpdateService::addListener(ChangeListener& listener) {
    const std::lock_guard lock(m_writeMutex);
    m_listeners.push_back(&listener);
}

void UpdateService::announce(ZoneChange&& change) {
    if (m_listeners.empty()) return;
    const auto shared = std::make_shared<const ZoneChange>(std::move(change));
    for (auto* listener : m_listeners) listener->zoneChanged(shared);
}

void UpdateService::whenDurable(Store::Ticket ticket, Store::DurableCallback done) {
    if (m_store == nullptr || ticket == 0) {
        done(Result<void>{});
        return;
    }
    m_store->whenDurable(ticket, std::move(done));
}

}  // namespace qdyn::server
