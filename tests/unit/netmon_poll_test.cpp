// The polling fallback: snapshot differences, the poll source over an injected snapshot
// function, and the monitor's fallback when polling is forced.
#include <gtest/gtest.h>
#include <mutex>
#include <vector>

#include "netmon/poll_monitor.hpp"

namespace qdyn::netmon {
namespace {
namespace netmon_poll_test {

using namespace std::chrono_literals;

class CollectingSink final : public ChangeSink {
public:
    void push(NetworkChange change) override {
        const std::lock_guard lock(mutex);
        changes.push_back(std::move(change));
    }
    std::mutex mutex;
    std::vector<NetworkChange> changes;
};

SnapshotAddress entry(const char* name, const char* address, std::uint8_t prefix) {
    return {name, *IpAddress::parse(address), prefix};
}

InterfaceSnapshot baseline() {
    InterfaceSnapshot snapshot;
    snapshot.links = {{"lo", true}, {"eth0", true}};
    snapshot.addresses = {entry("eth0", "192.0.2.10", 24), entry("lo", "127.0.0.1", 8)};
    normalize(snapshot);
    return snapshot;
}

TEST(SnapshotDiff, IdenticalSnapshotsHaveNoChanges) {
    EXPECT_TRUE(diffSnapshots(baseline(), baseline()).empty());
}

TEST(SnapshotDiff, NormalizeMergesALinkListedOncePerAddress) {
    InterfaceSnapshot snapshot;
    snapshot.links = {{"eth0", false}, {"eth0", true}, {"eth0", true}};
    normalize(snapshot);
    ASSERT_EQ(snapshot.links.size(), 1U);
    EXPECT_TRUE(snapshot.links[0].up);
}

TEST(SnapshotDiff, AddressesAndLinkStatesThatChanged) {
    auto after = baseline();
    after.addresses = {entry("eth0", "198.51.100.7", 24), entry("lo", "127.0.0.1", 8)};
    after.links = {{"eth0", false}, {"lo", true}, {"wg0", true}};
    normalize(after);
    const auto changes = diffSnapshots(baseline(), after);
    ASSERT_EQ(changes.size(), 4U);
    EXPECT_EQ(changes[0].kind, ChangeKind::LinkDown);
    EXPECT_EQ(changes[0].interfaceName, "eth0");
    EXPECT_EQ(changes[1].kind, ChangeKind::LinkUp);
    EXPECT_EQ(changes[1].interfaceName, "wg0");
    EXPECT_EQ(changes[2].kind, ChangeKind::AddressRemoved);
    EXPECT_EQ(changes[2].address, IpAddress::parse("192.0.2.10"));
    EXPECT_EQ(changes[3].kind, ChangeKind::AddressAdded);
    EXPECT_EQ(changes[3].address, IpAddress::parse("198.51.100.7"));
    EXPECT_EQ(changes[3].prefixLength, 24);
}

TEST(SnapshotDiff, AVanishedLinkIsRemovedAndANewDownLinkIsNothing) {
    auto after = baseline();
    after.links = {{"lo", true}, {"dummy0", false}};
    after.addresses = {entry("lo", "127.0.0.1", 8)};
    normalize(after);
    const auto changes = diffSnapshots(baseline(), after);
    ASSERT_EQ(changes.size(), 2U);
    EXPECT_EQ(changes[0].kind, ChangeKind::LinkRemoved);
    EXPECT_EQ(changes[0].interfaceName, "eth0");
    EXPECT_EQ(changes[1].kind, ChangeKind::AddressRemoved);
}

class PollSourceTest : public ::testing::Test {
protected:
    std::mutex mutex;
    Result<InterfaceSnapshot> current = baseline();
    SnapshotFunction snapshot = [this]() -> Result<InterfaceSnapshot> {
        const std::lock_guard lock(mutex);
        return current;
    };
    void set(Result<InterfaceSnapshot> next) {
        const std::lock_guard lock(mutex);
        current = std::move(next);
    }
};

TEST_F(PollSourceTest, PollOnceReportsTheDifferenceOnce) {
    PollSource source(1h, snapshot);
    CollectingSink sink;
    ASSERT_TRUE(source.start(sink));
    source.pollOnce(sink);
    EXPECT_TRUE(sink.changes.empty());
    auto next = baseline();
    next.addresses.push_back(entry("eth0", "203.0.113.9", 32));
    normalize(next);
    set(next);
    source.pollOnce(sink);
    source.pollOnce(sink);
    source.stop();
    ASSERT_EQ(sink.changes.size(), 1U);
    EXPECT_EQ(sink.changes[0].kind, ChangeKind::AddressAdded);
    EXPECT_EQ(sink.changes[0].address, IpAddress::parse("203.0.113.9"));
}

TEST_F(PollSourceTest, AFailedSnapshotIsNoChangeAndTheNextOneCompares) {
    PollSource source(1h, snapshot);
    CollectingSink sink;
    ASSERT_TRUE(source.start(sink));
    set(makeError("interfaces unavailable"));
    source.pollOnce(sink);
    EXPECT_TRUE(sink.changes.empty());
    auto next = baseline();
    next.addresses.pop_back();
    set(next);
    source.pollOnce(sink);
    source.stop();
    ASSERT_EQ(sink.changes.size(), 1U);
    EXPECT_EQ(sink.changes[0].kind, ChangeKind::AddressRemoved);
}

TEST_F(PollSourceTest, StartFailsWhenTheFirstSnapshotFails) {
    set(makeError("no getifaddrs"));
    PollSource source(1h, snapshot);
    CollectingSink sink;
    const auto started = source.start(sink);
    ASSERT_FALSE(started);
    EXPECT_EQ(started.message(), "interface snapshot: no getifaddrs");
}

TEST_F(PollSourceTest, TheThreadPollsEveryIntervalAndStopsPromptly) {
    PollSource source(20ms, snapshot);
    CollectingSink sink;
    ASSERT_TRUE(source.start(sink));
    auto next = baseline();
    next.links[0].up = false;
    set(next);
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (std::chrono::steady_clock::now() < deadline) {
        {
            const std::lock_guard lock(sink.mutex);
            if (!sink.changes.empty()) break;
        }
        std::this_thread::sleep_for(5ms);
    }
    const auto stopping = std::chrono::steady_clock::now();
    source.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - stopping, 500ms);
    const std::lock_guard lock(sink.mutex);
    ASSERT_EQ(sink.changes.size(), 1U);
    EXPECT_EQ(sink.changes[0].kind, ChangeKind::LinkDown);
}

TEST(NetworkMonitorFallback, ForcedPollingSaysSoAndStopsCleanly) {
    std::vector<std::string> lines;
    MonitorOptions options;
    options.forcePolling = true;
    options.log = [&](std::string_view line) { lines.emplace_back(line); };
    auto monitor = makeNetworkMonitor(options);
    ASSERT_TRUE(monitor->start());
    EXPECT_EQ(monitor->backend(), "poll");
    EXPECT_EQ(monitor->fallbackReason(), "polling forced by the options");
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0], "network monitor: polling every 30000 ms (polling forced by the options)");
    EXPECT_FALSE(monitor->waitForChange(10ms));
    monitor->stop();
    EXPECT_FALSE(monitor->waitForChange(1h)) << "a stopped monitor never blocks";
}

}  // namespace netmon_poll_test
}  // namespace
}  // namespace qdyn::netmon
