// Ticket bookkeeping for the store (see ticket_ledger.hpp).
#include "store/ticket_ledger.hpp"

#include <exception>
#include <string>
#include <utility>

#include "log.hpp"

namespace qdyn::server::store {

TicketLedger::Ticket TicketLedger::issue() {
    const std::lock_guard lock(m_mutex);
    return ++m_issued;
}

std::vector<TicketLedger::Due> TicketLedger::settle(Ticket through, std::vector<Failure> failures) {
    std::vector<Due> due;
    {
        const std::lock_guard lock(m_mutex);
        if (through <= m_settled) return due;
        for (auto& failure : failures)
            m_failures.emplace(failure.last, std::move(failure));
        m_settled = through;
        const auto end = m_waiting.upper_bound(through);
        for (auto it = m_waiting.begin(); it != end; ++it) {
            due.push_back(Due{std::move(it->second), resultLocked(it->first)});
        }
        m_waiting.erase(m_waiting.begin(), end);
    }
    m_settledChanged.notify_all();
    return due;
}

void TicketLedger::whenDurable(Ticket ticket, Callback done) {
    std::vector<Due> due;
    {
        const std::lock_guard lock(m_mutex);
        if (ticket != 0 && ticket > m_settled && ticket <= m_issued) {
            m_waiting.emplace(ticket, std::move(done));
            return;
        }
        due.push_back(Due{std::move(done), resultLocked(ticket)});
    }
    run(due);
}

Result<void> TicketLedger::wait(Ticket ticket) {
    std::unique_lock lock(m_mutex);
    if (ticket == 0 || ticket > m_issued) return resultLocked(ticket);
    m_settledChanged.wait(lock, [&] { return m_settled >= ticket; });
    return resultLocked(ticket);
}

void TicketLedger::run(std::vector<Due>& due) noexcept {
    for (auto& one : due) {
        try {
            if (one.callback) one.callback(one.result);
        } catch (const std::exception& e) {
            logLine(std::string("store: a durability callback threw: ") + e.what());
        } catch (...) {
            logLine("store: a durability callback threw");
        }
    }
}

Result<void> TicketLedger::resultLocked(Ticket ticket) const {
    if (ticket == 0 || ticket > m_issued) return makeError("unknown store ticket " + std::to_string(ticket));
    const auto failure = m_failures.lower_bound(ticket);
    if (failure != m_failures.end() && failure->second.first <= ticket) return makeError(failure->second.message);
    return {};
}

}  // namespace qdyn::server::store
