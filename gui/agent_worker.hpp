// The AgentController's other half: owns the agent and the network monitor and runs every
// cycle on the worker thread. Everything here runs on that thread; results go back to the
// controller as queued calls.
#pragma once

#include <QObject>
#include <QTimer>
#include <memory>
#include <optional>
#include <string>

#include "agent_controller.hpp"
#include "qdyn/netmon/monitor.hpp"

namespace qdyn::gui {

class AgentWorker : public QObject {
    Q_OBJECT

public:
    AgentWorker(AgentController* controller, AgentController::Options options);
    ~AgentWorker() override;

    void start(bool paused);
    void requestCycle(agent::Trigger trigger);
    void setPaused(bool paused);
    void reload();
    // Stops the monitor and the timer; the thread ends after this returns.
    void shutdown();

private:
    void runQueued();
    void runCycle(agent::Trigger trigger);
    void scheduleNext();
    void onDue();
    void publishSnapshot();
    // Loads and prepares the profile file; on failure sets m_profileError and returns nullopt.
    std::optional<config::ProfileSet> load();
    void log(agent::LogLevel level, const std::string& text);

    AgentController* m_controller;  // outlives this: its destructor waits for the thread
    AgentController::Options m_options;
    std::unique_ptr<agent::Agent> m_agent;
    std::unique_ptr<netmon::NetworkMonitor> m_monitor;
    QTimer m_due{this};                       // a child, so it moves to the worker thread with this object
    std::optional<agent::Trigger> m_pending;  // a cycle requested and not yet run
    bool m_paused = false;
    std::string m_profileError;
};

}  // namespace qdyn::gui
