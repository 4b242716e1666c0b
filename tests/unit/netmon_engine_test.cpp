// The monitor's engine over a fake change source: a leading report at once, a burst as one
// trailing report one window later (never at the next wake tick), callbacks, and the fallback
// to polling when the source cannot start.
#include <atomic>
#include <gtest/gtest.h>
#include <mutex>
#include <vector>

#include "netmon/change_source.hpp"

namespace qdyn::netmon {
namespace {
namespace netmon_engine_test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Hands its sink to the test, which then plays the OS.
class FakeSource final : public ChangeSource {
public:
    explicit FakeSource(ChangeSink** sink, bool fail = false) : m_sink(sink), m_fail(fail) {}
    [[nodiscard]] std::string_view name() const override { return "fake"; }
    Result<void> start(ChangeSink& sink) override {
        if (m_fail) return makeError("no fake today");
        *m_sink = &sink;
        return {};
    }
    void stop() override {}

private:
    ChangeSink** m_sink;
    bool m_fail;
};

NetworkChange added(const char* address) {
    NetworkChange change;
    change.kind = ChangeKind::AddressAdded;
    change.interfaceName = "eth0";
    change.address = IpAddress::parse(address);
    return change;
}

MonitorOptions fastOptions() {
    MonitorOptions options;
    options.debounceWindow = 100ms;
    options.wakeTick = 5s;  // far beyond the test: a report must never wait for it
    return options;
}

TEST(NetworkMonitorEngine, LeadingReportAtOnceThenOneTrailingReportAWindowLater) {
    ChangeSink* sink = nullptr;
    auto monitor = makeNetworkMonitorWithSource(fastOptions(), std::make_unique<FakeSource>(&sink));
    ASSERT_TRUE(monitor->start());
    ASSERT_NE(sink, nullptr);
    EXPECT_EQ(monitor->backend(), "fake");
    EXPECT_EQ(monitor->fallbackReason(), "");

    const auto start = Clock::now();
    sink->push(added("192.0.2.1"));
    const auto first = monitor->waitForChange(2s);
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->leading);
    EXPECT_LT(Clock::now() - start, 50ms);

    sink->push(added("192.0.2.2"));
    sink->push(added("192.0.2.3"));
    const auto burst = Clock::now();
    const auto second = monitor->waitForChange(2s);
    ASSERT_TRUE(second);
    const auto waited = Clock::now() - burst;
    EXPECT_FALSE(second->leading);
    EXPECT_EQ(second->total, 2U);
    EXPECT_GE(waited, 90ms);
    EXPECT_LT(waited, 1s) << "the trailing report slept until the next wake tick";
    monitor->stop();
}

TEST(NetworkMonitorEngine, ReportsGoToTheCallbackWhenOneIsGiven) {
    ChangeSink* sink = nullptr;
    auto monitor = makeNetworkMonitorWithSource(fastOptions(), std::make_unique<FakeSource>(&sink));
    std::mutex mutex;
    std::vector<NetworkReport> reports;
    ASSERT_TRUE(monitor->start([&](const NetworkReport& report) {
        const std::lock_guard lock(mutex);
        reports.push_back(report);
    }));
    sink->push(added("198.51.100.1"));
    const auto deadline = Clock::now() + 2s;
    while (Clock::now() < deadline) {
        {
            const std::lock_guard lock(mutex);
            if (!reports.empty()) break;
        }
        std::this_thread::sleep_for(2ms);
    }
    monitor->stop();
    const std::lock_guard lock(mutex);
    ASSERT_EQ(reports.size(), 1U);
    EXPECT_EQ(reports[0].changes.at(0).address, IpAddress::parse("198.51.100.1"));
    EXPECT_FALSE(monitor->waitForChange(0ms)) << "a callback's reports do not also queue";
}

TEST(NetworkMonitorEngine, ASourceThatCannotStartFallsBackToPollingAndSaysWhy) {
    ChangeSink* sink = nullptr;
    std::vector<std::string> lines;
    auto options = fastOptions();
    options.log = [&](std::string_view line) { lines.emplace_back(line); };
    auto monitor = makeNetworkMonitorWithSource(options, std::make_unique<FakeSource>(&sink, true));
    ASSERT_TRUE(monitor->start());
    EXPECT_EQ(monitor->backend(), "poll");
    EXPECT_EQ(monitor->fallbackReason(), "fake could not start: no fake today");
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0], "network monitor: polling every 30000 ms (fake could not start: no fake today)");
    EXPECT_TRUE(monitor->start().message().find("already started") != std::string::npos);
}

}  // namespace netmon_engine_test
}  // namespace
}  // namespace qdyn::netmon
