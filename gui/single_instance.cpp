// The single-instance guard (see single_instance.hpp). The exchange is one line, "activate\n",
// from the later start to the primary; the later start does not wait for an answer, so both may
// even live in one thread (as in the tests).
#include "single_instance.hpp"

#include <QCryptographicHash>
#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QStandardPaths>
#include <QTimer>
#include <QtGlobal>
#include <utility>

namespace qdyn::gui {
namespace {

constexpr char kActivate[] = "activate\n";
constexpr auto kActivateSize = static_cast<qint64>(sizeof(kActivate) - 1);
constexpr int kConnectTimeoutMs = 1000;
constexpr int kWriteTimeoutMs = 1000;
// A client that sends nothing useful is dropped after this; only ours should ever connect.
constexpr int kClientTimeoutMs = 5000;
constexpr qint64 kMaxLine = 64;

// A lock beside the socket, so two starts at once cannot both find the socket stale and then
// remove each other's. QLockFile notices a lock whose process died.
QString lockPathFor(const QString& serverName) {
    if (serverName.contains(QLatin1Char('/'))) return serverName + QStringLiteral(".lock");
    return QDir(QDir::tempPath()).filePath(serverName + QStringLiteral(".lock"));
}

}  // namespace

SingleInstance::SingleInstance(QString serverName, QObject* parent)
    : QObject(parent), m_serverName(std::move(serverName)) {}

SingleInstance::~SingleInstance() = default;  // the server (a child) closes and removes its socket

QString SingleInstance::defaultServerName() {
#if defined(Q_OS_UNIX)
    const QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (!runtime.isEmpty()) return QDir(runtime).filePath(QStringLiteral("qdyn-tray.instance"));
#endif
    const QByteArray user = QDir::homePath().toUtf8() + '\0' + qgetenv("USER") + qgetenv("USERNAME");
    const QByteArray hash = QCryptographicHash::hash(user, QCryptographicHash::Sha256).toHex().left(16);
    return QStringLiteral("qdyn-tray-") + QString::fromLatin1(hash);
}

bool SingleInstance::tryBecomePrimary() {
    if (m_primary) return true;
    QLockFile lock(lockPathFor(m_serverName));
    // Without the lock (an unwritable folder) the check below still works; only two starts in
    // the same instant could then both go on.
    const bool locked = lock.tryLock(kConnectTimeoutMs * 3);
    if (!locked) qWarning("qdyn-tray: cannot lock %s; going on without it", qPrintable(lock.fileName()));
    if (askPrimaryToShow()) return false;
    m_primary = true;
    if (!listen()) {
        // Still the only instance we know of: run, but later starts will not find this one.
        qWarning("qdyn-tray: cannot listen on %s: %s", qPrintable(m_serverName),
                 m_server != nullptr ? qPrintable(m_server->errorString()) : "no server");
    }
    return true;
}

bool SingleInstance::askPrimaryToShow() {
    QLocalSocket socket;
    socket.connectToServer(m_serverName);
    if (!socket.waitForConnected(kConnectTimeoutMs)) return false;  // nobody there, or a stale socket
    socket.write(kActivate, kActivateSize);
    if (!socket.waitForBytesWritten(kWriteTimeoutMs)) {
        qWarning("qdyn-tray: another instance runs but did not take the request to show itself");
    }
    socket.disconnectFromServer();
    return true;
}

bool SingleInstance::listen() {
    delete m_server;
    m_server = new QLocalServer(this);
    // Only this user may connect (the socket's mode on Unix, the pipe's ACL on Windows).
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::onNewConnection);
    // Nobody answered on the name a moment ago (and the lock keeps other starts waiting), so a
    // file still there is a crashed instance's socket; without this, listen() could fail on it.
    QLocalServer::removeServer(m_serverName);
    return m_server->listen(m_serverName);
}

void SingleInstance::onNewConnection() {
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > kMaxLine) socket->abort();
                return;
            }
            const QByteArray line = socket->readLine(kMaxLine);
            socket->disconnectFromServer();
            if (line == kActivate) emit activationRequested();
        });
        QTimer::singleShot(kClientTimeoutMs, socket, [socket] { socket->abort(); });
    }
}

}  // namespace qdyn::gui
