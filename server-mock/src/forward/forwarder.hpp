// Forward mode (dynonym's model, seed 004): every change of what qdyn-server serves is also sent
// to an external primary as a TSIG-signed RFC 2136 UPDATE, on a thread of its own so that
// neither queries nor updates ever wait for the primary.
//
// Each change becomes one group of RRsets; a group goes out in one message (several groups may
// share one), so the primary applies a client's update entirely or not at all. Messages carry
// state (forward_update.hpp), not steps, so order does not matter and a retry sends whatever is
// current then:
// - the primary does not answer: everything waits, and is retried with a delay that doubles
//   from 1 s up to `retryMax`. Nothing is lost while the primary is down.
// - the primary answers but refuses (policy, wrong key, a name it does not take): a message of
//   several groups is split into one message per group; a group refused on its own is set aside
//   and retried on its own doubling delay, so one refused name never holds up the others.
// What is still queued at shutdown is caught up by the resync at the next start
// (resync_on_start).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "qdyn/dns/transport.hpp"
#include "qdyn/dns/tsig.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server {

struct ForwardTarget {
    dns::ServerAddress server;
    dns::Name zone;
    dns::TsigKey key;
    std::chrono::milliseconds timeout{2000};   // per attempt
    std::chrono::milliseconds firstRetry{1000};
    std::chrono::milliseconds retryMax{300000};
    std::size_t maxRRsetsPerMessage = 64;      // a larger group (mass expiry, resync) is split
};

// The target for a [forward] section (its key taken from the [[tsig_key]]s).
Result<ForwardTarget> forwardTarget(const Config& config);

class Forwarder final : public ChangeListener {
public:
    using Clock = std::function<std::uint64_t()>;        // TSIG time, seconds since the epoch

    Forwarder(const Zone& zone, ForwardTarget target, Clock clock = &dns::tsigNow);
    ~Forwarder() override;
    Forwarder(const Forwarder&) = delete;
    Forwarder& operator=(const Forwarder&) = delete;

    // Starts the sending thread.
    void start();
    // Queues, behind the changes, every dynamic RRset of the current zone and the A and AAAA of
    // every updatable host (so an address withdrawn while a change was still queued at the
    // last shutdown is withdrawn at the primary too). At start-up.
    void resyncAll(const std::vector<dns::Name>& hosts);
    // ChangeListener: queues the RRsets the change touched. Quick; never blocks on the network.
    void zoneChanged(const std::shared_ptr<const ZoneChange>& change) override;
    // Sends what is queued for up to `grace` (no retry delays), then ends the thread.
    void stop(std::chrono::milliseconds grace);

    // True while the primary refuses, on its own, a change of `name` (it is set aside and
    // retried): what a dyndns2 client hears as dnserr.
    [[nodiscard]] bool refuses(const dns::Name& name) const;

    // For tests and /metrics.
    [[nodiscard]] std::size_t pending() const;
    [[nodiscard]] std::uint64_t accepted() const;
    [[nodiscard]] std::uint64_t failed() const;

private:
    using Group = std::vector<RRsetKey>;
    using TimePoint = std::chrono::steady_clock::time_point;
    struct Pending {
        Group keys;
        bool alone = false;  // split off a refused message: goes in a message of its own
    };
    struct Parked {          // refused on its own: retried on its own schedule
        Group keys;
        TimePoint retryAt;
        std::chrono::milliseconds delay;
    };
    struct Batch {
        std::vector<Pending> groups;
        std::optional<std::chrono::milliseconds> parkedDelay;  // set when it is a parked group's retry
    };
    enum class Result : std::uint8_t { Accepted, Unreachable, Refused };

    void run();
    void enqueue(std::deque<Pending>& queue, Group keys);
    // The next message's worth of groups: a parked group that is due, else whole groups off the
    // change queue, else off the resync queue. Empty when nothing can go now.
    Batch takeBatch(TimePoint now);
    void handleFailure(Batch batch, Result result, const std::string& why, std::chrono::milliseconds& delay,
                       std::unique_lock<std::mutex>& lock);
    // Sends one message; `why` says what went wrong otherwise.
    Result send(const Batch& batch, std::string& why);
    [[nodiscard]] bool sendable(TimePoint now) const;  // m_mutex held
    [[nodiscard]] std::size_t queued() const;          // RRsets waiting; m_mutex held

    const Zone& m_zone;
    ForwardTarget m_target;
    Clock m_clock;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Pending> m_changes;  // one group per change (large ones split), oldest first
    std::deque<Pending> m_resync;   // sent when no change waits
    std::vector<Parked> m_parked;
    bool m_stopping = false;
    std::chrono::steady_clock::time_point m_deadline{};
    std::uint64_t m_accepted = 0;
    std::uint64_t m_failed = 0;
    std::thread m_thread;
};

}  // namespace qdyn::server
