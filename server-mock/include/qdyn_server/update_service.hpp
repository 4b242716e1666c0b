// The one update path of qdyn-server: every front end (dyndns2, DNS UPDATE, and later the line
// protocols and the file drop) turns its request into a call of UpdateService. It authorizes,
// builds the next zone version, bumps the serial when what is served changed, queues the durable
// write, and publishes the new version.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include "qdyn/dns/name.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/name_list.hpp"
#include "qdyn_server/store.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server {

class GrantIndex;

enum class UpdateStatus : std::uint8_t {
    Updated,       // the zone changed, the serial was bumped
    Unchanged,     // the zone already held these addresses (the expiry was re-armed)
    NotInZone,     // the host lies outside the zone
    NotGranted,    // the account may not update this host
    BadAddress,    // an address of the wrong family was passed for v4/v6
    StaticRecord,  // the host's record of that family is static (from the configuration)
};

std::string_view toString(UpdateStatus status) noexcept;

// What an update of one host asks for. A family left empty and not cleared keeps its address.
struct HostUpdate {
    std::optional<IpAddress> v4;
    std::optional<IpAddress> v6;
    bool clearV4 = false;  // remove the A record (nanodnsd: a missing parameter removes it)
    bool clearV6 = false;
    bool offline = false;  // withhold the addresses (kept for when the host comes back)
};

struct UpdateOutcome {
    UpdateStatus status = UpdateStatus::Unchanged;
    HostAddresses addresses;  // what the host serves after the call (empty unless granted)
    Store::Ticket ticket = 0; // the durable write to wait for before acknowledging; 0: none
    // Taken here, but the [forward] primary refuses changes of this name (dyndns2: dnserr).
    bool upstreamRefuses{};
};

// One RRset of the zone by owner and type.
struct RRsetKey {
    dns::Name name;
    std::uint16_t type = 0;
    friend bool operator==(const RRsetKey&, const RRsetKey&) = default;
};

struct RRsetKeyHash {
    std::size_t operator()(const RRsetKey& key) const noexcept { return dns::NameHash{}(key.name) * 31U + key.type; }
};

// What one change of the zone did to what is served, for the consumers that follow the zone
// (the IXFR journal, NOTIFY, the forwarder). `complete` is false when the zone was rebuilt as a
// whole (a reload): only the serials are known then, not the records, and `dynamicBefore` lists
// the dynamic RRsets of the old version (the only ones a reload can take away or keep).
struct ZoneChange {
    std::uint32_t oldSerial = 0;
    std::uint32_t newSerial = 0;
    std::vector<dns::ResourceRecord> removed;  // served before, not after
    std::vector<dns::ResourceRecord> added;    // served after, not before
    bool complete = true;
    std::vector<RRsetKey> dynamicBefore{};
};

// Told of every change of what is served, in serial order, under the write lock, right after
// the new version is published. It must be quick and must not call the update service.
class ChangeListener {
public:
    ChangeListener() = default;
    ChangeListener(const ChangeListener&) = delete;
    ChangeListener& operator=(const ChangeListener&) = delete;
    virtual ~ChangeListener() = default;
    // The change is shared: a listener that keeps it (the IXFR journal) holds a reference
    // instead of copying its records.
    virtual void zoneChanged(const std::shared_ptr<const ZoneChange>& change) = 0;
};

// The writer's view inside UpdateService::commit: the next version being built.
class ZoneTransaction {
public:
    ZoneTransaction(const ZoneSnapshot& current, std::uint32_t now) : m_current(current), m_editor(current), m_now(now) {}

    [[nodiscard]] const ZoneSnapshot& current() const noexcept { return m_current; }
    [[nodiscard]] const Node* find(const dns::Name& name) const { return m_editor.find(name); }
    // The node for editing; every edited name is settled, compared and stored at commit.
    Node& edit(const dns::Name& name);
    [[nodiscard]] std::uint32_t now() const noexcept { return m_now; }

private:
    friend class UpdateService;
    const ZoneSnapshot& m_current;
    ZoneEditor m_editor;
    std::uint32_t m_now;
    NameList m_touched;  // each edited name once, in the order first edited
};

