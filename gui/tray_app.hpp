// TrayApp wires qdyn-tray together: the agent's controller, the tray icon and its menu, the
// notifier, the log, the profiles dialog, the About box and start-at-login. It decides nothing
// about DDNS itself; the controller and the notifier do.
#pragma once

#include <QObject>
#include <QPointer>
#include <QSettings>
#include <QTimer>
#include <memory>

#include "agent_controller.hpp"
#include "autostart.hpp"
#include "log_model.hpp"
#include "notifier.hpp"
#include "tray_icon.hpp"

namespace qdyn::gui {

class AboutDialog;
class LogWindow;
class ProfilesDialog;

class TrayApp : public QObject {
    Q_OBJECT

public:
    struct Options {
        AgentController::Options agent;
        TrayIcon::Options tray;
        NotifierPolicy notifier;
        // Where the app keeps its own preferences (paused); empty: QSettings' default for the app.
        QString settingsFile;
        // Start at login; empty: the platform's (tests pass one over a temporary folder).
        std::unique_ptr<Autostart> autostart;
    };

    explicit TrayApp(Options options, QObject* parent = nullptr);
    ~TrayApp() override;

    // Shows the tray (or its stand-in window) and starts the agent, paused if it was when the
    // app last ran.
    void start();

    void showProfiles();
    void showLog();
    void showAbout();
    void openConfigFolder();
    // Brings the app forward: what a second start of qdyn-tray asks for.
    void activate();

    [[nodiscard]] AgentController& controller() noexcept { return *m_controller; }
    [[nodiscard]] TrayIcon& tray() noexcept { return *m_tray; }
    [[nodiscard]] LogModel& log() noexcept { return m_log; }
    // Null until first shown.
    [[nodiscard]] ProfilesDialog* profilesDialog() const;
    [[nodiscard]] LogWindow* logWindow() const;

private:
    void refreshState();
    void onCycle(const agent::CycleReport& report);
    void setStartAtLogin(bool enabled);

    Options m_options;
    std::unique_ptr<QSettings> m_settings;
    LogModel m_log;
    Notifier m_notifier;
    std::unique_ptr<AgentController> m_controller;
    std::unique_ptr<TrayIcon> m_tray;
    QTimer m_tooltipTimer;
    // Windows: made on first use, kept (hidden when closed) so the log keeps its filter.
    QPointer<ProfilesDialog> m_profiles;
    QPointer<LogWindow> m_logWindow;
    QPointer<AboutDialog> m_about;
};

}  // namespace qdyn::gui
