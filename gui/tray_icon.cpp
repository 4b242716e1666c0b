#include "tray_icon.hpp"

#include "app_icon.hpp"
#include "qdyn/version.hpp"

#include <QAction>
#include <QCoreApplication>
#include <QFont>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
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
  m_quitAction = m_menu->addAction(tr("&Quit"));
  m_quitAction->setMenuRole(QAction::QuitRole);
  // The app keeps running with no window open, so this is the one way out; it goes through
  // the application's quit so the event loop, not the process, ends and destructors run.
  connect(m_quitAction, &QAction::triggered, this, [] { QCoreApplication::quit(); });

  m_tray->setIcon(appIcon());
  m_tray->setToolTip(QStringLiteral("qdyn"));
  m_tray->setContextMenu(m_menu.get());

  m_retryTimer.setInterval(m_options.retryInterval);
  connect(&m_retryTimer, &QTimer::timeout, this, &TrayIcon::tryTray);
}

TrayIcon::~TrayIcon() = default;

void TrayIcon::start() {
  tryTray();
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

  auto* quitButton = new QPushButton(tr("&Quit"));
  quitButton->setObjectName(QStringLiteral("quitButton"));
  // Same action as the tray menu, so both ways out behave the same.
  connect(quitButton, &QPushButton::clicked, m_quitAction, &QAction::trigger);

  auto* text = new QVBoxLayout;
  text->addWidget(title);
  text->addWidget(explanation);

  auto* top = new QHBoxLayout;
  top->addWidget(iconLabel, 0, Qt::AlignTop);
  top->addLayout(text, 1);

  auto* buttons = new QHBoxLayout;
  buttons->addStretch(1);
  buttons->addWidget(quitButton);

  auto* layout = new QVBoxLayout(window.get());
  layout->addLayout(top);
  layout->addLayout(buttons);

  window->resize(360, window->sizeHint().height());
  return window;
}

}  // namespace qdyn::gui
