// The debouncer's policy with a fake clock: the first change at once, a burst as one trailing
// report, a stream bounded by maxCoalesce, an event storm bounded in memory.
#include <gtest/gtest.h>

#include "netmon/debouncer.hpp"

namespace qdyn::netmon {
namespace {
namespace netmon_debouncer_test {

using namespace std::chrono_literals;
using TimePoint = Debouncer::TimePoint;

NetworkChange change(ChangeKind kind, const char* name = "eth0") {
    NetworkChange result;
    result.kind = kind;
    result.interfaceName = name;
    return result;
}

class DebouncerTest : public ::testing::Test {
protected:
    Debouncer debouncer{150ms, 1000ms};
    TimePoint t0 = TimePoint{} + 1h;
};

TEST_F(DebouncerTest, NothingPendingHasNoDeadlineAndNoReport) {
    EXPECT_FALSE(debouncer.nextDeadline());
    EXPECT_FALSE(debouncer.take(t0));
}

TEST_F(DebouncerTest, FirstChangeIsReportedAtOnce) {
    debouncer.add(change(ChangeKind::AddressAdded), t0);
    ASSERT_EQ(debouncer.nextDeadline(), t0);
    const auto report = debouncer.take(t0);
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->leading);
    EXPECT_EQ(report->total, 1U);
    ASSERT_EQ(report->changes.size(), 1U);
    EXPECT_EQ(report->changes[0].kind, ChangeKind::AddressAdded);
    EXPECT_FALSE(debouncer.pending());
}

TEST_F(DebouncerTest, BurstAfterALeadingReportBecomesOneTrailingReport) {
    debouncer.add(change(ChangeKind::LinkUp), t0);
    ASSERT_TRUE(debouncer.take(t0));
    debouncer.add(change(ChangeKind::AddressAdded), t0 + 10ms);
    debouncer.add(change(ChangeKind::AddressAdded, "eth1"), t0 + 20ms);
    debouncer.add(change(ChangeKind::DefaultRouteChanged), t0 + 50ms);
    EXPECT_FALSE(debouncer.take(t0 + 100ms));
    // The window runs from the last change: quiet until t0 + 50 + 150.
    EXPECT_EQ(debouncer.nextDeadline(), t0 + 200ms);
    EXPECT_FALSE(debouncer.take(t0 + 199ms));
    const auto report = debouncer.take(t0 + 200ms);
    ASSERT_TRUE(report);
    EXPECT_FALSE(report->leading);
    EXPECT_EQ(report->total, 3U);
    ASSERT_EQ(report->changes.size(), 3U);
    EXPECT_EQ(report->changes[1].interfaceName, "eth1");
    EXPECT_EQ(report->changes[2].kind, ChangeKind::DefaultRouteChanged);
}

TEST_F(DebouncerTest, AQuietWindowRestoresTheLeadingEdge) {
    debouncer.add(change(ChangeKind::AddressAdded), t0);
    ASSERT_TRUE(debouncer.take(t0));
    debouncer.add(change(ChangeKind::AddressRemoved), t0 + 150ms);
    const auto report = debouncer.take(t0 + 150ms);
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->leading);
}

TEST_F(DebouncerTest, AContinuousStreamIsStillReportedEveryMaxCoalesce) {
    debouncer.add(change(ChangeKind::AddressAdded), t0);
    ASSERT_TRUE(debouncer.take(t0));
    // A change every 100 ms never leaves a 150 ms gap.
    std::optional<NetworkReport> report;
    auto now = t0;
    for (int i = 1; i <= 20 && !report; ++i) {
        now = t0 + i * 100ms;
        report = debouncer.take(now);
        if (!report) debouncer.add(change(ChangeKind::AddressAdded), now);
    }
    ASSERT_TRUE(report);
    EXPECT_EQ(now, t0 + 1100ms);  // first gathered at t0 + 100 ms, plus maxCoalesce
    EXPECT_EQ(report->total, 10U);
}

TEST_F(DebouncerTest, AStormKeepsAnExactCountAndBoundedDetails) {
    debouncer.add(change(ChangeKind::LinkUp), t0);
    ASSERT_TRUE(debouncer.take(t0));
    for (int i = 0; i < 1000; ++i)
        debouncer.add(change(ChangeKind::AddressAdded), t0 + 1ms);
    const auto report = debouncer.take(t0 + 151ms);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->total, 1000U);
    EXPECT_EQ(report->changes.size(), NetworkReport::kMaxChangesPerReport);
}

TEST_F(DebouncerTest, MaxCoalesceShorterThanTheWindowIsRaisedToIt) {
    Debouncer odd{150ms, 10ms};
    odd.add(change(ChangeKind::LinkUp), t0);
    ASSERT_TRUE(odd.take(t0));
    odd.add(change(ChangeKind::LinkDown), t0 + 1ms);
    EXPECT_EQ(odd.nextDeadline(), t0 + 151ms);
}

TEST(NetworkChangeText, NamesKindInterfaceAddressAndDetail) {
    NetworkChange added;
    added.kind = ChangeKind::AddressAdded;
    added.interfaceName = "lo";
    added.address = IpAddress::parse("203.0.113.9");
    added.prefixLength = 32;
    EXPECT_EQ(toString(added), "address-added lo 203.0.113.9/32");
    NetworkChange wake;
    wake.kind = ChangeKind::Wake;
    wake.detail = "wall clock +3600.0 s against monotonic";
    EXPECT_EQ(toString(wake), "wake (wall clock +3600.0 s against monotonic)");
    NetworkChange link;
    link.kind = ChangeKind::LinkDown;
    link.interfaceIndex = 7;
    EXPECT_EQ(toString(link), "link-down if#7");
}

}  // namespace netmon_debouncer_test
}  // namespace
}  // namespace qdyn::netmon
