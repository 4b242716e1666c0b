// AgentController runs qdyn's agent for the tray: on a worker thread, over the same profile file
// and state directory as the CLI, so a change made by one is seen by the other. Cycles start at
// launch, on a network change, when a poll or a backoff falls due, on Update now, and after the
// profile file changed on disk; the UI thread never waits for the network.
#pragma once

#include <QFileSystemWatcher>
#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>
#include <chrono>
#include <filesystem>
#include <functional>

#include "qdyn/agent/agent.hpp"
#include "tray_status.hpp"

namespace qdyn::gui {

class AgentWorker;

class AgentController : public QObject {
    Q_OBJECT

public:
    struct Options {
        std::filesystem::path configPath;  // empty: the CLI's default (config::defaultProfilePath())
        std::filesystem::path stateDir;    // empty: the CLI's default (agent::defaultStateDirectory())
        bool watchNetwork = true;          // start cycles on the OS's network-change notifications
        // Runs on the worker thread before the agent is built: tests swap the protocol, the
        // detection or the clock here.
        std::function<void(agent::AgentOptions&)> customizeAgent;
        // Runs on the worker thread on every profile set loaded, before the agent sees it:
        // where secrets kept outside the file (the OS keychain) are filled in.
        using LogFunction = std::function<void(agent::LogLevel, const std::string&)>;
        std::function<void(config::ProfileSet&, const LogFunction& log)> prepareProfiles;
        // A burst of writes to the profile file (an editor's save, an atomic replace) is read once.
        std::chrono::milliseconds reloadDelay{300};
    };

    explicit AgentController(Options options, QObject* parent = nullptr);
    // Lets a running cycle finish (an update in flight is never cut off), then stops the thread.
    ~AgentController() override;

    AgentController(const AgentController&) = delete;
    AgentController& operator=(const AgentController&) = delete;

    // Loads the profiles and, unless paused, runs the first cycle. Call once.
    void start(bool paused = false);

    // A cycle now, paused or not (the user asked for it); requests made while one runs are
    // folded into one cycle after it.
    void updateNow();
    // Paused: no cycle starts by itself (network, poll, backoff, file change). Resuming runs one.
    void setPaused(bool paused);
    // Re-reads the profile file; a broken file keeps the running profiles and is reported.
    void reloadProfiles();

    [[nodiscard]] bool isPaused() const noexcept { return m_paused; }
    [[nodiscard]] bool isUpdating() const noexcept { return m_updating; }
    [[nodiscard]] TrayState state() const { return trayState(m_snapshot, m_paused, m_updating); }
    [[nodiscard]] const StatusSnapshot& snapshot() const noexcept { return m_snapshot; }
    [[nodiscard]] const std::filesystem::path& configPath() const noexcept { return m_options.configPath; }
    [[nodiscard]] const std::filesystem::path& stateDir() const noexcept { return m_options.stateDir; }
    [[nodiscard]] int cyclesFinished() const noexcept { return m_cycles; }

signals:
    void stateChanged(qdyn::gui::TrayState state);
    void snapshotChanged();
    // After every cycle, with its report (for the notifier) and the new snapshot already in place.
    void cycleFinished(const qdyn::agent::CycleReport& report);
    void logLine(qdyn::agent::LogLevel level, const QString& text);
    void pausedChanged(bool paused);

private:
    friend class AgentWorker;  // posts its results through the functions below
    void onUpdating(bool updating);
    void onSnapshot(StatusSnapshot snapshot);
    void onCycle(const agent::CycleReport& report, StatusSnapshot snapshot);
    void onLog(agent::LogLevel level, const std::string& text);
    void watchProfileFile();
    [[nodiscard]] QString profileFileStamp() const;
    void emitStateIfChanged();

    Options m_options;
    QThread m_thread;
    AgentWorker* m_worker = nullptr;  // lives on m_thread, deleted there when it finishes
    QFileSystemWatcher m_watcher;
    QTimer m_reloadTimer;
    QString m_profileStamp;  // size and times of the profile file when last read
    StatusSnapshot m_snapshot;
    bool m_paused = false;
    bool m_updating = false;
    bool m_started = false;
    int m_cycles = 0;
    TrayState m_lastState = TrayState::Updating;
};

}  // namespace qdyn::gui
