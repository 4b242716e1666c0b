// Tests of qdyn::gui::TrayIcon and the app icon, run on the offscreen platform (no tray there).
#include "app_icon.hpp"
#include "qdyn/version.hpp"
#include "tray_icon.hpp"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QMenu>
#include <QPixmap>
#include <QPushButton>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QtTest>

#include <chrono>
#include <memory>

using qdyn::gui::TrayIcon;

namespace {

// QtTest's QCOMPARE would find qdyn's toString (a string_view) by ADL and fail to build: compare names.
[[maybe_unused]] QString stateName(qdyn::gui::TrayState state) { return QString::fromLatin1(qdyn::gui::toString(state)); }
[[maybe_unused]] QString actionName(qdyn::agent::HostAction action) {
    return QString::fromLatin1(qdyn::agent::toString(action));
}

QString withoutMnemonic(QString text) {
  return text.remove(QLatin1Char('&'));
}

// Runs the application's event loop until something quits it; a watchdog ends a hung loop
// with a code of its own so the test fails instead of timing out.
int runEventLoop() {
  constexpr int kWatchdogCode = 99;
  QTimer watchdog;
  watchdog.setSingleShot(true);
  QObject::connect(&watchdog, &QTimer::timeout, [] { QCoreApplication::exit(kWatchdogCode); });
  watchdog.start(std::chrono::seconds(10));
  return QCoreApplication::exec();
}

}  // namespace

class TrayIconTest : public QObject {
  Q_OBJECT

private slots:
  void initTestCase() {
    // Every test below assumes the offscreen platform, where no tray exists.
    QVERIFY2(!QSystemTrayIcon::isSystemTrayAvailable(),
             "a system tray is available; run with QT_QPA_PLATFORM=offscreen");
  }

  void menuHasEveryCommandInOrder() {
    TrayIcon tray;
    QMenu* menu = tray.menu();
    QVERIFY(menu != nullptr);

    QStringList texts;
    QList<QAction*> items;
    for (QAction* action : menu->actions()) {
      texts.append(action->isSeparator() ? QStringLiteral("-") : withoutMnemonic(action->text()));
      if (!action->isSeparator()) items.append(action);
    }
    const QStringList expected{QStringLiteral("qdyn %1").arg(QLatin1String(qdyn::kVersion)),
                               QStringLiteral("-"),
                               QStringLiteral("Update now"),
                               QStringLiteral("Pause updates"),
                               QStringLiteral("-"),
                               QStringLiteral("Profiles..."),
                               QStringLiteral("Log..."),
                               QStringLiteral("Open config folder"),
                               QStringLiteral("Start at login"),
                               QStringLiteral("-"),
                               QStringLiteral("About qdyn"),
                               QStringLiteral("Quit")};
    QCOMPARE(texts, expected);
    const QList<QAction*> accessors{tray.statusAction(),    tray.updateNowAction(),        tray.pauseAction(),
                                    tray.profilesAction(),  tray.logAction(),              tray.openConfigFolderAction(),
                                    tray.startAtLoginAction(), tray.aboutAction(),          tray.quitAction()};
    QCOMPARE(items, accessors);
    QVERIFY2(!tray.statusAction()->isEnabled(), "the status line is information, not a command");
    QVERIFY(tray.pauseAction()->isCheckable());
    QVERIFY(tray.startAtLoginAction()->isCheckable());
    QVERIFY(!tray.updateNowAction()->isCheckable());
  }

  void showStateChangesFaceTooltipAndStatusLine() {
    TrayIcon tray;
    tray.showState(qdyn::gui::TrayState::UpToDate, QStringLiteral("All 2 names up to date"),
                   QStringLiteral("qdyn: All 2 names up to date\nhome.example.net: 198.51.100.7"));
    QCOMPARE(tray.statusAction()->text(), QStringLiteral("All 2 names up to date"));
    QCOMPARE(tray.toolTip(), QStringLiteral("qdyn: All 2 names up to date\nhome.example.net: 198.51.100.7"));
    QCOMPARE(stateName(tray.shownState()), stateName(qdyn::gui::TrayState::UpToDate));

    // Each face differs from the others, pixel for pixel.
    QList<QImage> faces;
    for (auto state : {qdyn::gui::TrayState::UpToDate, qdyn::gui::TrayState::Updating,
                       qdyn::gui::TrayState::Attention, qdyn::gui::TrayState::Paused}) {
      tray.showState(state, QStringLiteral("x"), QStringLiteral("x"));
      faces.append(tray.systemTrayIcon()->icon().pixmap(32, 32).toImage());
      QVERIFY(!faces.back().isNull());
    }
    for (qsizetype i = 0; i < faces.size(); ++i) {
      for (qsizetype j = i + 1; j < faces.size(); ++j) QVERIFY2(faces[i] != faces[j], "two states share a face");
    }
  }

  void setPausedChecksWithoutTriggering() {
    TrayIcon tray;
    QSignalSpy triggered(tray.pauseAction(), &QAction::triggered);
    tray.setPaused(true);
    QVERIFY(tray.pauseAction()->isChecked());
    tray.setPaused(false);
    QVERIFY(!tray.pauseAction()->isChecked());
    QCOMPARE(triggered.count(), 0);
  }

