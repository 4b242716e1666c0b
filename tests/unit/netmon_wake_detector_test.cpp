// Wake detection with fake clocks: a sleep (wall clock runs, monotonic stops), a clock set either
// way, an overdue tick (a monotonic clock that counts sleep), and ordinary drift that is none.
#include <gtest/gtest.h>

#include "netmon/wake_detector.hpp"

namespace qdyn::netmon {
namespace {
namespace netmon_wake_detector_test {

using namespace std::chrono_literals;

class WakeDetectorTest : public ::testing::Test {
protected:
    std::chrono::system_clock::time_point wall = std::chrono::system_clock::time_point{} + 24h * 365 * 50;
    std::chrono::steady_clock::time_point monotonic = std::chrono::steady_clock::time_point{} + 1h;
    WakeDetector detector{5s, 3s, WakeClocks{[this] { return wall; }, [this] { return monotonic; }}};

    void advance(std::chrono::milliseconds wallBy, std::chrono::milliseconds monotonicBy) {
        wall += wallBy;
        monotonic += monotonicBy;
    }
};

TEST_F(WakeDetectorTest, ClocksAdvancingTogetherAreNoWake) {
    for (int i = 0; i < 10; ++i) {
        advance(5s, 5s);
        EXPECT_FALSE(detector.tick());
    }
}

TEST_F(WakeDetectorTest, SmallDriftAndASlightlyLateTickAreNoWake) {
    advance(5500ms, 5000ms);
    EXPECT_FALSE(detector.tick());
    advance(7s, 7s);
    EXPECT_FALSE(detector.tick());
}

TEST_F(WakeDetectorTest, SleepIsAWallClockJumpAgainstMonotonic) {
    advance(3605s, 5s);
    const auto change = detector.tick();
    ASSERT_TRUE(change);
    EXPECT_EQ(change->kind, ChangeKind::Wake);
    EXPECT_EQ(change->detail, "wall clock +3600.0 s against monotonic");
    advance(5s, 5s);
    EXPECT_FALSE(detector.tick()) << "only the tick that spans the sleep reports it";
}

TEST_F(WakeDetectorTest, AClockSetBackwardsCountsToo) {
    advance(-60s, 5s);
    const auto change = detector.tick();
    ASSERT_TRUE(change);
    EXPECT_EQ(change->detail, "wall clock -65.0 s against monotonic");
}

TEST_F(WakeDetectorTest, AnOverdueTickCountsWhereMonotonicIncludesSleep) {
    advance(600s, 600s);
    const auto change = detector.tick();
    ASSERT_TRUE(change);
    EXPECT_EQ(change->kind, ChangeKind::Wake);
    EXPECT_EQ(change->detail, "tick +595.0 s late");
}

}  // namespace netmon_wake_detector_test
}  // namespace
}  // namespace qdyn::netmon
