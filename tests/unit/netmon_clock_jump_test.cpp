// The netlink monitor learns of a jump of the wall clock (a resume from suspend, or the clock
// being set) from a cancel-on-set timerfd at once, so it needs no periodic wake-detection tick.
// The jump is made by setting the clock to its own current value (a few microseconds back):
// that is a "clock was set" for the kernel, harmless to everything else.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "qdyn/netmon/monitor.hpp"

namespace qdyn::netmon {
namespace {
namespace netmon_clock_jump_test {

TEST(NetlinkMonitorClockJump, IsReportedAsAWakeWithoutATick) {
    MonitorOptions options;
    options.wakeTick = std::chrono::hours(1);  // the tick cannot be what reports it
    auto monitor = makeNetworkMonitor(options);
    ASSERT_TRUE(monitor->start());
    if (monitor->backend() != "netlink") {
        GTEST_SKIP() << "NETLINK UNAVAILABLE (" << monitor->fallbackReason() << "): the clock-jump timer was NOT tested";
    }
    timespec now{};
    ASSERT_EQ(::clock_gettime(CLOCK_REALTIME, &now), 0);
    if (::clock_settime(CLOCK_REALTIME, &now) != 0) {
        GTEST_SKIP() << "CANNOT SET THE CLOCK (" << std::strerror(errno) << ", needs CAP_SYS_TIME): the clock-jump "
                     << "timer was NOT tested";
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    bool woke = false;
    while (!woke && std::chrono::steady_clock::now() < deadline) {
        const auto report = monitor->waitForChange(std::chrono::milliseconds(500));
        if (!report) continue;
        for (const auto& change : report->changes) woke = woke || change.kind == ChangeKind::Wake;
    }
    EXPECT_TRUE(woke) << "setting the clock was not reported as a wake";
    monitor->stop();
}

}  // namespace netmon_clock_jump_test
}  // namespace
}  // namespace qdyn::netmon
