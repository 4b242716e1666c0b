// The tray presence of qdyn-tray: the icon, its context menu, and a small window that stands in
// for the icon while the desktop has no system tray. It only presents; it holds no DDNS policy.
#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>

class QAction;
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

  QMenu* menu() const { return m_menu.get(); }
  QAction* statusAction() const { return m_statusAction; }
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
  QAction* m_statusAction = nullptr;  // owned by m_menu
  QAction* m_quitAction = nullptr;    // owned by m_menu
  QTimer m_retryTimer;
  bool m_inTray = false;
};

}  // namespace qdyn::gui
