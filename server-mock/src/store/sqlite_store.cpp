// The Store over SQLite: callers queue encoded writes, one writer thread commits them in batches
// (one transaction and so one fsync per batch) and then settles their tickets in queue order.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "qdyn_server/store.hpp"
#include "store/record_codec.hpp"
#include "store/ticket_ledger.hpp"
#include "store/zone_tables.hpp"

namespace qdyn::server {

namespace {

using store::EncodedWrite;
using store::TicketLedger;

class SqliteStore final : public Store {
public:
    SqliteStore(store::ZoneTables tables, StoreOptions options)
        : m_options(normalized(options)), m_tables(std::move(tables)), m_writer([this] { writerLoop(); }) {}
    ~SqliteStore() override { close(); }
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    Result<void> loadEach(const HeaderSink& begin, const NameSink& each) override {
        const std::lock_guard lock(m_dbMutex);
        return m_tables.loadEach(begin, each);
    }

    Ticket enqueue(StoreWrite write) override {
        // Encoding here keeps the writer thread's time for SQL, and lets a write the format cannot
        // hold fail alone instead of failing the whole transaction it would have joined.
        Pending pending{0, store::encodeWrite(write)};
        std::unique_lock lock(m_queueMutex);
        pending.ticket = m_ledger.issue();
        const Ticket ticket = pending.ticket;
        if (m_writerDone) {
            // Settled under the queue lock so no later ticket can settle before this one.
            auto due = m_ledger.settle(ticket, {{ticket, ticket, "the store is closed"}});
            lock.unlock();
            TicketLedger::run(due);
            return ticket;
        }
        if (m_closing) pending.write = makeError("the store is closed");
        m_queue.push_back(std::move(pending));
        // Wake the writer only when it has a reason to look: the first write of a batch, or a
        // full batch that ends its batch window early.
        const bool wake = m_queue.size() == 1 || m_queue.size() >= m_options.maxBatch;
        lock.unlock();
        if (wake) m_wake.notify_one();
        return ticket;
    }

    void whenDurable(Ticket ticket, DurableCallback done) override { m_ledger.whenDurable(ticket, std::move(done)); }

    Result<void> waitDurable(Ticket ticket) override { return m_ledger.wait(ticket); }

    void close() override {
        const std::lock_guard closing(m_closeMutex);
        {
            const std::lock_guard lock(m_queueMutex);
            m_closing = true;
        }
        m_wake.notify_one();
        // From a callback on the writer thread joining would wait on itself; the writer stops
        // after this batch anyway and the destructor finishes the job.
        if (std::this_thread::get_id() == m_writer.get_id()) return;
        if (m_writer.joinable()) m_writer.join();
        const std::lock_guard lock(m_dbMutex);
        m_tables.close();
    }

    [[nodiscard]] StoreStats stats() const override {
        const std::lock_guard lock(m_statsMutex);
        return m_stats;
    }

private:
    struct Pending {
        Ticket ticket = 0;
        Result<EncodedWrite> write;  // an error: settled as failed without touching the database
    };

    static StoreOptions normalized(StoreOptions options) {
        options.maxBatch = std::max<std::size_t>(options.maxBatch, 1);
        return options;
    }

    void writerLoop() {
        while (true) {
            auto batch = takeBatch();
            if (batch.empty()) return;
            commitBatch(batch);
        }
    }

    // Waits for work and returns the next batch in queue order; empty once closing and drained.
    std::vector<Pending> takeBatch() {
        std::unique_lock lock(m_queueMutex);
        m_wake.wait(lock, [&] { return !m_queue.empty() || m_closing; });
        if (m_queue.empty()) {
            m_writerDone = true;
            return {};
        }
        if (m_options.batchWindow.count() > 0 && !m_closing && m_queue.size() < m_options.maxBatch) {
            m_wake.wait_for(lock, m_options.batchWindow,
                            [&] { return m_closing || m_queue.size() >= m_options.maxBatch; });
        }
        const auto count = std::min(m_queue.size(), m_options.maxBatch);
        std::vector<Pending> batch;
        batch.reserve(count);
        const auto end = m_queue.begin() + static_cast<std::ptrdiff_t>(count);
        std::move(m_queue.begin(), end, std::back_inserter(batch));
        m_queue.erase(m_queue.begin(), end);
        return batch;
    }

    void commitBatch(std::vector<Pending>& batch) {
        std::vector<const EncodedWrite*> writes;
        writes.reserve(batch.size());
        for (const auto& pending : batch) {
            if (pending.write) writes.push_back(&pending.write.value());
        }

        const auto started = std::chrono::steady_clock::now();
        Result<void> committed;
        {
            const std::lock_guard lock(m_dbMutex);
            committed = m_tables.commit(writes);
        }
        const auto took =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
        if (!writes.empty()) recordStats(committed.ok(), writes.size(), took);

        auto due = m_ledger.settle(batch.back().ticket, failuresOf(batch, committed));
        TicketLedger::run(due);
    }

    // The failed ranges of a settled batch: each write that could not be encoded on its own, and
    // runs of the others when the transaction failed.
    static std::vector<TicketLedger::Failure> failuresOf(const std::vector<Pending>& batch,
                                                         const Result<void>& committed) {
        std::vector<TicketLedger::Failure> failures;
        bool extendable = false;
        for (const auto& pending : batch) {
            if (!pending.write) {
                failures.push_back({pending.ticket, pending.ticket, pending.write.message()});
                extendable = false;
            } else if (!committed) {
                if (extendable) {
                    failures.back().last = pending.ticket;
                } else {
                    failures.push_back({pending.ticket, pending.ticket, committed.message()});
                    extendable = true;
                }
            }
        }
        return failures;
    }

    void recordStats(bool ok, std::size_t writes, std::chrono::microseconds took) {
        const std::lock_guard lock(m_statsMutex);
        if (!ok) {
            ++m_stats.failures;
            return;
        }
        m_stats.writes += writes;
        ++m_stats.transactions;
        m_stats.lastCommit = took;
        m_stats.maxCommit = std::max(m_stats.maxCommit, took);
    }

    const StoreOptions m_options;

    std::mutex m_dbMutex;  // the writer's commits, load() and close() share one connection
    store::ZoneTables m_tables;

    TicketLedger m_ledger;

    std::mutex m_queueMutex;
    std::condition_variable m_wake;
    std::deque<Pending> m_queue;
    bool m_closing = false;
    bool m_writerDone = false;

    mutable std::mutex m_statsMutex;
    StoreStats m_stats;

    std::mutex m_closeMutex;
    std::thread m_writer;  // last: it starts in the constructor and uses everything above
};

}  // namespace

Result<StoredZone> Store::load() {
    StoredZone zone;
    auto loaded = loadEach(
        [&zone](const StoredHeader& header) -> Result<void> {
            zone.exists = header.exists;
            zone.serial = header.serial;
            zone.names.reserve(header.names);
            return {};
        },
        [&zone](StoredName&& name) -> Result<void> {
            zone.names.push_back(std::move(name));
            return {};
        });
    if (!loaded) return loaded.error();
    return zone;
}

Result<std::unique_ptr<Store>> Store::open(const std::filesystem::path& path, StoreOptions options) {
    const auto busyMs =
        std::clamp<std::chrono::milliseconds::rep>(options.busyTimeout.count(), 0, std::numeric_limits<int>::max());
    auto tables = store::ZoneTables::open(path, static_cast<int>(busyMs));
    if (!tables) return tables.error();
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(*tables), options));
}

}  // namespace qdyn::server
