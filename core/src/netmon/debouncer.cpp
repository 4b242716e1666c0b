// Debouncer: leading-edge report plus trailing coalescing (see debouncer.hpp).
#include "debouncer.hpp"

#include <algorithm>
#include <utility>

namespace qdyn::netmon {

Debouncer::Debouncer(std::chrono::milliseconds window, std::chrono::milliseconds maxCoalesce)
    : m_window(window), m_maxCoalesce(std::max(maxCoalesce, window)) {}

void Debouncer::add(NetworkChange change, TimePoint now) {
    if (m_pending.total == 0) {
        m_firstPending = now;
        // Quiet since the last report (or never reported): this change opens a new burst and
        // goes out at once.
        m_pending.leading = !m_lastReport || now - *m_lastReport >= m_window;
    }
    m_lastChange = now;
    ++m_pending.total;
    // Bounded memory under an event storm: the count stays exact, the details are the first few.
    if (m_pending.changes.size() < NetworkReport::kMaxChangesPerReport) {
        m_pending.changes.push_back(std::move(change));
    }
}

std::optional<Debouncer::TimePoint> Debouncer::nextDeadline() const {
    if (m_pending.total == 0) return std::nullopt;
    if (m_pending.leading) return m_firstPending;
    return std::min(m_lastChange + m_window, m_firstPending + m_maxCoalesce);
}

std::optional<NetworkReport> Debouncer::take(TimePoint now) {
    const auto deadline = nextDeadline();
    if (!deadline || now < *deadline) return std::nullopt;
    NetworkReport report = std::exchange(m_pending, NetworkReport{});
    m_lastReport = now;
    return report;
}

}  // namespace qdyn::netmon