  void notificationWithoutTrayGoesToTheFallbackWindow() {
    TrayIcon tray;
    tray.start();
    QVERIFY(tray.fallbackWindow() != nullptr);
    tray.notify({qdyn::gui::Notification::Kind::UpdateFailed, qdyn::gui::Notification::Severity::Warning,
                 "home.example.net: update failed", "the server answered 911"});
    auto* status = tray.fallbackWindow()->findChild<QLabel*>(QStringLiteral("noticeLabel"));
    QVERIFY(status != nullptr);
    QCOMPARE(status->text(), QStringLiteral("home.example.net: update failed: the server answered 911"));
    auto* menuButton = tray.fallbackWindow()->findChild<QPushButton*>(QStringLiteral("menuButton"));
    QVERIFY2(menuButton != nullptr && menuButton->menu() == tray.menu(), "the menu is reachable without a tray");
  }

  void trayIconHasTooltipIconAndMenu() {
    TrayIcon tray;
    const QSystemTrayIcon* icon = tray.systemTrayIcon();
    QVERIFY(icon != nullptr);
    QCOMPARE(icon->toolTip(), QStringLiteral("qdyn"));
    QVERIFY(!icon->icon().isNull());
    QCOMPARE(icon->contextMenu(), tray.menu());
  }

  void fallbackWindowShownWithoutTray() {
    TrayIcon tray;
    QSignalSpy modeChanged(&tray, &TrayIcon::trayModeChanged);
    QVERIFY(tray.fallbackWindow() == nullptr);

    tray.start();

    QVERIFY(!tray.isInTray());
    QVERIFY(!tray.systemTrayIcon()->isVisible());
    QWidget* window = tray.fallbackWindow();
    QVERIFY(window != nullptr);
    QVERIFY(window->isVisible());
    QVERIFY(window->isWindow());
    QVERIFY(!window->windowIcon().isNull());
    auto* quitButton = window->findChild<QPushButton*>(QStringLiteral("quitButton"));
    QVERIFY(quitButton != nullptr);
    QVERIFY(tray.isRetrying());
    QCOMPARE(modeChanged.size(), 1);
    QCOMPARE(modeChanged.at(0).at(0).toBool(), false);
  }

  void switchesToTrayWhenOneAppears() {
    // Shared with the probe so the test can make a tray "appear" between retries.
    auto trayPresent = std::make_shared<bool>(false);
    TrayIcon::Options options;
    options.retryInterval = std::chrono::milliseconds(10);
    options.trayAvailable = [trayPresent] { return *trayPresent; };
    TrayIcon tray(options);
    QSignalSpy modeChanged(&tray, &TrayIcon::trayModeChanged);

    tray.start();
    QVERIFY(!tray.isInTray());
    QVERIFY(tray.fallbackWindow() != nullptr && tray.fallbackWindow()->isVisible());

    // A user closing the fallback window must not stop the search for a tray.
    tray.fallbackWindow()->close();
    QTest::qWait(50);
    QVERIFY(tray.isRetrying());
    QVERIFY(!tray.fallbackWindow()->isVisible());

    *trayPresent = true;
    QTRY_VERIFY_WITH_TIMEOUT(tray.isInTray(), 2000);
    QVERIFY(tray.systemTrayIcon()->isVisible());
    QVERIFY(!tray.fallbackWindow()->isVisible());
    QVERIFY(!tray.isRetrying());
    QCOMPARE(modeChanged.size(), 2);
    QCOMPARE(modeChanged.at(1).at(0).toBool(), true);
  }

  void startsInTrayWhenOneExists() {
    TrayIcon::Options options;
    options.trayAvailable = [] { return true; };
    TrayIcon tray(options);
    tray.start();
    QVERIFY(tray.isInTray());
    QVERIFY(tray.systemTrayIcon()->isVisible());
    QVERIFY(tray.fallbackWindow() == nullptr);
    QVERIFY(!tray.isRetrying());
  }

  void quitActionEndsEventLoop() {
    TrayIcon tray;
    tray.start();
    QTimer::singleShot(0, tray.quitAction(), &QAction::trigger);
    QCOMPARE(runEventLoop(), 0);
  }

  void fallbackQuitButtonEndsEventLoop() {
    TrayIcon tray;
    tray.start();
    QVERIFY(tray.fallbackWindow() != nullptr);
    auto* quitButton = tray.fallbackWindow()->findChild<QPushButton*>(QStringLiteral("quitButton"));
    QVERIFY(quitButton != nullptr);
    QTimer::singleShot(0, quitButton, [quitButton] { QTest::mouseClick(quitButton, Qt::LeftButton); });
    QCOMPARE(runEventLoop(), 0);
  }

  void iconResourceIsCompiledIn() {
    (void)qdyn::gui::appIcon();  // registers the resource
    QFile svg(QString::fromLatin1(qdyn::gui::kAppIconPath));
    QVERIFY2(svg.open(QIODevice::ReadOnly), qPrintable(svg.errorString()));
    QVERIFY(svg.readAll().contains("<svg"));
  }

  void iconRendersAtSize_data() {
    QTest::addColumn<int>("size");
    QTest::newRow("16") << 16;
    QTest::newRow("32") << 32;
    QTest::newRow("64") << 64;
  }

  void iconRendersAtSize() {
    QFETCH(int, size);
    const QIcon icon = qdyn::gui::appIcon();
    QVERIFY(!icon.isNull());
    const QPixmap pixmap = icon.pixmap(size, size);
    QVERIFY(!pixmap.isNull());
    QCOMPARE(pixmap.size(), QSize(size, size));

    // Not just allocated: the centre is drawn (opaque) and the rounded corner is left clear.
    const QImage image = pixmap.toImage().convertToFormat(QImage::Format_ARGB32);
    QCOMPARE(qAlpha(image.pixel(size / 2, size / 2)), 255);
    QCOMPARE(qAlpha(image.pixel(0, 0)), 0);
  }
};

QTEST_MAIN(TrayIconTest)
#include "tray_icon_test.moc"
