// Which store tickets are settled, and how, for whenDurable and waitDurable. The writer settles
// tickets strictly in the order they were issued, so the ledger is a high-water mark plus the
// ranges that failed (one entry per failed transaction, not per write) and the callbacks still
// waiting. Every result stays answerable for the life of the store.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "qdyn/result.hpp"
#include "qdyn_server/store.hpp"

namespace qdyn::server::store {

class TicketLedger {
public:
    using Ticket = Store::Ticket;
    using Callback = Store::DurableCallback;

    struct Failure {
        Ticket first = 0;
        Ticket last = 0;
        std::string message;
    };
    // A callback made due by settle(), to be run outside every lock.
    struct Due {
        Callback callback;
        Result<void> result;
    };

    // The next ticket. Callers issue under the lock that orders their queue, so tickets follow
    // the queue order.
    Ticket issue();

    // Settles every ticket up to `through`: the ranges in `failures` (ascending, after the
    // previous high-water mark) failed, the others are durable. Wakes the waiters and returns the
    // callbacks now due, in ticket order.
    [[nodiscard]] std::vector<Due> settle(Ticket through, std::vector<Failure> failures);

    // Runs `done` at once when the ticket is settled (or was never issued), else keeps it for
    // settle().
    void whenDurable(Ticket ticket, Callback done);
    Result<void> wait(Ticket ticket);

    // Runs due callbacks in order. A callback that throws is reported on stderr and the others
    // still run: the writer thread must survive a front end's mistake.
    static void run(std::vector<Due>& due) noexcept;

private:
    [[nodiscard]] Result<void> resultLocked(Ticket ticket) const;

    mutable std::mutex m_mutex;
    std::condition_variable m_settledChanged;
    Ticket m_issued = 0;
    Ticket m_settled = 0;
    std::map<Ticket, Failure> m_failures;  // keyed by each range's last ticket
    std::multimap<Ticket, Callback> m_waiting;
};

}  // namespace qdyn::server::store
