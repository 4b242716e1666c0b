// The forwarder's queue and sending thread (forwarder.hpp).
#include "forward/forwarder.hpp"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "forward/forward_update.hpp"
#include "log.hpp"
#include "qdyn/protocols/rfc2136.hpp"

namespace qdyn::server {

namespace {

std::string describe(const ForwardTarget& target) {
    return target.server.address.toString() + " port " + std::to_string(target.server.port) + " (zone " +
           target.zone.toString() + ")";
}

}  // namespace

Result<ForwardTarget> forwardTarget(const Config& config) {
    if (!config.forward) return makeError("no [forward] section");
    const auto& forward = *config.forward;
    const auto keyConfig = std::find_if(config.tsigKeys.begin(), config.tsigKeys.end(),
                                        [&](const TsigKeyConfig& key) { return key.name == forward.tsigKey; });
    if (keyConfig == config.tsigKeys.end()) return makeError("[forward] tsig_key is not a [[tsig_key]]");
    auto key = keyConfig->makeKey();
    if (!key) return makeError("[forward] tsig_key: " + key.message());
    ForwardTarget target{forward.server, forward.zone, std::move(*key)};
    target.timeout = std::chrono::milliseconds(forward.timeoutMs);
    target.retryMax = std::chrono::seconds(forward.retryMax);
    target.firstRetry = std::min(target.firstRetry, target.retryMax);
    return target;
}

Forwarder::Forwarder(const Zone& zone, ForwardTarget target, Clock clock)
    : m_zone(zone), m_target(std::move(target)), m_clock(std::move(clock)) {}

Forwarder::~Forwarder() { stop(std::chrono::milliseconds(0)); }

void Forwarder::start() {
    const std::lock_guard lock(m_mutex);
    if (m_thread.joinable() || m_stopping) return;
    m_thread = std::thread([this] { run(); });
}

void Forwarder::enqueue(std::deque<Pending>& queue, Group keys) {
    // A change larger than one message (a mass expiry, the resync) goes in several.
    const std::size_t max = m_target.maxRRsetsPerMessage;
    if (keys.size() <= max) {
        queue.push_back(Pending{std::move(keys)});
        return;
    }
    for (std::size_t at = 0; at < keys.size(); at += max) {
        const auto first = keys.begin() + static_cast<std::ptrdiff_t>(at);
        const auto last = keys.begin() + static_cast<std::ptrdiff_t>(std::min(keys.size(), at + max));
        queue.push_back(Pending{Group(std::make_move_iterator(first), std::make_move_iterator(last))});
    }
}

void Forwarder::resyncAll(const std::vector<dns::Name>& hosts) {
    auto keys = resyncRRsets(*m_zone.snapshot(), hosts);
    if (keys.empty()) return;
    logLine("forward: resync of " + std::to_string(keys.size()) + " RRsets to " + describe(m_target));
    // One group per name: the resync has no atomicity to keep, and small groups let a refused
    // name be set aside on its own.
    const std::lock_guard lock(m_mutex);
    for (std::size_t first = 0; first < keys.size();) {
        std::size_t last = first + 1;
        while (last < keys.size() && keys[last].name == keys[first].name) ++last;
        enqueue(m_resync, Group(std::make_move_iterator(keys.begin() + static_cast<std::ptrdiff_t>(first)),
                                std::make_move_iterator(keys.begin() + static_cast<std::ptrdiff_t>(last))));
        first = last;
    }
    m_wake.notify_one();
}

void Forwarder::zoneChanged(const std::shared_ptr<const ZoneChange>& change) {
    auto keys = touchedRRsets(*change);
    if (keys.empty()) return;
    const std::lock_guard lock(m_mutex);
    enqueue(m_changes, std::move(keys));
    m_wake.notify_one();
}

void Forwarder::stop(std::chrono::milliseconds grace) {
    {
        const std::lock_guard lock(m_mutex);
        if (!m_stopping) {
            m_stopping = true;
            m_deadline = std::chrono::steady_clock::now() + grace;
        }
        m_wake.notify_one();
    }
    if (m_thread.joinable()) m_thread.join();
}

bool Forwarder::refuses(const dns::Name& name) const {
    const std::lock_guard lock(m_mutex);
    return std::any_of(m_parked.begin(), m_parked.end(), [&](const Parked& parked) {
        return std::any_of(parked.keys.begin(), parked.keys.end(), [&](const RRsetKey& key) { return key.name == name; });
    });
}

std::size_t Forwarder::pending() const {
    const std::lock_guard lock(m_mutex);
    return queued();
}

std::size_t Forwarder::queued() const {
    std::size_t count = 0;
    for (const auto* queue : {&m_changes, &m_resync}) {
        for (const auto& pending : *queue) count += pending.keys.size();
    }
    for (const auto& parked : m_parked) count += parked.keys.size();
    return count;
}

std::uint64_t Forwarder::accepted() const {
    const std::lock_guard lock(m_mutex);
    return m_accepted;
}

std::uint64_t Forwarder::failed() const {
    const std::lock_guard lock(m_mutex);
    return m_failed;
}

bool Forwarder::sendable(TimePoint now) const {
    return !m_changes.empty() || !m_resync.empty() ||
           std::any_of(m_parked.begin(), m_parked.end(), [now](const Parked& p) { return p.retryAt <= now; });
}

Forwarder::Batch Forwarder::takeBatch(TimePoint now) {
    Batch batch;
    const auto due = std::find_if(m_parked.begin(), m_parked.end(), [now](const Parked& p) { return p.retryAt <= now; });
    if (due != m_parked.end()) {
        batch.groups.push_back(Pending{std::move(due->keys), true});
        batch.parkedDelay = due->delay;
        m_parked.erase(due);
        return batch;
    }
    auto& queue = !m_changes.empty() ? m_changes : m_resync;
    std::size_t size = 0;
    while (!queue.empty()) {
        const Pending& next = queue.front();
        const bool fits = size + next.keys.size() <= m_target.maxRRsetsPerMessage && !next.alone;
        if (!batch.groups.empty() && !fits) break;
        size += next.keys.size();
        batch.groups.push_back(std::move(queue.front()));
        queue.pop_front();
        if (batch.groups.back().alone) break;
    }
    return batch;
}

void Forwarder::run() {
    std::unique_lock lock(m_mutex);
    auto delay = m_target.firstRetry;
    bool failing = false;
    for (;;) {
        auto now = std::chrono::steady_clock::now();
        if (m_stopping) {
            // Parked groups were refused: no point in trying them again at shutdown.
            if ((m_changes.empty() && m_resync.empty()) || now >= m_deadline) break;
        } else if (!sendable(now)) {
            const auto wake = [this] { return m_stopping || !m_changes.empty() || !m_resync.empty(); };
            if (m_parked.empty()) {
                m_wake.wait(lock, wake);
            } else {
                const auto next = std::min_element(m_parked.begin(), m_parked.end(),
                                                   [](const Parked& a, const Parked& b) { return a.retryAt < b.retryAt; });
                m_wake.wait_until(lock, next->retryAt, wake);
            }
            continue;
        }
        Batch batch = takeBatch(now);
        if (batch.groups.empty()) continue;
        lock.unlock();
        std::string why;
        const Result result = send(batch, why);
        lock.lock();
        if (result == Result::Accepted) {
            ++m_accepted;
            if (failing) logLine("forward: " + describe(m_target) + " answers again");
            if (batch.parkedDelay) {
                logLine("forward: " + describe(m_target) + " took the change to " +
                        batch.groups.front().keys.front().name.toString() + " it had refused");
            }
            failing = false;
            delay = m_target.firstRetry;
            continue;
        }
        ++m_failed;
        failing = failing || result == Result::Unreachable;
        handleFailure(std::move(batch), result, why, delay, lock);
    }
    if (const std::size_t left = queued(); left > 0) {
        logLine("forward: stopped with " + std::to_string(left) + " RRsets not yet accepted by " + describe(m_target) +
                " (the next start resyncs them)");
    }
}

void Forwarder::handleFailure(Batch batch, Result result, const std::string& why, std::chrono::milliseconds& delay,
                              std::unique_lock<std::mutex>& lock) {
    const std::string where = "forward: " + describe(m_target) + ": ";
    if (result == Result::Refused && batch.groups.size() > 1) {
        // One of the changes in it may be what the primary will not take: try each on its own.
        for (auto it = batch.groups.rbegin(); it != batch.groups.rend(); ++it) {
            it->alone = true;
            m_changes.push_front(std::move(*it));
        }
        logLine(where + why + "; sending its " + std::to_string(batch.groups.size()) + " changes one by one");
        return;
    }
    if (result == Result::Refused) {
        const auto retry = batch.parkedDelay ? std::min(*batch.parkedDelay * 2, m_target.retryMax) : m_target.firstRetry;
        logLine(where + why + " for " + batch.groups.front().keys.front().name.toString() + " and " +
                std::to_string(batch.groups.front().keys.size() - 1) + " more RRsets; next try in " +
                std::to_string(retry.count()) + " ms");
        m_parked.push_back(Parked{std::move(batch.groups.front().keys), std::chrono::steady_clock::now() + retry, retry});
        return;
    }
    // Unreachable: everything waits. The batch goes back first in line.
    if (batch.parkedDelay) {
        m_parked.push_back(Parked{std::move(batch.groups.front().keys), std::chrono::steady_clock::now() + *batch.parkedDelay,
                                  *batch.parkedDelay});
    } else {
        for (auto it = batch.groups.rbegin(); it != batch.groups.rend(); ++it) m_changes.push_front(std::move(*it));
    }
    if (m_stopping) return;  // no waiting at shutdown: the loop ends at the deadline
    logLine(where + why + "; " + std::to_string(queued()) + " RRsets wait, next try in " + std::to_string(delay.count()) +
            " ms");
    m_wake.wait_for(lock, delay, [this] { return m_stopping; });
    delay = std::min(delay * 2, m_target.retryMax);
}

Forwarder::Result Forwarder::send(const Batch& batch, std::string& why) {
    Group keys;
    std::unordered_set<RRsetKey, RRsetKeyHash> seen;
    for (const auto& group : batch.groups) {
        for (const auto& key : group.keys) {
            if (seen.insert(key).second) keys.push_back(key);
        }
    }
    const auto zone = m_zone.snapshot();
    const dns::Message message = buildForwardUpdate(m_target.zone, keys, *zone, dns::randomId());
    auto signedRequest = dns::signRequest(message, m_target.key, m_clock());
    if (!signedRequest) {
        why = "cannot sign: " + signedRequest.message();
        return Result::Unreachable;
    }
    const dns::QueryOptions options{m_target.timeout, 1};
    auto reply = dns::exchangeWire(m_target.server, signedRequest->message, signedRequest->wire, options);
    if (!reply) {
        why = "no answer: " + reply.message();
        return Result::Unreachable;
    }
    const auto check = dns::verifyResponse(reply->wire, *signedRequest, m_target.key, m_clock());
    const auto outcome = rfc2136::classifyResponse("update", reply->message.header.rcode, check);
    if (outcome.outcome == OutcomeClass::Updated) return Result::Accepted;
    why = "refused the update: " + outcome.code + " (" + outcome.detail + ")";
    // An answer that does not verify is not the primary's word: treat it like no answer.
    return outcome.outcome == OutcomeClass::RetryLater ? Result::Unreachable : Result::Refused;
}

}  // namespace qdyn::server
