// The durable store: round trips across reopen, write semantics and order, batching, tickets,
// refusal of files that are not ours (untouched), and acknowledged writes surviving kill -9.
#include <sqlite3.h>

#ifdef _WIN32
#include "qdyn/windows_text.hpp"  // <windows.h>, lean and without min/max
#else
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <gtest/gtest.h>
#include <iostream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "qdyn_server/store.hpp"
#include "temp_dir.hpp"
#include "test_values.hpp"

namespace {
namespace server_store_test {

using namespace qdyn::server;
namespace fs = std::filesystem;
using qdyn::test::name;
using qdyn::test::TempDir;

constexpr std::uint16_t kTypeA = 1;
constexpr std::uint16_t kTypeTxt = 16;
constexpr std::uint16_t kTypeAaaa = 28;

StoredRRset rrset(std::uint16_t type, std::uint32_t ttl, std::vector<std::vector<std::uint8_t>> rdatas) {
    return StoredRRset{type, ttl, std::move(rdatas)};
}

StoredName host(std::string_view text, std::vector<StoredRRset> rrsets, bool offline = false,
                std::uint32_t expiresAt = 0) {
    return StoredName{name(text), std::move(rrsets), offline, expiresAt};
}

// A name with one A record whose last octet (and TTL) carries `value`, to tell writes apart.
StoredName numbered(std::string_view text, std::uint32_t value) {
    return host(text, {rrset(kTypeA, value, {{192, 0, 2, static_cast<std::uint8_t>(value & 0xFFU)}})});
}

std::string hostName(std::size_t i) {
    return "h" + std::to_string(i) + ".dyn.example.test";
}

// Names sorted by their case-folded wire form, so two zones compare regardless of load order.
std::vector<StoredName> sorted(std::vector<StoredName> names) {
    std::sort(names.begin(), names.end(), [](const StoredName& a, const StoredName& b) {
        return a.name.lowercased().wire() < b.name.lowercased().wire();
    });
    return names;
}

std::unique_ptr<Store> openOrFail(const fs::path& path, StoreOptions options = {}) {
    auto store = Store::open(path, options);
    if (!store) {
        ADD_FAILURE() << store.message();
        return nullptr;
    }
    return std::move(*store);
}

// Each test gets a private directory and a store path in it.
class StoreTest : public ::testing::Test {
protected:
    [[nodiscard]] fs::path path() const { return m_dir.path() / "store.db"; }
    std::unique_ptr<Store> open(StoreOptions options = {}) { return openOrFail(path(), options); }
    TempDir m_dir;
};
using StoreRoundTrip = StoreTest;
using StoreWrites = StoreTest;
using StoreBatching = StoreTest;
using StoreTickets = StoreTest;
using StoreFailures = StoreTest;
using StoreFiles = StoreTest;
using StoreCrash = StoreTest;
using StoreLoad = StoreTest;

StoredZone loadOrFail(Store& store) {
    auto zone = store.load();
    if (!zone) {
        ADD_FAILURE() << zone.message();
        return {};
    }
    zone->names = sorted(std::move(zone->names));
    return std::move(*zone);
}

StoreWrite update(std::uint32_t serial, std::vector<StoredName> upserts, std::vector<qdyn::dns::Name> removals = {}) {
    return StoreWrite{serial, std::move(upserts), std::move(removals)};
}

void commit(Store& store, StoreWrite write) {
    const auto durable = store.waitDurable(store.enqueue(std::move(write)));
    ASSERT_TRUE(durable.ok()) << durable.message();
}

std::string fileBytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// SQL on the store's file through a connection of its own, as another program would.
void rawSql(const fs::path& path, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.string().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    const std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
}

TEST_F(StoreRoundTrip, EverythingSurvivesCloseAndReopen) {
    const std::vector<StoredName> written = {
        host("Home.Dyn.Example.Test",
             {rrset(kTypeA, 60, {{192, 0, 2, 1}}), rrset(kTypeAaaa, 60, {std::vector<std::uint8_t>(16, 0x20)})}),
        host("nas.dyn.example.test", {}, true, 1'900'000'000),
        host("txt.dyn.example.test", {rrset(kTypeTxt, 300, {{3, 'a', 'b', 'c'}, {0}, {}}), rrset(99, 0, {})}, false,
             4'294'967'295U),
    };
    {
        auto store = open();
        ASSERT_NE(store, nullptr);
        const auto fresh = loadOrFail(*store);
        EXPECT_FALSE(fresh.exists);
        EXPECT_TRUE(fresh.names.empty());
        commit(*store, update(7, {written[0]}));
        commit(*store, update(2'024'010'101U, {written[1], written[2]}));
        store->close();
    }
    auto store = open();
    ASSERT_NE(store, nullptr);
    const auto zone = loadOrFail(*store);
    EXPECT_TRUE(zone.exists);
    EXPECT_EQ(zone.serial, 2'024'010'101U);
    ASSERT_EQ(zone.names, sorted(written));
    EXPECT_EQ(zone.names.back().name.toString(), "Home.Dyn.Example.Test.");  // the spelling survives
}

TEST_F(StoreWrites, UpsertReplacesRemovalDeletesEmptyUpsertRemoves) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    commit(*store, update(1, {numbered("a.dyn.example.test", 1), numbered("b.dyn.example.test", 1),
                              numbered("c.dyn.example.test", 1)}));
    // Names match whatever their case: these address the three records above.
    commit(*store, update(2, {numbered("A.dyn.example.test", 2), host("b.DYN.example.test", {})},
                          {name("C.dyn.example.test")}));
    const auto zone = loadOrFail(*store);
    EXPECT_EQ(zone.serial, 2U);
    ASSERT_EQ(zone.names, std::vector<StoredName>{numbered("a.dyn.example.test", 2)});
    EXPECT_EQ(zone.names[0].name.toString(), "A.dyn.example.test.");
    // Every column of an existing row is replaced, the spelling too (back to the key's own).
    commit(*store, update(2, {host("a.dyn.example.test", {}, true, 1'900'000'000)}));
    const auto replaced = loadOrFail(*store);
    ASSERT_EQ(replaced.names, std::vector<StoredName>{host("a.dyn.example.test", {}, true, 1'900'000'000)});
    EXPECT_EQ(replaced.names[0].name.toString(), "a.dyn.example.test.");

    // Removals apply before upserts within one write; removing an absent name is no error.
    commit(*store, update(3, {numbered("d.dyn.example.test", 3)},
                          {name("d.dyn.example.test"), name("nowhere.dyn.example.test")}));
    EXPECT_EQ(loadOrFail(*store).names.size(), 2U);
}

TEST_F(StoreWrites, WritesCommitInEnqueueOrder) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    // Callbacks that run on the writer thread must come in ticket order (those registered after
    // their ticket settled run at once on this thread instead, so they are left out).
    const auto self = std::this_thread::get_id();
    std::mutex mutex;
    std::vector<Store::Ticket> onWriter;
    std::vector<Store::Ticket> tickets;
    for (std::uint32_t i = 1; i <= 300; ++i) {
        tickets.push_back(store->enqueue(update(i, {numbered("x.dyn.example.test", i)})));
        store->whenDurable(tickets.back(), [&, ticket = tickets.back()](const qdyn::Result<void>& result) {
            EXPECT_TRUE(result.ok());
            const std::lock_guard lock(mutex);
            if (std::this_thread::get_id() != self) onWriter.push_back(ticket);
        });
    }
    ASSERT_TRUE(store->waitDurable(tickets.back()).ok());
    store->close();  // every callback has run
    EXPECT_TRUE(std::is_sorted(tickets.begin(), tickets.end()));
    EXPECT_TRUE(std::is_sorted(onWriter.begin(), onWriter.end()));
    EXPECT_FALSE(onWriter.empty());
    auto reopened = open();
    ASSERT_NE(reopened, nullptr);
    const auto zone = loadOrFail(*reopened);
    EXPECT_EQ(zone.serial, 300U);
    EXPECT_EQ(zone.names, std::vector<StoredName>{numbered("x.dyn.example.test", 300)});
}

TEST_F(StoreBatching, ConcurrentWritesShareTransactions) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    constexpr std::size_t kThreads = 4;
    constexpr std::size_t kPerThread = 500;
    std::vector<std::vector<Store::Ticket>> tickets(kThreads);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (std::size_t i = 0; i < kPerThread; ++i) {
                const auto index = t * kPerThread + i;
                tickets[t].push_back(
                    store->enqueue(update(static_cast<std::uint32_t>(index), {numbered(hostName(index), 1)})));
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    for (const auto& perThread : tickets) {
        for (const auto ticket : perThread)
            ASSERT_TRUE(store->waitDurable(ticket).ok());
    }
    const auto stats = store->stats();
    std::cout << "[ STORE    ] " << stats.writes << " writes in " << stats.transactions << " transactions, max commit "
              << stats.maxCommit.count() << " us\n";
    EXPECT_EQ(stats.writes, kThreads * kPerThread);
    EXPECT_LT(stats.transactions, stats.writes);
    EXPECT_EQ(stats.failures, 0U);
    EXPECT_EQ(loadOrFail(*store).names.size(), kThreads * kPerThread);
}

TEST_F(StoreBatching, MaxBatchCapsATransaction) {
    StoreOptions options;
    options.batchWindow = std::chrono::milliseconds(20);
    options.maxBatch = 10;
    auto store = open(options);
    ASSERT_NE(store, nullptr);
    Store::Ticket last = 0;
    for (std::uint32_t i = 0; i < 100; ++i)
        last = store->enqueue(update(i, {numbered(hostName(i), i)}));
    ASSERT_TRUE(store->waitDurable(last).ok());
    EXPECT_EQ(store->stats().writes, 100U);
    EXPECT_GE(store->stats().transactions, 10U);
}

TEST_F(StoreTickets, WhenDurableCallsBackOnTheWriterThenAtOnceWhenSettled) {
    StoreOptions options;
    options.batchWindow = std::chrono::milliseconds(20);  // the callback is surely registered first
    auto store = open(options);
    ASSERT_NE(store, nullptr);
    const auto ticket = store->enqueue(update(1, {numbered("a.dyn.example.test", 1)}));
    std::promise<std::thread::id> calledOn;
    store->whenDurable(ticket, [&](const qdyn::Result<void>& result) {
        EXPECT_TRUE(result.ok());
        calledOn.set_value(std::this_thread::get_id());
    });
    EXPECT_NE(calledOn.get_future().get(), std::this_thread::get_id());

    bool atOnce = false;
    store->whenDurable(ticket, [&](const qdyn::Result<void>& result) { atOnce = result.ok(); });
    EXPECT_TRUE(atOnce);

    std::string unknown;
    store->whenDurable(ticket + 100, [&](const qdyn::Result<void>& result) { unknown = result.message(); });
    EXPECT_NE(unknown.find("unknown store ticket"), std::string::npos) << unknown;
    EXPECT_FALSE(store->waitDurable(0).ok());
}

TEST_F(StoreTickets, CloseCommitsWhatIsQueuedThenLaterWritesFail) {
    StoreOptions options;
    options.batchWindow = std::chrono::milliseconds(200);  // still queued when close() is called
    auto store = open(options);
    ASSERT_NE(store, nullptr);
    std::vector<Store::Ticket> tickets;
    for (std::uint32_t i = 0; i < 50; ++i)
        tickets.push_back(store->enqueue(update(i, {numbered(hostName(i), i)})));
    store->close();
    for (const auto ticket : tickets)
        EXPECT_TRUE(store->waitDurable(ticket).ok());

    const auto late = store->enqueue(update(99, {numbered("late.dyn.example.test", 1)}));
    const auto lateResult = store->waitDurable(late);
    ASSERT_FALSE(lateResult.ok());
    EXPECT_NE(lateResult.message().find("closed"), std::string::npos) << lateResult.message();
    bool failedAtOnce = false;
    store->whenDurable(late, [&](const qdyn::Result<void>& result) { failedAtOnce = !result.ok(); });
    EXPECT_TRUE(failedAtOnce);
    store->close();  // idempotent
    EXPECT_FALSE(store->load().ok());
    store.reset();

    auto reopened = open();
    ASSERT_NE(reopened, nullptr);
    const auto zone = loadOrFail(*reopened);
    EXPECT_EQ(zone.names.size(), 50U);
    EXPECT_EQ(zone.serial, 49U);
}

TEST_F(StoreTickets, AWriteTheFormatCannotHoldFailsAlone) {
    auto store = open();
    ASSERT_NE(store, nullptr);
    const auto before = store->enqueue(update(1, {numbered("a.dyn.example.test", 1)}));
    const auto huge = store->enqueue(
        update(2, {host("b.dyn.example.test", {rrset(kTypeTxt, 1, {std::vector<std::uint8_t>(70'000, 'x')})})}));
    const auto after = store->enqueue(update(3, {numbered("c.dyn.example.test", 3)}));
    EXPECT_TRUE(store->waitDurable(before).ok());
    const auto failed = store->waitDurable(huge);
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.message().find("65535"), std::string::npos) << failed.message();
    EXPECT_TRUE(store->waitDurable(after).ok());
    const auto zone = loadOrFail(*store);
    EXPECT_EQ(zone.names.size(), 2U);
    EXPECT_EQ(zone.serial, 3U);
}

TEST_F(StoreFailures, AFailedTransactionFailsItsWritesAndTheStoreCarriesOn) {
    StoreOptions options;
    options.busyTimeout = std::chrono::milliseconds(20);
    auto store = open(options);
    ASSERT_NE(store, nullptr);

    // Another program holds the write lock past the busy timeout.
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(path().string().c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    const auto blocked = store->waitDurable(store->enqueue(update(1, {numbered("a.dyn.example.test", 1)})));
    ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(other);
    ASSERT_FALSE(blocked.ok());
    EXPECT_NE(blocked.message().find("locked"), std::string::npos) << blocked.message();
    EXPECT_EQ(store->stats().failures, 1U);

    commit(*store, update(2, {numbered("b.dyn.example.test", 2)}));
    const auto zone = loadOrFail(*store);
    EXPECT_EQ(zone.names, std::vector<StoredName>{numbered("b.dyn.example.test", 2)});
    EXPECT_EQ(zone.serial, 2U);
}

TEST_F(StoreFiles, ForeignSqliteFileIsRefusedAndUnchanged) {
    const auto contacts = m_dir.path() / "contacts.db";
    rawSql(contacts, "CREATE TABLE contacts (name TEXT, phone TEXT); INSERT INTO contacts VALUES ('ann', '555');");
    const auto bytes = fileBytes(contacts);
    const auto store = Store::open(contacts);
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.message().find("another application"), std::string::npos) << store.message();
    EXPECT_EQ(fileBytes(contacts), bytes);
}

TEST_F(StoreFiles, NewerSchemaIsRefusedAndUnchanged) {
    {
        auto store = open();
        ASSERT_NE(store, nullptr);
        commit(*store, update(1, {numbered("a.dyn.example.test", 1)}));
    }
    rawSql(path(), "UPDATE meta SET value = 99 WHERE key = 'schema_version'");
    const auto bytes = fileBytes(path());
    const auto store = Store::open(path());
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.message().find("schema version 99"), std::string::npos) << store.message();
    EXPECT_EQ(fileBytes(path()), bytes);
}

TEST_F(StoreFiles, NonDatabaseFilesAreRefusedAndUnchanged) {
    for (const std::string& content : {std::string("short"), std::string(4096, 'q')}) {
        const auto notes = m_dir.write("notes.txt", content);
        const auto store = Store::open(notes);
        ASSERT_FALSE(store.ok());
        EXPECT_NE(store.message().find("not an SQLite database"), std::string::npos) << store.message();
        EXPECT_EQ(fileBytes(notes), content);
    }
}

TEST_F(StoreFiles, AMissingDirectoryGivesAClearError) {
    const auto store = Store::open(m_dir.path() / "missing" / "store.db");
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.message().find((m_dir.path() / "missing").string() + " does not exist"), std::string::npos)
        << store.message();
    EXPECT_FALSE(fs::exists(m_dir.path() / "missing"));
}

// The child acknowledges write i on the pipe only once waitDurable(i) succeeded, like a front end
// answering a client; after kill -9 every acknowledged write must be back.
TEST_F(StoreCrash, AcknowledgedWritesSurviveKill9) {
#ifdef _WIN32
    GTEST_SKIP() << "the crash is made with fork() and SIGKILL, which are POSIX";
#else
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // The child never returns into the test runner, not even by an exception.
        try {
            ::close(fds[0]);
            auto store = Store::open(path());
            if (!store) ::_exit(2);
            for (std::uint32_t i = 0;; ++i) {
                const auto ticket = (*store)->enqueue(update(i + 1, {numbered(hostName(i), i)}));
                if (!(*store)->waitDurable(ticket)) ::_exit(3);
                if (::write(fds[1], &i, sizeof i) != static_cast<ssize_t>(sizeof i)) ::_exit(4);
            }
        } catch (...) {
            ::_exit(5);
        }
    }
    ::close(fds[1]);
    std::uint32_t acked = 0;
    std::size_t acks = 0;
    pollfd readable{fds[0], POLLIN, 0};
    while (acks < 200 && ::poll(&readable, 1, 60'000) == 1) {
        std::uint32_t index = 0;
        if (::read(fds[0], &index, sizeof index) != static_cast<ssize_t>(sizeof index)) break;
        acked = index;
        ++acks;
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ::close(fds[0]);
    ASSERT_EQ(acks, 200U) << "the child stopped early, status " << status;
    EXPECT_TRUE(WIFSIGNALED(status));

    auto store = open();
    ASSERT_NE(store, nullptr);
    const auto zone = loadOrFail(*store);
    ASSERT_GE(zone.names.size(), acked + 1);
    EXPECT_GE(zone.serial, acked + 1);
    std::vector<bool> present(zone.names.size() + 1, false);
    for (const auto& stored : zone.names) {
        const auto i = stored.rrsets.at(0).ttl;
        ASSERT_EQ(stored, numbered(hostName(i), i));
        if (i < present.size()) present[i] = true;
    }
    for (std::uint32_t i = 0; i <= acked; ++i)
        EXPECT_TRUE(present[i]) << "acknowledged write " << i << " is lost";
#endif
}

// The CPU time (user and system) this thread has used so far.
std::chrono::nanoseconds threadCpuTime() {
#ifdef _WIN32
    FILETIME created{};
    FILETIME exited{};
    FILETIME kernel{};
    FILETIME user{};
    if (::GetThreadTimes(::GetCurrentThread(), &created, &exited, &kernel, &user) == 0) return {};
    const auto ticks = [](const FILETIME& time) {  // 100 ns units
        return (static_cast<std::uint64_t>(time.dwHighDateTime) << 32U) | time.dwLowDateTime;
    };
    return std::chrono::nanoseconds(static_cast<std::int64_t>((ticks(kernel) + ticks(user)) * 100U));
#else
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
#endif
}

// Prints how long load() takes; QDYN_STORE_LOAD_NAMES=1000000 measures the full-size figure.
TEST_F(StoreLoad, ManyNamesLoad) {
    const char* override = std::getenv("QDYN_STORE_LOAD_NAMES");
    const std::size_t count = override != nullptr ? std::strtoull(override, nullptr, 10) : 200'000;
    constexpr std::size_t kPerWrite = 1000;
    {
        StoreOptions options;
        options.maxBatch = 64;
        auto store = open(options);
        ASSERT_NE(store, nullptr);
        Store::Ticket last = 0;
        for (std::size_t first = 0; first < count; first += kPerWrite) {
            StoreWrite write{static_cast<std::uint32_t>(first), {}, {}};
            for (std::size_t i = first; i < std::min(count, first + kPerWrite); ++i) {
                auto stored = numbered(hostName(i), static_cast<std::uint32_t>(i));
                stored.rrsets.push_back(rrset(kTypeAaaa, 60, {std::vector<std::uint8_t>(16, 0x20)}));
                write.upserts.push_back(std::move(stored));
            }
            last = store->enqueue(std::move(write));
        }
        ASSERT_TRUE(store->waitDurable(last).ok());
    }
    auto store = open();
    ASSERT_NE(store, nullptr);
    // CPU time too: on a machine shared with builds the wall clock says more about the neighbours.
    const auto wallStart = std::chrono::steady_clock::now();
    const auto cpuStart = threadCpuTime();
    auto zone = store->load();
    const auto cpu = threadCpuTime() - cpuStart;
    const auto wall = std::chrono::steady_clock::now() - wallStart;
    ASSERT_TRUE(zone.ok()) << zone.message();
    std::cout << "[ STORE    ] load() of " << zone->names.size() << " names took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(wall).count() << " ms ("
              << std::chrono::duration_cast<std::chrono::milliseconds>(cpu).count() << " ms CPU)\n";
    EXPECT_EQ(zone->names.size(), count);
}

}  // namespace server_store_test
}  // namespace
