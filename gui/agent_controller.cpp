#include "agent_controller.hpp"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include "agent_worker.hpp"
#include "qdyn/agent/state_store.hpp"

namespace qdyn::gui {

namespace {

QString qText(const std::filesystem::path& path) {
    return QString::fromStdString(path.string());
}

}  // namespace

AgentController::AgentController(Options options, QObject* parent) : QObject(parent), m_options(std::move(options)) {
    if (m_options.configPath.empty()) m_options.configPath = config::defaultProfilePath();
    if (m_options.stateDir.empty()) m_options.stateDir = agent::defaultStateDirectory();
    m_snapshot.profilePath = m_options.configPath;

    m_worker = new AgentWorker(this, m_options);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.setObjectName(QStringLiteral("qdyn-agent"));

    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(m_options.reloadDelay);
    connect(&m_reloadTimer, &QTimer::timeout, this, &AgentController::reloadProfiles);
    // Editors and `qdyn profile add` replace the file (write a temporary, rename it over), which
    // ends a watch on the file itself: the directory is watched too, and the file re-added.
    const auto onChange = [this] {
        watchProfileFile();
        // The folder also holds other files (the tray's own settings): only the profile file counts.
        const QString stamp = profileFileStamp();
        if (stamp == m_profileStamp) return;
        m_profileStamp = stamp;
        m_reloadTimer.start();
    };
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, onChange);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, onChange);
}

AgentController::~AgentController() {
    if (m_thread.isRunning()) {
        // Queued behind a running cycle, so an update in flight completes first.
        QMetaObject::invokeMethod(
            m_worker, [w = m_worker] { w->shutdown(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    } else {
        delete m_worker;
    }
}

void AgentController::start(bool paused) {
    if (m_started) return;
    m_started = true;
    m_paused = paused;
    m_profileStamp = profileFileStamp();
    watchProfileFile();
    m_thread.start();
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, paused] { w->start(paused); }, Qt::QueuedConnection);
    emitStateIfChanged();
}

QString AgentController::profileFileStamp() const {
    const QFileInfo info(qText(m_options.configPath));
    if (!info.exists()) return QStringLiteral("none");
    // A rename over the file changes its status-change time even when size and mtime match.
    return QStringLiteral("%1 %2 %3")
        .arg(info.size())
        .arg(info.lastModified().toMSecsSinceEpoch())
        .arg(info.metadataChangeTime().toMSecsSinceEpoch());
}

void AgentController::watchProfileFile() {
    const QString file = qText(m_options.configPath);
    const QString dir = QFileInfo(file).absolutePath();
    // The directory may not exist yet (no profile added); then its parent is watched so its
    // creation is seen. Re-adding a watched path is harmless but warns, so check first.
    if (QFileInfo::exists(file) && !m_watcher.files().contains(file)) m_watcher.addPath(file);
    const QString watchedDir = QFileInfo::exists(dir) ? dir : QFileInfo(dir).absolutePath();
    if (QFileInfo::exists(watchedDir) && !m_watcher.directories().contains(watchedDir)) m_watcher.addPath(watchedDir);
}

void AgentController::updateNow() {
    if (!m_started) return;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->requestCycle(agent::Trigger::Manual); }, Qt::QueuedConnection);
}

void AgentController::setPaused(bool paused) {
    if (paused == m_paused) return;
    m_paused = paused;
    if (m_started) {
        QMetaObject::invokeMethod(
            m_worker, [w = m_worker, paused] { w->setPaused(paused); }, Qt::QueuedConnection);
    }
    emit pausedChanged(paused);
    emitStateIfChanged();
}

void AgentController::reloadProfiles() {
    if (!m_started) return;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->reload(); }, Qt::QueuedConnection);
}

void AgentController::onUpdating(bool updating) {
    m_updating = updating;
    emitStateIfChanged();
}

void AgentController::onSnapshot(StatusSnapshot snapshot) {
    m_snapshot = std::move(snapshot);
    emit snapshotChanged();
    emitStateIfChanged();
}

void AgentController::onCycle(const agent::CycleReport& report, StatusSnapshot snapshot) {
    ++m_cycles;
    m_snapshot = std::move(snapshot);
    emit snapshotChanged();
    emit cycleFinished(report);
    emitStateIfChanged();
}

void AgentController::onLog(agent::LogLevel level, const std::string& text) {
    emit logLine(level, QString::fromStdString(text));
}

void AgentController::emitStateIfChanged() {
    const TrayState now = state();
    if (now == m_lastState) return;
    m_lastState = now;
    emit stateChanged(now);
}

}  // namespace qdyn::gui
