// The NetworkMonitor every platform shares: one change source (the platform's, or polling),
// a debouncer, and wake detection, on one engine thread that delivers reports.
#include "qdyn/netmon/monitor.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "change_source.hpp"
#include "debouncer.hpp"
#include "poll_monitor.hpp"
#include "wake_detector.hpp"

namespace qdyn::netmon {

namespace {

// Reports nobody has waited for yet; beyond this the newest are merged into the last one.
constexpr std::size_t kMaxQueuedReports = 16;

void merge(NetworkReport& into, NetworkReport&& from) {
    into.total += from.total;
    for (auto& change : from.changes) {
        if (into.changes.size() >= NetworkReport::kMaxChangesPerReport) break;
        into.changes.push_back(std::move(change));
    }
}

class Monitor final : public NetworkMonitor, private ChangeSink {
public:
    Monitor(MonitorOptions options, std::unique_ptr<ChangeSource> source)
        : m_options(std::move(options)),
          m_injected(std::move(source)),
          m_debouncer(m_options.debounceWindow, m_options.maxCoalesce) {}
    ~Monitor() override { stop(); }

    Result<void> start(ReportCallback callback) override {
        if (m_engine.joinable()) return makeError("network monitor already started");
        m_callback = std::move(callback);
        {
            const std::lock_guard lock(m_mutex);
            m_stopping = false;
        }
        if (auto started = startSource(); !started) return started;
        m_engine = std::thread([this] { runEngine(); });
        return {};
    }

    void stop() override {
        if (m_source) m_source->stop();  // no push() after this
        {
            const std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_changed.notify_all();
        m_reported.notify_all();
        if (m_engine.joinable()) m_engine.join();
    }

    std::optional<NetworkReport> waitForChange(std::chrono::milliseconds timeout) override {
        std::unique_lock lock(m_mutex);
        m_reported.wait_for(lock, timeout, [this] { return m_stopping || !m_reports.empty(); });
        if (m_reports.empty()) return std::nullopt;
        NetworkReport report = std::move(m_reports.front());
        m_reports.pop_front();
        return report;
    }

    [[nodiscard]] std::string backend() const override {
        return m_source ? std::string(m_source->name()) : std::string();
    }
    [[nodiscard]] std::string fallbackReason() const override { return m_fallbackReason; }

private:
    void log(const std::string& line) const {
        if (m_options.log) m_options.log(line);
    }

    Result<void> startSource() {
        if (m_options.forcePolling) {
            m_fallbackReason = "polling forced by the options";
        } else if (auto platform = m_injected ? std::move(m_injected) : makePlatformSource(m_options); !platform) {
            m_fallbackReason = "no change notifications on this platform";
        } else if (auto started = platform->start(*this); !started) {
            m_fallbackReason = std::string(platform->name()) + " could not start: " + started.message();
        } else {
            m_source = std::move(platform);
            log("network monitor: " + std::string(m_source->name()));
            return {};
        }
        auto poll = std::make_unique<PollSource>(m_options.pollInterval);
        if (auto started = poll->start(*this); !started) {
            return makeError("network monitor: " + m_fallbackReason +
                             "; polling could not start: " + started.message());
        }
        m_source = std::move(poll);
        log("network monitor: polling every " + std::to_string(m_options.pollInterval.count()) + " ms (" +
            m_fallbackReason + ")");
        return {};
    }

    void push(NetworkChange change) override {
        {
            const std::lock_guard lock(m_mutex);
            m_debouncer.add(std::move(change), Debouncer::Clock::now());
        }
        m_changed.notify_all();
    }

    void runEngine() {
        std::optional<WakeDetector> wake;
        auto nextWakeTick = Debouncer::Clock::now() + m_options.wakeTick;
        // A source told by the OS about clock jumps (Linux: a cancel-on-set timerfd) makes the
        // tick unnecessary, so an idle agent is not woken every few seconds.
        const bool sourceReportsWake = m_source && m_source->reportsWake();
        if (m_options.detectWake && !sourceReportsWake) wake.emplace(m_options.wakeTick, m_options.wakeThreshold);

        std::unique_lock lock(m_mutex);
        while (!m_stopping) {
            // Without wake detection the engine still wakes hourly: no far-future time arithmetic.
            auto deadline = wake ? nextWakeTick : Debouncer::Clock::now() + std::chrono::hours{1};
            if (const auto due = m_debouncer.nextDeadline(); due && *due < deadline) deadline = *due;
            // A change pushed meanwhile may bring a report due before `deadline`: wake up and
            // compute the deadline again instead of sleeping through it.
            m_changed.wait_until(lock, deadline, [&] {
                const auto due = m_debouncer.nextDeadline();
                return m_stopping || (due && *due < deadline);
            });
            if (m_stopping) break;
            const auto now = Debouncer::Clock::now();
            if (wake && now >= nextWakeTick) {
                nextWakeTick = now + m_options.wakeTick;
                if (auto woke = wake->tick()) m_debouncer.add(std::move(*woke), now);
            }
            if (auto report = m_debouncer.take(now)) deliver(std::move(*report), lock);
        }
    }

    // Called with the lock held; the callback runs without it so it may call waitForChange or
    // take its time without blocking the sources.
    void deliver(NetworkReport report, std::unique_lock<std::mutex>& lock) {
        if (m_callback) {
            lock.unlock();
            m_callback(report);
            lock.lock();
            return;
        }
        if (m_reports.size() >= kMaxQueuedReports) {
            merge(m_reports.back(), std::move(report));
        } else {
            m_reports.push_back(std::move(report));
        }
        m_reported.notify_all();
    }

    MonitorOptions m_options;
    ReportCallback m_callback;
    std::unique_ptr<ChangeSource> m_injected;  // tests: used instead of the platform's source
    std::unique_ptr<ChangeSource> m_source;
    std::string m_fallbackReason;
    std::thread m_engine;

    std::mutex m_mutex;  // guards everything below
    std::condition_variable m_changed;
    std::condition_variable m_reported;
    Debouncer m_debouncer;
    std::deque<NetworkReport> m_reports;
    bool m_stopping = false;
};

}  // namespace

std::unique_ptr<NetworkMonitor> makeNetworkMonitor(MonitorOptions options) {
    return std::make_unique<Monitor>(std::move(options), nullptr);
}

std::unique_ptr<NetworkMonitor> makeNetworkMonitorWithSource(MonitorOptions options,
                                                             std::unique_ptr<ChangeSource> source) {
    return std::make_unique<Monitor>(std::move(options), std::move(source));
}

}  // namespace qdyn::netmon
