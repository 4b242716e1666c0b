// The durable record of qdyn-server: the dynamic part of the zone (what updates wrote) and the
// SOA serial, in SQLite with WAL. Static records come from the configuration and are never
// stored. Writes are queued and committed in batches on the store's own thread, so many
// concurrent updates share one fsync; a front end acknowledges an update only once the batch
// holding it is durable. Queries never touch the store.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "qdyn/dns/name.hpp"
#include "qdyn/result.hpp"

namespace qdyn::server {

// One RRset written by updates, with its RDATAs in uncompressed wire form.
struct StoredRRset {
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    std::vector<std::vector<std::uint8_t>> rdatas;
    friend bool operator==(const StoredRRset&, const StoredRRset&) = default;
};

// The dynamic state of one name: its RRsets, the offline flag and when its records expire
// (unix seconds; 0 = never).
struct StoredName {
    dns::Name name;
    std::vector<StoredRRset> rrsets;
    bool offline = false;
    std::uint32_t expiresAt = 0;
    friend bool operator==(const StoredName&, const StoredName&) = default;
};

// What precedes the names when they are streamed (Store::loadEach).
struct StoredHeader {
    bool exists = false;    // false: no write was ever committed (serial and names are then empty)
    std::uint32_t serial = 0;
    std::size_t names = 0;  // how many names follow
};

// Everything the store holds for the zone, as read at start-up.
struct StoredZone {
    bool exists = false;  // false: no write was ever committed (serial and names are then empty)
    std::uint32_t serial = 0;
    std::vector<StoredName> names;
};

// One atomic change: the new serial, names whose dynamic state is replaced (an empty StoredName
// with no RRsets, not offline and no expiry is removed), names dropped entirely. Removals apply
// before upserts, so a name in both ends with its upsert. Names match case-insensitively; the
// spelling of the last upsert is kept.
struct StoreWrite {
    std::uint32_t serial = 0;
    std::vector<StoredName> upserts;
    std::vector<dns::Name> removals;
};

struct StoreOptions {
    // How long the writer waits to collect more writes into one transaction after the first
    // arrives (0: commit whatever is queued at once; batching then comes only from writes that
    // queue up while the previous commit syncs).
    std::chrono::microseconds batchWindow{0};
    std::size_t maxBatch = 4096;  // writes per transaction at most
    // How long a transaction waits for a lock another connection holds (an operator's sqlite3
    // shell, a backup) before it fails.
    std::chrono::milliseconds busyTimeout{5000};
};

struct StoreStats {
    std::uint64_t writes = 0;        // StoreWrites committed
    std::uint64_t transactions = 0;  // SQLite transactions committed
    std::uint64_t failures = 0;      // transactions that failed (their writes reported the error)
    std::chrono::microseconds lastCommit{0};
    std::chrono::microseconds maxCommit{0};
};

class Store {
public:
    using Ticket = std::uint64_t;
    using DurableCallback = std::function<void(const Result<void>&)>;

    // Opens or creates the database (the parent directory must exist). A file that is not a
    // qdyn-server store, or one from a newer schema, is refused with a clear error and never
    // modified.
    static Result<std::unique_ptr<Store>> open(const std::filesystem::path& path, StoreOptions options = {});

    virtual ~Store() = default;

    // Reads everything back (at start-up, before any write is queued; later it sees what is
    // committed so far), streamed: `begin` gets the header, then `each` every name, in no
    // particular order, so a million names never sit in memory twice. `each` may take what it
    // wants from the name it is given; the rest is reused for the next one. An error from a
    // callback stops the read and is returned.
    using HeaderSink = std::function<Result<void>(const StoredHeader&)>;
    using NameSink = std::function<Result<void>(StoredName&&)>;
    virtual Result<void> loadEach(const HeaderSink& begin, const NameSink& each) = 0;
    // The same, gathered (tests, tools).
    Result<StoredZone> load();

    // Queues a write; writes commit in the order they were queued. Thread-safe, never blocks on
    // the disk. The ticket names this write for whenDurable / waitDurable.
    virtual Ticket enqueue(StoreWrite write) = 0;

    // Calls `done` (on the store's thread, or at once if already settled) when the write is
    // durable or has failed. A failure means the write is not in the store: a write that the
    // format cannot hold (an RDATA over 65535 octets) fails alone; when a transaction fails, every
    // write in it fails and later writes still get their own try. Tickets queued after close()
    // fail, as does an unknown ticket. On the store's thread callbacks run in ticket order and
    // must be quick: they hold up the next commit. They must not wait for an unsettled ticket or
    // call close (the store's thread would wait on itself).
    virtual void whenDurable(Ticket ticket, DurableCallback done) = 0;
    virtual Result<void> waitDurable(Ticket ticket) = 0;

    // Commits everything queued, then stops the writer thread and closes the database (load()
    // fails after it). Idempotent; the destructor calls it.
    virtual void close() = 0;

    [[nodiscard]] virtual StoreStats stats() const = 0;
};

}  // namespace qdyn::server
