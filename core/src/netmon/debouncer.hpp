// Debouncer: turns a burst of network changes into few reports. Pure logic over time points the
// caller passes in, so tests drive it with a fake clock and the monitor with steady_clock.
//
// Policy: the first change after a quiet period is reported at once (leading edge: a single
// address change costs no latency). Changes within `window` of a report are gathered and
// reported once the window passes without a new change (trailing edge), or at latest
// `maxCoalesce` after the first gathered change, so a continuous stream still gets reports.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

#include "qdyn/netmon/monitor.hpp"

namespace qdyn::netmon {

class Debouncer {
public:
    using Clock = std::chrono::steady_clock;
    using TimePoint = Clock::time_point;

    Debouncer(std::chrono::milliseconds window, std::chrono::milliseconds maxCoalesce);

    void add(NetworkChange change, TimePoint now);
    // The report due at `now`, if any.
    std::optional<NetworkReport> take(TimePoint now);
    // When take() will next have something to report (nothing pending: nullopt).
    [[nodiscard]] std::optional<TimePoint> nextDeadline() const;
    [[nodiscard]] bool pending() const noexcept { return m_pending.total > 0; }

private:
    std::chrono::milliseconds m_window;
    std::chrono::milliseconds m_maxCoalesce;
    NetworkReport m_pending;
    TimePoint m_firstPending{};
    TimePoint m_lastChange{};
    std::optional<TimePoint> m_lastReport;
};

}  // namespace qdyn::netmon
