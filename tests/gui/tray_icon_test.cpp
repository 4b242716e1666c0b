// Tests of qdyn::gui::TrayIcon and the app icon, run on the offscreen platform (no tray there).
#include "app_icon.hpp"
#include "qdyn/version.hpp"
#include "tray_icon.hpp"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QImage>
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

  void menuHasVersionLineAndQuit() {
    TrayIcon tray;
    QMenu* menu = tray.menu();
    QVERIFY(menu != nullptr);

    QList<QAction*> items;
    for (QAction* action : menu->actions()) {
      if (!action->isSeparator()) {
        items.append(action);
      }
    }
    QCOMPARE(items.size(), 2);
    QCOMPARE(items.at(0), tray.statusAction());
    QCOMPARE(items.at(0)->text(), QStringLiteral("qdyn %1").arg(QLatin1String(qdyn::kVersion)));
    QVERIFY2(!items.at(0)->isEnabled(), "the version line is information, not a command");
    QCOMPARE(items.at(1), tray.quitAction());
    QCOMPARE(withoutMnemonic(items.at(1)->text()), QStringLiteral("Quit"));
    QVERIFY(items.at(1)->isEnabled());
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
