// One qdyn-tray per user: the first start listens on a per-user local socket (a named pipe on
// Windows); a later start finds it there, asks it to show itself, and quits.
#pragma once

#include <QObject>
#include <QString>

class QLocalServer;

namespace qdyn::gui {

class SingleInstance : public QObject {
    Q_OBJECT

public:
    // `serverName` is a QLocalServer name or, on Unix, a socket path; tests pass a unique one.
    explicit SingleInstance(QString serverName = defaultServerName(), QObject* parent = nullptr);
    ~SingleInstance() override;

    // The name for the current user: a socket in the user's private runtime folder on Unix
    // (another user cannot squat it there), else a name made from a hash of the home folder.
    [[nodiscard]] static QString defaultServerName();

    // True when this is the only instance (it then listens for later starts). False when
    // another instance answered; it has then been asked to show itself. A socket left behind by
    // a crashed instance (nobody answers on it) is removed and taken over.
    bool tryBecomePrimary();
    [[nodiscard]] bool isPrimary() const { return m_primary; }
    [[nodiscard]] const QString& serverName() const { return m_serverName; }

signals:
    // A later start asked this (primary) instance to show itself.
    void activationRequested();

private:
    bool askPrimaryToShow();
    bool listen();
    void onNewConnection();

    QString m_serverName;
    QLocalServer* m_server = nullptr;
    bool m_primary = false;
};

}  // namespace qdyn::gui