class UpdateService {
public:
    // Unix time in seconds; replaceable so tests can drive the serial and expiry.
    using Clock = std::function<std::uint32_t()>;
    static std::uint32_t systemClock();

    // `store` may be null (no durability: tests, --check-config).
    UpdateService(const Config& config, Zone& zone, Store* store = nullptr, Clock clock = &UpdateService::systemClock);

    // Sets, clears or takes offline the host's A and AAAA records. Thread-safe: writers are
    // serialized, readers of the zone never wait.
    UpdateOutcome apply(const Account& account, const dns::Name& host, const HostUpdate& update);

    // Runs `body` on a transaction of the current zone under the write lock. When it returns
    // true the edited names are settled; if anything served changed the serial is bumped; the
    // dynamic state of the edited names is queued to the store and the version published.
    struct Committed {
        bool servedChanged = false;
        std::uint32_t serial = 0;
        Store::Ticket ticket = 0;
    };
    // `body` is any callable taking ZoneTransaction& and returning bool; it is called in place
    // (no std::function, whose captures would cost an allocation per update).
    template <typename Body>
    Committed commit(Body&& body) {
        using Callable = std::remove_reference_t<Body>;
        return commitWith(const_cast<void*>(static_cast<const void*>(std::addressof(body))),
                          [](void* callable, ZoneTransaction& tx) -> bool { return (*static_cast<Callable*>(callable))(tx); });
    }

    // Removes the dynamic records of every name whose expiry has passed. Returns how many
    // names expired. Called periodically by the server.
    std::size_t expireDue();

    // Makes every later change durable in `store` (opened after construction, before serving).
    void useStore(Store* store) noexcept { m_store = store; }

    // Re-applies stored dynamic state on top of the configured zone at start-up, streamed from
    // the store; returns how many names it held.
    Result<std::size_t> restore(Store& store);
    // The same from state already read (tests).
    Result<void> restore(StoredZone stored);

    // Calls back when the write is durable (at once when there is no store or no ticket).
    void whenDurable(Store::Ticket ticket, Store::DurableCallback done);

    // Switches to a new configuration (SIGHUP): the zone is rebuilt from its static part, and the
    // dynamic state of every name the new grants still allow is carried over (the rest is
    // dropped, from the store too). The SOA serial moves on. The zone origin must not change.
    Result<void> reconfigure(std::shared_ptr<const Config> next);
    [[nodiscard]] std::uint32_t now() const { return m_clock(); }

    // How to tell whether the external primary of [forward] refuses changes of a name (set
    // before serving; empty: nothing to ask).
    void setUpstreamCheck(std::function<bool(const dns::Name&)> refuses) { m_upstreamRefuses = std::move(refuses); }

    // Adds a consumer of changes (it must outlive every later commit). Changes are diffed only
    // when someone listens (a few records per update; tools using the service alone skip it).
    void addListener(ChangeListener& listener);

private:
    Committed commitWith(void* callable, bool (*body)(void*, ZoneTransaction&));
    void announce(ZoneChange&& change);

    // Applies one name's stored-form dynamic state onto `editor` (bulk: the name is moved into
    // the zone) as far as the configuration allows; what it does not allow is counted.
    struct CarryStats {
        std::vector<dns::Name> droppedNames;
        std::size_t droppedRRsets = 0;
    };
    Result<void> carryOne(ZoneEditor& editor, StoredName&& saved, const GrantIndex& grants, CarryStats& stats);
    static void reportDropped(const CarryStats& stats, std::string_view what);

    // Read and replaced under m_writeMutex only (every use is inside a commit or restore).
    std::shared_ptr<const Config> m_config;
    Zone& m_zone;
    Store* m_store;
    Clock m_clock;
    std::mutex m_writeMutex;
    std::multimap<std::uint32_t, dns::Name> m_expiries;  // may hold stale entries; checked on use
    std::vector<ChangeListener*> m_listeners;            // under m_writeMutex
    std::function<bool(const dns::Name&)> m_upstreamRefuses;
};

// The stored form of a name's dynamic state, and back.
StoredName toStored(const dns::Name& name, const Node& node);

}  // namespace qdyn::server
