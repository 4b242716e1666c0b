#include "tray_icon.hpp"

#include "app_icon.hpp"
#include "qdyn/version.hpp"

#include <QAction>
#include <QCoreApplication>
#include <QCursor>
#include <QFont>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSignalBlocker>
#include <QString>
#include <QSystemTrayIcon>
#include <QVBoxLayout>
#include <QWidget>

#include <utility>

namespace qdyn::gui {

namespace {

QString versionLine() {
  return QStringLiteral("qdyn %1").arg(QString::fromLatin1(qdyn::kVersion));
}

}  // namespace

TrayIcon::TrayIcon(QObject* parent) : TrayIcon(Options{}, parent) {}

TrayIcon::TrayIcon(Options options, QObject* parent)
    : QObject(parent),
      m_options(std::move(options)),
      m_menu(std::make_unique<QMenu>()),
      m_tray(std::make_unique<QSystemTrayIcon>()) {
  if (!m_options.trayAvailable) {
    m_options.trayAvailable = [] { return QSystemTrayIcon::isSystemTrayAvailable(); };
  }

  // A status line, not a command: disabled so it reads as information in every platform style.
  m_statusAction = m_menu->addAction(versionLine());
  m_statusAction->setEnabled(false);
  m_menu->addSeparator();
  m_updateNowAction = m_menu->addAction(tr("&Update now"));
  m_pauseAction = m_menu->addAction(tr("&Pause updates"));
  m_pauseAction->setCheckable(true);
  m_menu->addSeparator();
  m_profilesAction = m_menu->addAction(tr("P&rofiles..."));
  m_profilesAction->setMenuRole(QAction::PreferencesRole);
  m_logAction = m_menu->addAction(tr("&Log..."));
  m_openConfigFolderAction = m_menu->addAction(tr("Open &config folder"));
  m_startAtLoginAction = m_menu->addAction(tr("Start at lo&gin"));
  m_startAtLoginAction->setCheckable(true);
  m_menu->addSeparator();
  m_aboutAction = m_menu->addAction(tr("&About qdyn"));
  m_aboutAction->setMenuRole(QAction::AboutRole);
  m_quitAction = m_menu->addAction(tr("&Quit"));
  m_quitAction->setMenuRole(QAction::QuitRole);
  // The app keeps running with no window open, so this is the one way out; it goes through
  // the application's quit so the event loop, not the process, ends and destructors run.
  connect(m_quitAction, &QAction::triggered, this, [] { QCoreApplication::quit(); });

  m_tray->setIcon(appIcon());
  m_tray->setToolTip(QStringLiteral("qdyn"));
  m_tray->setContextMenu(m_menu.get());
#ifndef Q_OS_MACOS
  // A left click opens the menu too (macOS does so by itself): on Windows a click that does
  // nothing reads as a broken icon.
  connect(m_tray.get(), &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
    if (reason == QSystemTrayIcon::Trigger) m_menu->popup(QCursor::pos());
  });
#endif

  m_retryTimer.setInterval(m_options.retryInterval);
  connect(&m_retryTimer, &QTimer::timeout, this, &TrayIcon::tryTray);
}

TrayIcon::~TrayIcon() = default;

void TrayIcon::start() {
  tryTray();
}

void TrayIcon::showState(TrayState state, const QString& headline, const QString& tooltip) {
  m_state = state;
  m_headline = headline;
  m_tray->setIcon(stateIcon(state));
  m_tray->setToolTip(tooltip);
  m_statusAction->setText(headline);
  if (m_fallbackStatus != nullptr) m_fallbackStatus->setText(headline);
}

QString TrayIcon::toolTip() const {
  return m_tray->toolTip();
}

void TrayIcon::setPaused(bool paused) {
  const QSignalBlocker blocker(m_pauseAction);
  m_pauseAction->setChecked(paused);
}

