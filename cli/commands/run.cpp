// `qdyn run`: the long-running agent. A cycle at start, on every network change the monitor
// reports and at each profile's poll interval (or the end of a backoff); nothing wakes it in
// between but a signal or the systemd watchdog. SIGHUP reloads the profiles; SIGTERM and SIGINT
// let the running cycle finish, then exit. On Windows, `--service` runs the same loop under the
// Service Control Manager (service_host.hpp), whose stop and parameter-change requests take the
// place of the signals.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>

#include "agent_output.hpp"
#include "commands/command.hpp"
#include "qdyn/run_signals.hpp"
#include "commands/run_support.hpp"
#include "commands/service_notify.hpp"
#include "exit_codes.hpp"
#include "qdyn/netmon/monitor.hpp"
#include "service_host.hpp"

namespace qdyn::cli {

namespace {

// Wakes the loop: network reports, signals (run_signals.hpp) or the service manager, never a
// polling timer.
class Wakeups {
public:
    enum Flag : unsigned { kNetwork = 1, kReload = 2, kStop = 4 };
    void raise(Flag flag) {
        {
            std::lock_guard lock(m_mutex);
            m_flags |= flag;
        }
        m_cv.notify_all();
    }
    // The flags raised since the last call, waiting until `deadline` for one.
    unsigned wait(std::chrono::steady_clock::time_point deadline) {
        std::unique_lock lock(m_mutex);
        m_cv.wait_until(lock, deadline, [&] { return m_flags != 0; });
        return std::exchange(m_flags, 0U);
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    unsigned m_flags = 0;
};

class RunCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("run", "Run the agent: keep every profile's names up to date until stopped");
        addConfigOptions(*sub, m_paths);
        sub->add_flag("--syslog", m_syslog, "Log to syslog instead of stderr");
        sub->add_flag("--poll-network", m_pollNetwork,
                      "Watch the network by polling the interfaces instead of the OS's notifications");
#ifdef _WIN32
        sub->add_flag("--service", m_service,
                      "Run as the Windows service that 'qdyn service install' registers (log to the event log)");
#endif
        sub->footer("Signals: SIGHUP reloads the profile file (a broken file keeps the running profiles); SIGTERM or "
                    "SIGINT finishes the running update, then exits 0. Under systemd (Type=notify) it reports READY "
                    "and feeds the watchdog when WatchdogSec is set; stderr lines carry journal priorities.");
        return sub;
    }

