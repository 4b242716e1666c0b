// The IXFR journal: a bounded deque of serial steps, shared with the transfers that read it so
// that trimming never invalidates a transfer in progress.
#include "xfr/journal.hpp"

namespace qdyn::server {

namespace {

std::size_t recordsOf(const ZoneJournal::Step& step) {
    return step.removed.size() + step.added.size();
}

}  // namespace

void ZoneJournal::zoneChanged(const std::shared_ptr<const ZoneChange>& shared) {
    const ZoneChange& change = *shared;
    const std::lock_guard lock(m_mutex);
    // A gap (a rebuilt zone, or a step that does not follow the last one) leaves no path
    // through it: what came before is useless.
    if (!change.complete || (!m_steps.empty() && m_steps.back()->newSerial != change.oldSerial)) {
        m_steps.clear();
        m_records = 0;
    }
    if (!change.complete || m_maxSteps == 0) return;
    m_records += recordsOf(change);
    m_steps.push_back(shared);
    trim();
}

void ZoneJournal::trim() {
    while (!m_steps.empty() && (m_steps.size() > m_maxSteps || m_records > m_maxRecords)) {
        m_records -= recordsOf(*m_steps.front());
        m_steps.pop_front();
    }
}

std::optional<ZoneJournal::Path> ZoneJournal::path(std::uint32_t from, std::uint32_t to) const {
    const std::lock_guard lock(m_mutex);
    std::size_t start = 0;
    while (start < m_steps.size() && m_steps[start]->oldSerial != from)
        ++start;
    Path out;
    // Serials may repeat after a wrap (RFC 1982), so the walk stops at the first arrival.
    for (std::size_t i = start; i < m_steps.size(); ++i) {
        out.push_back(m_steps[i]);
        if (m_steps[i]->newSerial == to) return out;
    }
    return std::nullopt;
}

void ZoneJournal::clear() {
    const std::lock_guard lock(m_mutex);
    m_steps.clear();
    m_records = 0;
}

std::size_t ZoneJournal::size() const {
    const std::lock_guard lock(m_mutex);
    return m_steps.size();
}

std::size_t ZoneJournal::records() const {
    const std::lock_guard lock(m_mutex);
    return m_records;
}

}  // namespace qdyn::server
