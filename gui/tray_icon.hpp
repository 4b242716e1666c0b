// The tray presence of qdyn-tray: the icon (its face shows the state), the tooltip, the context
// menu, the desktop notifications, and a small window that stands in for the icon while the
// desktop has no system tray. It only presents; it holds no DDNS policy (TrayApp wires it up).
#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>

#include "notifier.hpp"
#include "tray_status.hpp"

class QAction;
class QLabel;
class QMenu;
class QSystemTrayIcon;
class QWidget;

namespace qdyn::gui {

class TrayIcon : public QObject {
  Q_OBJECT

public:
  struct Options {
    // How often to look for a tray again while there is none. Trays appear late at login
    // (the panel starts after autostart apps) and come back after a panel restart.
    std::chrono::milliseconds retryInterval{std::chrono::seconds(3)};
    // Whether a tray is available now; empty means QSystemTrayIcon::isSystemTrayAvailable().
    // Tests replace it to make a tray "appear".
    std::function<bool()> trayAvailable;
  };

  explicit TrayIcon(QObject* parent = nullptr);
  explicit TrayIcon(Options options, QObject* parent = nullptr);
  ~TrayIcon() override;

  TrayIcon(const TrayIcon&) = delete;
  TrayIcon& operator=(const TrayIcon&) = delete;

  // Shows the tray icon, or the fallback window and the retry timer when there is no tray.
  // Separate from the constructor so callers can connect to trayModeChanged first.
  void start();

  // Shows a state: the icon's face, the tooltip, the menu's first line and the fallback window.
  void showState(TrayState state, const QString& headline, const QString& tooltip);
  // A desktop notification (a balloon on Windows, the notification service elsewhere); with no
  // tray, the fallback window's status line shows it instead.
  void notify(const Notification& notification);
  // Reflects the controller's pause in the menu without triggering it.
  void setPaused(bool paused);

  [[nodiscard]] TrayState shownState() const { return m_state; }
  [[nodiscard]] QString toolTip() const;

  QMenu* menu() const { return m_menu.get(); }
  QAction* statusAction() const { return m_statusAction; }
  QAction* updateNowAction() const { return m_updateNowAction; }
  QAction* pauseAction() const { return m_pauseAction; }
  QAction* profilesAction() const { return m_profilesAction; }
  QAction* logAction() const { return m_logAction; }
  QAction* openConfigFolderAction() const { return m_openConfigFolderAction; }
  QAction* startAtLoginAction() const { return m_startAtLoginAction; }
  QAction* aboutAction() const { return m_aboutAction; }
  QAction* quitAction() const { return m_quitAction; }
  const QSystemTrayIcon* systemTrayIcon() const { return m_tray.get(); }
  // Null until the first time no tray was found.
  QWidget* fallbackWindow() const { return m_fallbackWindow.get(); }
  bool isInTray() const { return m_inTray; }
  bool isRetrying() const { return m_retryTimer.isActive(); }

signals:
  void trayModeChanged(bool inTray);

private:
  void tryTray();
  void showFallbackWindow();
  std::unique_ptr<QWidget> makeFallbackWindow();

  Options m_options;
  // Declared before m_tray so the tray, which points at the menu, is destroyed first.
  std::unique_ptr<QMenu> m_menu;
  std::unique_ptr<QSystemTrayIcon> m_tray;
  std::unique_ptr<QWidget> m_fallbackWindow;
  // Owned by m_menu.
  QAction* m_statusAction = nullptr;
  QAction* m_updateNowAction = nullptr;
  QAction* m_pauseAction = nullptr;
  QAction* m_profilesAction = nullptr;
  QAction* m_logAction = nullptr;
  QAction* m_openConfigFolderAction = nullptr;
  QAction* m_startAtLoginAction = nullptr;
  QAction* m_aboutAction = nullptr;
  QAction* m_quitAction = nullptr;
  QLabel* m_fallbackStatus = nullptr;  // owned by m_fallbackWindow
  QLabel* m_fallbackNotice = nullptr;  // owned by m_fallbackWindow
  TrayState m_state = TrayState::Updating;
  QString m_headline;
  QTimer m_retryTimer;
  bool m_inTray = false;
};

}  // namespace qdyn::gui
