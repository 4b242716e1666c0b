#include "agent_worker.hpp"

#include <algorithm>

#include "qdyn/agent/report_text.hpp"

namespace qdyn::gui {

namespace {

// Which of two waiting triggers a merged cycle reports: the user's click wins, then the network.
int rank(agent::Trigger trigger) {
    switch (trigger) {
        case agent::Trigger::Manual:
            return 3;
        case agent::Trigger::NetworkChange:
            return 2;
        case agent::Trigger::Start:
            return 1;
        case agent::Trigger::Poll:
            return 0;
    }
    return 0;
}

// The longest the due timer sleeps before it looks at the clock again: a poll days away is
// still met after a suspend that froze the monotonic clock.
constexpr std::chrono::minutes kLongestSleep{10};

}  // namespace

AgentWorker::AgentWorker(AgentController* controller, AgentController::Options options)
    : m_controller(controller), m_options(std::move(options)) {
    m_due.setSingleShot(true);
    connect(&m_due, &QTimer::timeout, this, &AgentWorker::onDue);
}

AgentWorker::~AgentWorker() {
    shutdown();
}

void AgentWorker::log(agent::LogLevel level, const std::string& text) {
    QMetaObject::invokeMethod(
        m_controller, [c = m_controller, level, text] { c->onLog(level, text); }, Qt::QueuedConnection);
}

std::optional<config::ProfileSet> AgentWorker::load() {
    std::error_code error;
    if (!std::filesystem::exists(m_options.configPath, error) && !error) {
        // The first launch: no profile yet is a state to show ("add one"), not an error.
        m_profileError.clear();
        log(agent::LogLevel::Info,
            "no profile file yet at " + m_options.configPath.string() + ": add a profile under Profiles...");
        config::ProfileSet none;
        none.path = m_options.configPath;
        return none;
    }
    auto loaded = config::loadProfiles(m_options.configPath);
    if (!loaded) {
        m_profileError = loaded.message();
        log(agent::LogLevel::Error, m_profileError);
        return std::nullopt;
    }
    m_profileError.clear();
    if (m_options.prepareProfiles) {
        m_options.prepareProfiles(*loaded,
                                  [this](agent::LogLevel level, const std::string& line) { log(level, line); });
    }
    return std::move(*loaded);
}

void AgentWorker::start(bool paused) {
    m_paused = paused;
    agent::AgentOptions options;
    options.stateDir = m_options.stateDir;
    options.log = [this](agent::LogLevel level, std::string_view line) {
        if (level != agent::LogLevel::Debug) log(level, std::string(line));
    };
    if (m_options.customizeAgent) m_options.customizeAgent(options);

    config::ProfileSet profiles;
    profiles.path = m_options.configPath;
    if (auto loaded = load()) {
        profiles = std::move(*loaded);
        if (!profiles.profiles.empty()) {
            log(agent::LogLevel::Info, "loaded " + std::to_string(profiles.profiles.size()) + " profile(s) from " +
                                           m_options.configPath.string());
        }
    }
    m_agent = std::make_unique<agent::Agent>(std::move(profiles), std::move(options));
    publishSnapshot();

    if (m_options.watchNetwork) {
        netmon::MonitorOptions monitorOptions;
        monitorOptions.log = [this](std::string_view line) { log(agent::LogLevel::Info, std::string(line)); };
        m_monitor = netmon::makeNetworkMonitor(monitorOptions);
        auto started = m_monitor->start([this](const netmon::NetworkReport& report) {
            const std::string what = report.changes.empty() ? "network change" : toString(report.changes.front());
            QMetaObject::invokeMethod(
                this,
                [this, what] {
                    log(agent::LogLevel::Info, "network: " + what);
                    requestCycle(agent::Trigger::NetworkChange);
                },
                Qt::QueuedConnection);
        });
        if (!started) log(agent::LogLevel::Warning, "no network monitor (" + started.message() + "); polling only");
    }
    if (m_paused) {
        log(agent::LogLevel::Info, "paused: no update until resumed");
    } else {
        requestCycle(agent::Trigger::Start);
    }
}

void AgentWorker::requestCycle(agent::Trigger trigger) {
    if (m_paused && trigger != agent::Trigger::Manual) return;
    const bool queued = m_pending.has_value();
    if (!queued || rank(trigger) > rank(*m_pending)) m_pending = trigger;
    // Requests that arrive while a cycle runs wait in the event queue and fold into one here.
    if (!queued)
        QMetaObject::invokeMethod(
            this, [this] { runQueued(); }, Qt::QueuedConnection);
}

void AgentWorker::runQueued() {
    if (!m_pending || !m_agent) return;
    const agent::Trigger trigger = *m_pending;
    m_pending.reset();
    runCycle(trigger);
}

void AgentWorker::runCycle(agent::Trigger trigger) {
    m_due.stop();
    QMetaObject::invokeMethod(
        m_controller, [c = m_controller] { c->onUpdating(true); }, Qt::QueuedConnection);
    agent::CycleOptions options;
    // Update now means send now: the user may know the record was changed behind qdyn's back.
    // Stops still hold (the agent never sends despite one).
    options.force = trigger == agent::Trigger::Manual;
    const agent::CycleReport report = m_agent->cycle(trigger, options);
    for (const auto& note : report.notes)
        log(agent::LogLevel::Warning, note);
    for (const auto& host : report.hosts)
        for (const auto& line : agent::describeHost(host)) log(line.level, line.text);
    StatusSnapshot snapshot = makeSnapshot(m_agent->profiles(), m_options.stateDir, &report);
    snapshot.profileError = m_profileError;
    QMetaObject::invokeMethod(
        m_controller,
        [c = m_controller, report, snapshot = std::move(snapshot)]() mutable {
            c->onCycle(report, std::move(snapshot));
            c->onUpdating(false);
        },
        Qt::QueuedConnection);
    scheduleNext();
}

void AgentWorker::scheduleNext() {
    if (m_paused || !m_agent) return;
    const auto wait = std::clamp(m_agent->nextDue() - m_agent->clock().now(),
                                 std::chrono::system_clock::duration(std::chrono::seconds(1)),
                                 std::chrono::system_clock::duration(kLongestSleep));
    m_due.start(std::chrono::duration_cast<std::chrono::milliseconds>(wait));
}

void AgentWorker::onDue() {
    if (m_agent->clock().now() >= m_agent->nextDue()) {
        requestCycle(agent::Trigger::Poll);
    } else {
        scheduleNext();
    }
}

void AgentWorker::setPaused(bool paused) {
    if (paused == m_paused) return;
    m_paused = paused;
    if (paused) {
        m_due.stop();
        m_pending.reset();
        log(agent::LogLevel::Info, "paused: no update until resumed");
        return;
    }
    log(agent::LogLevel::Info, "resumed");
    // Whatever happened while paused (a network change, a poll) is caught up at once.
    requestCycle(agent::Trigger::Poll);
}

void AgentWorker::reload() {
    if (!m_agent) return;
    auto loaded = load();
    if (!loaded) {
        log(agent::LogLevel::Error, "keeping the running profiles");
        publishSnapshot();
        return;
    }
    log(agent::LogLevel::Info,
        "reloaded " + std::to_string(loaded->profiles.size()) + " profile(s) from " + m_options.configPath.string());
    m_agent->setProfiles(std::move(*loaded));
    publishSnapshot();
    requestCycle(agent::Trigger::Poll);
}

void AgentWorker::publishSnapshot() {
    StatusSnapshot snapshot = makeSnapshot(m_agent->profiles(), m_options.stateDir, nullptr);
    snapshot.profileError = m_profileError;
    QMetaObject::invokeMethod(
        m_controller,
        [c = m_controller, snapshot = std::move(snapshot)]() mutable { c->onSnapshot(std::move(snapshot)); },
        Qt::QueuedConnection);
}

void AgentWorker::shutdown() {
    m_due.stop();
    if (m_monitor) {
        m_monitor->stop();
        m_monitor.reset();
    }
}

}  // namespace qdyn::gui
