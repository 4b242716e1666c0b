#include "tray_app.hpp"

#include <QAction>
#include <QCoreApplication>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QListWidget>
#include <QUrl>
#include <iostream>

#include "about_dialog.hpp"
#include "keychain.hpp"
#include "log_window.hpp"
#include "settings/profiles_dialog.hpp"

namespace qdyn::gui {

namespace {

constexpr auto kPausedKey = "paused";

// Profiles whose password the profiles dialog put in the system keychain get it from there, on
// the agent's worker thread (a keychain may take a while to answer, or ask to be unlocked).
AgentController::Options withKeychain(AgentController::Options options) {
    if (!options.prepareProfiles) {
        options.prepareProfiles = [](config::ProfileSet& profiles, const AgentController::Options::LogFunction& log) {
            fillKeychainPasswords(profiles, log);
        };
    }
    return options;
}

void bringForward(QWidget* window) {
    window->show();
    window->raise();
    window->activateWindow();
}

}  // namespace

TrayApp::TrayApp(Options options, QObject* parent)
    : QObject(parent),
      m_options(std::move(options)),
      m_settings(m_options.settingsFile.isEmpty()
                     ? std::make_unique<QSettings>()
                     : std::make_unique<QSettings>(m_options.settingsFile, QSettings::IniFormat)),
      m_notifier(m_options.notifier),
      m_controller(std::make_unique<AgentController>(withKeychain(m_options.agent))),
      m_tray(std::make_unique<TrayIcon>(m_options.tray)) {
    if (!m_options.autostart) m_options.autostart = makeAutostart();

    connect(m_controller.get(), &AgentController::logLine, this, [this](agent::LogLevel level, const QString& text) {
        m_log.append(level, text);
        // Also on stderr: where a terminal, the journal (a user unit) or a test looks first.
        std::cerr << "qdyn-tray: " << LogModel::levelName(level).toLower().toStdString() << ": " << text.toStdString()
                  << '\n';
    });
    connect(m_controller.get(), &AgentController::stateChanged, this, &TrayApp::refreshState);
    connect(m_controller.get(), &AgentController::snapshotChanged, this, &TrayApp::refreshState);
    connect(m_controller.get(), &AgentController::cycleFinished, this, &TrayApp::onCycle);
    connect(m_controller.get(), &AgentController::pausedChanged, this, [this](bool paused) {
        m_tray->setPaused(paused);
        m_settings->setValue(QLatin1String(kPausedKey), paused);
    });

    connect(m_tray->updateNowAction(), &QAction::triggered, m_controller.get(), &AgentController::updateNow);
    connect(m_tray->pauseAction(), &QAction::toggled, m_controller.get(), &AgentController::setPaused);
    connect(m_tray->profilesAction(), &QAction::triggered, this, &TrayApp::showProfiles);
    connect(m_tray->logAction(), &QAction::triggered, this, &TrayApp::showLog);
    connect(m_tray->openConfigFolderAction(), &QAction::triggered, this, &TrayApp::openConfigFolder);
    connect(m_tray->startAtLoginAction(), &QAction::toggled, this, &TrayApp::setStartAtLogin);
    connect(m_tray->aboutAction(), &QAction::triggered, this, &TrayApp::showAbout);

    // "changed 5 min ago" ages: the tooltip is rebuilt each minute, not only after a cycle.
    m_tooltipTimer.setInterval(std::chrono::minutes(1));
    connect(&m_tooltipTimer, &QTimer::timeout, this, &TrayApp::refreshState);
}

TrayApp::~TrayApp() {
    // Top-level windows have no parent to delete them; the controller (and its running cycle)
    // goes last, through its own destructor.
    delete m_profiles.data();
    delete m_logWindow.data();
    delete m_about.data();
}

ProfilesDialog* TrayApp::profilesDialog() const {
    return m_profiles.data();
}

LogWindow* TrayApp::logWindow() const {
    return m_logWindow.data();
}

void TrayApp::start() {
    const bool paused = m_settings->value(QLatin1String(kPausedKey), false).toBool();
    m_tray->setPaused(paused);
    {
        const QSignalBlocker blocker(m_tray->startAtLoginAction());
        m_tray->startAtLoginAction()->setChecked(m_options.autostart->isEnabled());
    }
    refreshState();
    m_tray->start();
    m_controller->start(paused);
    m_tooltipTimer.start();
}

void TrayApp::refreshState() {
    const StatusSnapshot& snapshot = m_controller->snapshot();
    const TrayState state = m_controller->state();
    m_tray->showState(state, QString::fromStdString(headline(snapshot, state)),
                      QString::fromStdString(tooltipText(snapshot, state, std::chrono::system_clock::now())));
}

void TrayApp::onCycle(const agent::CycleReport& report) {
    for (const auto& notification : m_notifier.onCycle(report, std::chrono::system_clock::now())) {
        m_tray->notify(notification);
    }
}

void TrayApp::showProfiles() {
    if (m_profiles == nullptr) {
        m_profiles = new ProfilesDialog(m_controller->configPath());
        // The controller also sees the file change on disk; telling it saves the wait.
        connect(m_profiles, &ProfilesDialog::profilesChanged, m_controller.get(), &AgentController::reloadProfiles);
    } else if (!m_profiles->isVisible()) {
        m_profiles->reload();  // the CLI may have changed the file since the dialog was last open
    }
    // Open on a profile, not on an empty form: the first one, when none is chosen yet.
    QListWidget* list = m_profiles->profileList();
    if (list->currentItem() == nullptr && list->count() > 0) m_profiles->selectProfile(list->item(0)->text());
    bringForward(m_profiles);
}

void TrayApp::showLog() {
    if (m_logWindow == nullptr) {
        m_logWindow = new LogWindow(&m_log);
        m_logWindow->setWindowTitle(tr("Log"));
        m_logWindow->resize(760, 420);
    }
    bringForward(m_logWindow);
}

void TrayApp::showAbout() {
    if (m_about != nullptr) {
        bringForward(m_about);
        return;
    }
    AboutInfo info;
    info.configPath = QString::fromStdString(m_controller->configPath().string());
    m_about = showAboutDialog(info);
}

void TrayApp::openConfigFolder() {
    const QString folder = QFileInfo(QString::fromStdString(m_controller->configPath().string())).absolutePath();
    // The folder may not exist before the first profile is saved; a file manager cannot open
    // what is not there. Private: it will hold a profile file that may hold a password.
    if (!QFileInfo::exists(folder) && QDir().mkpath(folder)) {
        QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(folder))) {
        m_log.append(agent::LogLevel::Warning, tr("no file manager could open %1").arg(folder));
    }
}

void TrayApp::activate() {
    if (m_tray->isInTray()) {
        showProfiles();
    } else if (QWidget* window = m_tray->fallbackWindow()) {
        bringForward(window);
    }
}

void TrayApp::setStartAtLogin(bool enabled) {
    const auto executable = std::filesystem::path(QCoreApplication::applicationFilePath().toStdString());
    auto changed = m_options.autostart->setEnabled(enabled, executable);
    const QString where = QString::fromStdString(m_options.autostart->location());
    if (!changed) {
        m_log.append(agent::LogLevel::Error,
                     tr("start at login could not be changed: %1").arg(QString::fromStdString(changed.message())));
        const QSignalBlocker blocker(m_tray->startAtLoginAction());
        m_tray->startAtLoginAction()->setChecked(m_options.autostart->isEnabled());
        return;
    }
    m_log.append(agent::LogLevel::Info,
                 enabled ? tr("qdyn-tray starts at login (%1)").arg(where) : tr("qdyn-tray no longer starts at login"));
}

}  // namespace qdyn::gui
