// WakeDetector: notices that the machine slept (or the clock was set) without any OS hook, by
// comparing how far the wall clock and the monotonic clock advanced between two ticks. On Linux
// and macOS steady_clock stops while suspended and the wall clock does not; a set clock moves
// only the wall clock. Where the monotonic clock counts sleep too (Windows' QPC), a tick that
// comes far later than asked gives the same answer. Both clocks are injectable for tests.
#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include "qdyn/netmon/monitor.hpp"

namespace qdyn::netmon {

struct WakeClocks {
    std::function<std::chrono::system_clock::time_point()> wall = [] { return std::chrono::system_clock::now(); };
    std::function<std::chrono::steady_clock::time_point()> monotonic = [] { return std::chrono::steady_clock::now(); };
};

class WakeDetector {
public:
    // `tick`: how often the caller calls tick(); `threshold`: the jump that counts as a wake.
    WakeDetector(std::chrono::milliseconds tick, std::chrono::milliseconds threshold, WakeClocks clocks = {});

    // Compares with the previous call (the constructor counts as one). A Wake change when the
    // clocks disagree by more than the threshold, or when this tick is that much overdue.
    std::optional<NetworkChange> tick();

private:
    std::chrono::milliseconds m_tick;
    std::chrono::milliseconds m_threshold;
    WakeClocks m_clocks;
    std::chrono::system_clock::time_point m_lastWall;
    std::chrono::steady_clock::time_point m_lastMonotonic;
};

}  // namespace qdyn::netmon
