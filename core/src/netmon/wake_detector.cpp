// WakeDetector: the wall clock's advance against the monotonic clock's (see wake_detector.hpp).
#include "wake_detector.hpp"

#include <cstdlib>
#include <string>
#include <utility>

#include "change_source.hpp"

namespace qdyn::netmon {

namespace {

std::string seconds(std::chrono::milliseconds value) {
    const auto ms = value.count();
    std::string text = ms < 0 ? "-" : "+";
    const auto magnitude = ms < 0 ? -ms : ms;
    text += std::to_string(magnitude / 1000) + "." + std::to_string(magnitude % 1000 / 100) + " s";
    return text;
}

}  // namespace

WakeDetector::WakeDetector(std::chrono::milliseconds tick, std::chrono::milliseconds threshold, WakeClocks clocks)
    : m_tick(tick),
      m_threshold(threshold),
      m_clocks(std::move(clocks)),
      m_lastWall(m_clocks.wall()),
      m_lastMonotonic(m_clocks.monotonic()) {}

std::optional<NetworkChange> WakeDetector::tick() {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    const auto wall = m_clocks.wall();
    const auto monotonic = m_clocks.monotonic();
    const auto wallAdvance = duration_cast<milliseconds>(wall - m_lastWall);
    const auto monotonicAdvance = duration_cast<milliseconds>(monotonic - m_lastMonotonic);
    m_lastWall = wall;
    m_lastMonotonic = monotonic;

    const auto skew = wallAdvance - monotonicAdvance;
    if (skew > m_threshold || skew < -m_threshold) {
        return changeWithDetail(ChangeKind::Wake, "wall clock " + seconds(skew) + " against monotonic");
    }
    if (monotonicAdvance > m_tick + m_threshold) {
        return changeWithDetail(ChangeKind::Wake, "tick " + seconds(monotonicAdvance - m_tick) + " late");
    }
    return std::nullopt;
}

}  // namespace qdyn::netmon