void TrayIcon::notify(const Notification& notification) {
  const QString title = QString::fromStdString(notification.title);
  const QString body = QString::fromStdString(notification.body);
  if (m_inTray && QSystemTrayIcon::supportsMessages()) {
    const auto icon = notification.severity == Notification::Severity::Critical ? QSystemTrayIcon::Critical
                      : notification.severity == Notification::Severity::Warning ? QSystemTrayIcon::Warning
                                                                                  : QSystemTrayIcon::Information;
    m_tray->showMessage(title, body, icon, 10000);
    return;
  }
  if (m_fallbackNotice != nullptr) m_fallbackNotice->setText(title + QStringLiteral(": ") + body);
}

void TrayIcon::tryTray() {
  if (m_inTray) {
    return;
  }
  if (m_options.trayAvailable()) {
    m_retryTimer.stop();
    m_tray->show();
    m_inTray = true;
    if (m_fallbackWindow) {
      m_fallbackWindow->hide();
    }
    emit trayModeChanged(true);
    return;
  }
  // Show the window once, not on every retry: a user who closed it does not want it back
  // every few seconds; the app stays reachable through the tray as soon as one appears.
  if (!m_fallbackWindow) {
    showFallbackWindow();
    emit trayModeChanged(false);
  }
  if (!m_retryTimer.isActive()) {
    m_retryTimer.start();
  }
}

void TrayIcon::showFallbackWindow() {
  if (!m_fallbackWindow) {
    m_fallbackWindow = makeFallbackWindow();
  }
  m_fallbackWindow->show();
  m_fallbackWindow->raise();
}

std::unique_ptr<QWidget> TrayIcon::makeFallbackWindow() {
  auto window = std::make_unique<QWidget>();
  window->setObjectName(QStringLiteral("qdynFallbackWindow"));
  window->setWindowTitle(QStringLiteral("qdyn"));
  const QIcon icon = appIcon();
  window->setWindowIcon(icon);

  // Children are parented by the layouts, so the window owns and deletes them.
  auto* iconLabel = new QLabel;
  iconLabel->setPixmap(icon.pixmap(48, 48));

  auto* title = new QLabel(versionLine());
  title->setObjectName(QStringLiteral("versionLabel"));
  QFont titleFont = title->font();
  titleFont.setBold(true);
  title->setFont(titleFont);

  auto* explanation =
      new QLabel(tr("No system tray was found. qdyn keeps running and moves to the tray as "
                    "soon as one appears."));
  explanation->setWordWrap(true);

  m_fallbackStatus = new QLabel(m_headline);
  m_fallbackStatus->setObjectName(QStringLiteral("statusLabel"));
  m_fallbackStatus->setWordWrap(true);
  // The last notification, apart from the status line, which every change of state rewrites.
  m_fallbackNotice = new QLabel;
  m_fallbackNotice->setObjectName(QStringLiteral("noticeLabel"));
  m_fallbackNotice->setWordWrap(true);

  // The menu's commands, reachable without a tray.
  auto* menuButton = new QPushButton(tr("&Menu"));
  menuButton->setObjectName(QStringLiteral("menuButton"));
  menuButton->setMenu(m_menu.get());

  auto* quitButton = new QPushButton(tr("&Quit"));
  quitButton->setObjectName(QStringLiteral("quitButton"));
  // Same action as the tray menu, so both ways out behave the same.
  connect(quitButton, &QPushButton::clicked, m_quitAction, &QAction::trigger);

  auto* text = new QVBoxLayout;
  text->addWidget(title);
  text->addWidget(explanation);
  text->addWidget(m_fallbackStatus);
  text->addWidget(m_fallbackNotice);

  auto* top = new QHBoxLayout;
  top->addWidget(iconLabel, 0, Qt::AlignTop);
  top->addLayout(text, 1);

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(menuButton);
  buttons->addStretch(1);
  buttons->addWidget(quitButton);

  auto* layout = new QVBoxLayout(window.get());
  layout->addLayout(top);
  layout->addLayout(buttons);

  window->resize(360, window->sizeHint().height());
  return window;
}

}  // namespace qdyn::gui