    int run(Streams& io) override {
#ifdef _WIN32
        if (m_service) {
            auto ran = service::runAsService(service::kServiceName, [&](service::ServiceSession& session) {
                // What goes wrong before the loop logs (a broken profile file) is printed on the
                // error stream, which a service does not have: it goes to the event log as well.
                std::ostringstream early;
                Streams serviceIo{io.out, early};
                const int code = runAgent(serviceIo, &session);
                if (!early.str().empty()) {
                    ServiceLog eventLog(io.err, true);
                    std::istringstream lines(early.str());
                    for (std::string line; std::getline(lines, line);) eventLog.write(agent::LogLevel::Error, line);
                }
                return code;
            });
            if (!ran) {
                io.err << "qdyn: " << ran.message() << '\n';
                return kExitUsage;
            }
            return *ran;
        }
#endif
        return runAgent(io, nullptr);
    }

private:
    // The loop, under a console or systemd (`session` null) or the Windows service manager.
    int runAgent(Streams& io, service::ServiceSession* session) {
        auto profiles = loadSelectedProfiles(m_paths, {}, io);
        if (!profiles) return kExitUsage;
        // Under the service manager stderr goes nowhere: the lines go to the event log.
        ServiceLog log(io.err, m_syslog || session != nullptr);

        // Before any other thread starts: on POSIX the signals are blocked in every thread but
        // the one that waits for them. A service takes its requests from the manager instead (a
        // console handler would also see every user's logoff).
        // Shared: the service manager may still call in while this function returns.
        auto wakeups = std::make_shared<Wakeups>();
        std::optional<RunSignals> signals;
        if (session == nullptr) {
            signals.emplace([wakeups](RunSignal signal) {
                wakeups->raise(signal == RunSignal::Reload ? Wakeups::kReload : Wakeups::kStop);
            });
        } else {
            session->onStop([wakeups] { wakeups->raise(Wakeups::kStop); });
            session->onReload([wakeups] { wakeups->raise(Wakeups::kReload); });
        }

        agent::AgentOptions options = agentOptions(m_paths, io, false);
        options.log = [&log](agent::LogLevel level, std::string_view line) { log.write(level, line); };
        agent::Agent agent(std::move(*profiles), options);

        netmon::MonitorOptions monitorOptions;
        monitorOptions.forcePolling = m_pollNetwork;
        monitorOptions.log = [&log](std::string_view line) { log.write(agent::LogLevel::Info, line); };
        auto monitor = netmon::makeNetworkMonitor(monitorOptions);
        if (auto started = monitor->start([&wakeups](const netmon::NetworkReport&) { wakeups->raise(Wakeups::kNetwork); });
            !started) {
            log.write(agent::LogLevel::Warning, "no network monitor (" + started.message() + "); polling only");
        }

        ServiceNotifier notifier;
        // Running before the first cycle, not after it as for systemd: a cycle bounded by network
        // timeouts can outlast the manager's patience with a starting service.
        if (session != nullptr) session->running();
        runCycle(agent, agent::Trigger::Start, log);
        notifier.ready("qdyn agent running");
        for (;;) {
            const auto now = agent.clock().now();
            const auto due = std::chrono::steady_clock::now() +
                             std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                 std::max(agent.nextDue() - now, std::chrono::system_clock::duration::zero()));
            const unsigned flags = wakeups->wait(std::min(due, notifier.nextWatchdog()));
            notifier.watchdog();
            if ((flags & Wakeups::kStop) != 0) break;
            if ((flags & Wakeups::kReload) != 0) reload(agent, log, notifier);
            if ((flags & Wakeups::kNetwork) != 0) {
                runCycle(agent, agent::Trigger::NetworkChange, log);
            } else if (std::chrono::steady_clock::now() >= due || (flags & Wakeups::kReload) != 0) {
                runCycle(agent, agent::Trigger::Poll, log);
            }
        }
        notifier.stopping();
        if (session != nullptr) session->stopping();
        log.write(agent::LogLevel::Info, "stopping");
        monitor->stop();
        signals.reset();
        return kExitOk;
    }

    void runCycle(agent::Agent& agent, agent::Trigger trigger, ServiceLog& log) {
        const agent::CycleReport report = agent.cycle(trigger);
        for (const auto& host : report.hosts) {
            // A stop or a backoff is news once, when the agent starts; then only changes are.
            const bool repeat = host.action == agent::HostAction::Current ||
                                ((host.action == agent::HostAction::Stopped || host.action == agent::HostAction::BackingOff) &&
                                 trigger != agent::Trigger::Start);
            if (repeat) continue;
            std::ostringstream out;
            std::ostringstream err;
            printHostReport(host, OutputOptions{}, out, err);
            for (const auto* stream : {&out, &err}) {
                std::istringstream lines(stream->str());
                for (std::string line; std::getline(lines, line);) {
                    log.write(stream == &out ? agent::LogLevel::Info : agent::LogLevel::Warning, line);
                }
            }
        }
    }

    void reload(agent::Agent& agent, ServiceLog& log, ServiceNotifier& notifier) {
        notifier.reloading();
        auto profiles = config::loadProfiles(m_paths.configPath());
        if (!profiles) {
            log.write(agent::LogLevel::Error, "reload failed, keeping the running profiles: " + profiles.message());
        } else {
            log.write(agent::LogLevel::Info, "reloaded " + std::to_string(profiles->profiles.size()) + " profile(s) from " +
                                                 m_paths.configPath().string());
            agent.setProfiles(std::move(*profiles));
        }
        notifier.ready("qdyn agent running");
    }

    PathOptions m_paths;
    bool m_syslog = false;
    bool m_pollNetwork = false;
    bool m_service = false;  // Windows only (--service)
};

}  // namespace

std::unique_ptr<Command> makeRunCommand() { return std::make_unique<RunCommand>(); }

}  // namespace qdyn::cli
