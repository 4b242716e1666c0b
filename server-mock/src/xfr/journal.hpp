// The IXFR journal (RFC 1995): the last N serial changes of the zone with the records each one
// removed and added, kept in memory. It follows the update service as a ChangeListener; zone
// transfers read it from the io thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server {

class ZoneJournal final : public ChangeListener {
public:
    // Records over all steps; past it the oldest steps go even when fewer than `maxSteps` are
    // kept, so a burst of large UPDATEs cannot make the journal grow without bound.
    static constexpr std::size_t kDefaultMaxRecords = 200000;

    // One serial step: oldSerial -> newSerial, the records removed and added; the change the
    // update service announced, kept as it is.
    using Step = ZoneChange;
    using Path = std::vector<std::shared_ptr<const Step>>;

    // maxSteps 0: nothing is kept and every IXFR falls back to a full transfer.
    explicit ZoneJournal(std::size_t maxSteps, std::size_t maxRecords = kDefaultMaxRecords)
        : m_maxSteps(maxSteps), m_maxRecords(maxRecords) {}

    void zoneChanged(const std::shared_ptr<const ZoneChange>& change) override;

    // The steps that lead from serial `from` to exactly `to`, oldest first; nullopt when the
    // journal does not hold that whole path (too old, or `to` not reached yet).
    [[nodiscard]] std::optional<Path> path(std::uint32_t from, std::uint32_t to) const;

    // Forgets every step (the zone was replaced as a whole).
    void clear();
    [[nodiscard]] std::size_t size() const;
    [[nodiscard]] std::size_t records() const;

private:
    void trim();

    const std::size_t m_maxSteps;
    const std::size_t m_maxRecords;
    mutable std::mutex m_mutex;                       // the writer holds the update lock, readers are on the io thread
    std::deque<std::shared_ptr<const Step>> m_steps;  // oldest first, each step's oldSerial == the previous newSerial
    std::size_t m_records = 0;
};

}  // namespace qdyn::server
