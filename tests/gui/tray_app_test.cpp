// TrayApp: the tray's wiring, offscreen (no tray there, so the stand-in window shows): the menu
// drives the agent, the log and the face follow the agent, Pause survives a restart, Profiles...
// and Log... open their windows, Start at login writes the autostart entry, a stop becomes a
// notification.
#include "tray_app.hpp"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QtTest>
#include <fstream>

#include "closed_port.hpp"
#include "log_window.hpp"
#include "scripted_protocol.hpp"
#include "settings/profiles_dialog.hpp"
#include "temp_dir.hpp"
#include "theme_colors.hpp"

namespace {
namespace tray_app_test {

using namespace std::chrono_literals;
using qdyn::gui::TrayApp;
using qdyn::gui::TrayState;
using qdyn::test::Script;
using qdyn::test::ScriptedProtocol;

QString stateName(TrayState state) {
    return QString::fromLatin1(qdyn::gui::toString(state));
}

class TrayAppTest : public QObject {
    Q_OBJECT

    std::unique_ptr<qdyn::test::TempDir> m_dir;
    Script m_script;

    [[nodiscard]] std::filesystem::path configPath() const { return m_dir->path() / "config" / "profiles.toml"; }
    [[nodiscard]] QString settingsFile() const {
        return QString::fromStdString((m_dir->path() / "qdyn-tray.conf").string());
    }

    std::unique_ptr<TrayApp> makeApp() {
        TrayApp::Options options;
        options.agent.configPath = configPath();
        options.agent.stateDir = m_dir->path() / "state";
        options.agent.watchNetwork = false;
        options.agent.customizeAgent = [this](qdyn::agent::AgentOptions& agentOptions) {
            agentOptions.makeProtocol =
                [this](const qdyn::config::Profile&) -> qdyn::Result<std::unique_ptr<qdyn::UpdateProtocol>> {
                return std::unique_ptr<qdyn::UpdateProtocol>(std::make_unique<ScriptedProtocol>(m_script));
            };
        };
        options.tray.trayAvailable = [] { return false; };
        options.settingsFile = settingsFile();
        options.autostart = qdyn::gui::makeXdgAutostart(m_dir->path() / "xdg-config");
        return std::make_unique<TrayApp>(std::move(options));
    }

    static bool settled(TrayApp& app, int cycles) {
        return app.controller().cyclesFinished() >= cycles && !app.controller().isUpdating();
    }

    [[nodiscard]] bool logHas(TrayApp& app, const QString& text) const {
        for (int row = 0; row < app.log().rowCount(); ++row) {
            if (app.log().index(row).data(Qt::DisplayRole).toString().contains(text)) return true;
        }
        return false;
    }

private slots:
    void init() {
        m_dir = std::make_unique<qdyn::test::TempDir>();
        {
            std::lock_guard lock(m_script.mutex);
            m_script.answer = qdyn::OutcomeClass::Updated;
            m_script.code = "good";
        }
        m_script.requests = 0;
        std::filesystem::create_directories(configPath().parent_path());
        std::ofstream(m_dir->path() / "address") << "10.0.0.5\n";
        std::ofstream(configPath()) << "# written by hand\n[profile.home]\nprotocol = \"dyndns2\"\n"
                                    << "server = \"http://127.0.0.1:9\"\nhosts = [\"home.example.net\"]\n"
                                    << "username = \"alice\"\npassword = \"s3cret\"\nverify = false\n"
                                    << "allow_private = true\npoll_interval = \"1h\"\n"
                                    << "detect = [\"file:" << (m_dir->path() / "address").string() << "\"]\n";
        std::filesystem::permissions(configPath(),
                                     std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
    void cleanup() { m_dir.reset(); }

    void theFaceTooltipAndLogFollowTheAgent() {
        auto app = makeApp();
        app->start();
        QVERIFY2(app->tray().fallbackWindow() != nullptr, "no tray offscreen: the stand-in window shows");
        QTRY_VERIFY_WITH_TIMEOUT(settled(*app, 1), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(stateName(app->tray().shownState()), stateName(TrayState::UpToDate), 5000);
        QCOMPARE(app->tray().statusAction()->text(), QStringLiteral("The name is up to date"));
        QVERIFY2(app->tray().toolTip().contains(QStringLiteral("home.example.net: 10.0.0.5")),
                 qPrintable(app->tray().toolTip()));
        QTRY_VERIFY_WITH_TIMEOUT(logHas(*app, QStringLiteral("[home] home.example.net: updated (good 10.0.0.5)")), 5000);
        QVERIFY2(!logHas(*app, QStringLiteral("s3cret")), "a secret reached the log");
    }

    void updateNowInTheMenuSends() {
        auto app = makeApp();
        app->start();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*app, 1), 10000);
        QCOMPARE(m_script.requests.load(), 1);
        app->tray().updateNowAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*app, 2), 10000);
        QCOMPARE(m_script.requests.load(), 2);
    }

    void pauseInTheMenuHoldsAcrossARestart() {
        {
            auto app = makeApp();
            app->start();
            QTRY_VERIFY_WITH_TIMEOUT(settled(*app, 1), 10000);
            app->tray().pauseAction()->trigger();
            QVERIFY(app->controller().isPaused());
            QTRY_COMPARE_WITH_TIMEOUT(stateName(app->tray().shownState()), stateName(TrayState::Paused), 5000);
        }
        QCOMPARE(QSettings(settingsFile(), QSettings::IniFormat).value(QStringLiteral("paused")).toBool(), true);
        auto again = makeApp();
        again->start();
        QVERIFY(again->controller().isPaused());
        QVERIFY(again->tray().pauseAction()->isChecked());
        QTest::qWait(300);
        QCOMPARE(m_script.requests.load(), 1);   // nothing sent by the paused restart
        again->tray().pauseAction()->trigger();  // resume
        QTRY_COMPARE_WITH_TIMEOUT(again->controller().cyclesFinished(), 1, 10000);
        QCOMPARE(QSettings(settingsFile(), QSettings::IniFormat).value(QStringLiteral("paused")).toBool(), false);
    }

    void profilesAndLogOpenTheirWindows() {
        auto app = makeApp();
        app->start();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*app, 1), 10000);
        app->tray().profilesAction()->trigger();
        QVERIFY(app->profilesDialog() != nullptr);
        QVERIFY(app->profilesDialog()->isVisible());
        QVERIFY2(app->profilesDialog()->isEditable(), qPrintable(app->profilesDialog()->message()));
        QCOMPARE(app->profilesDialog()->profilePath(), configPath());
        QVERIFY2(app->profilesDialog()->profileList()->currentItem() != nullptr, "opens on the first profile");
        QCOMPARE(app->profilesDialog()->profileList()->currentItem()->text(), QStringLiteral("home"));
        // Opened again: the same window, not a second one.
        auto* first = app->profilesDialog();
        app->tray().profilesAction()->trigger();
        QCOMPARE(app->profilesDialog(), first);

        app->tray().logAction()->trigger();
        QVERIFY(app->logWindow() != nullptr);
        QVERIFY(app->logWindow()->isVisible());
        QVERIFY(!app->logWindow()->visibleLines().isEmpty());
    }

    void startAtLoginWritesAndRemovesTheEntry() {
        auto app = makeApp();
        app->start();
        const auto entry = m_dir->path() / "xdg-config" / "autostart" / "org.qdyn.QdynTray.desktop";
        QVERIFY(!app->tray().startAtLoginAction()->isChecked());
        app->tray().startAtLoginAction()->trigger();
        QVERIFY2(std::filesystem::exists(entry), entry.c_str());
        QVERIFY(logHas(*app, QStringLiteral("starts at login")));
        app->tray().startAtLoginAction()->trigger();
        QVERIFY(!std::filesystem::exists(entry));
    }

    void problemAndWarningTextIsReadableOnLightAndDarkThemes() {
        for (const QColor window :
             {QColor(0xef, 0xef, 0xef), QColor(0xff, 0xff, 0xff), QColor(0x35, 0x35, 0x35), QColor(0x1e, 0x1e, 0x1e)}) {
            QPalette palette;
            palette.setColor(QPalette::Window, window);
            for (const QColor text : {qdyn::gui::problemTextColor(palette), qdyn::gui::warningTextColor(palette)}) {
                const double ratio = qdyn::gui::contrastRatio(text, window);
                QVERIFY2(ratio >= 4.5,
                         qPrintable(QStringLiteral("%1 on %2: %3:1").arg(text.name(), window.name()).arg(ratio)));
            }
        }
        // The colours used before, fixed whatever the theme, fail on a dark one.
        QVERIFY(qdyn::gui::contrastRatio(QColor(0xe0, 0x40, 0x3a), QColor(0x35, 0x35, 0x35)) < 4.5);
        // The profiles dialog follows the application's palette.
        const QPalette previous = QApplication::palette();
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x35, 0x35, 0x35));
        dark.setColor(QPalette::WindowText, Qt::white);
        QApplication::setPalette(dark);
        {
            qdyn::gui::ProfilesDialog dialog(m_dir->path() / "broken.toml");
            std::ofstream(m_dir->path() / "broken.toml") << "[profile.x\n";
            dialog.reload();
            QVERIFY(!dialog.isEditable());
            QVERIFY2(dialog.messageLabel()->styleSheet().contains(qdyn::gui::problemTextColor(dark).name()),
                     qPrintable(dialog.messageLabel()->styleSheet()));
        }
        QApplication::setPalette(previous);
    }

    void noNetworkIsAFailedUpdateNotACrash() {
        // The real dyndns2 client, against a loopback port that refuses every connection.
        qdyn::test::ClosedPort closed;
        std::ofstream(configPath()) << "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:"
                                    << closed.port() << "\"\nhosts = [\"home.example.net\"]\nusername = \"alice\"\n"
                                    << "password = \"s3cret\"\ntimeout = 2\nverify = false\nallow_private = true\n"
                                    << "detect = [\"static:10.0.0.5\"]\n";
        TrayApp::Options options;
        options.agent.configPath = configPath();
        options.agent.stateDir = m_dir->path() / "state";
        options.agent.watchNetwork = false;
        options.tray.trayAvailable = [] { return false; };
        options.settingsFile = settingsFile();
        options.autostart = qdyn::gui::makeXdgAutostart(m_dir->path() / "xdg-config");
        TrayApp app(std::move(options));
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(settled(app, 1), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(stateName(app.tray().shownState()), stateName(TrayState::Attention), 5000);
        QVERIFY2(app.tray().toolTip().contains(QStringLiteral("update failed")), qPrintable(app.tray().toolTip()));
        auto* notice = app.tray().fallbackWindow()->findChild<QLabel*>(QStringLiteral("noticeLabel"));
        QVERIFY(notice != nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(notice->text().contains(QStringLiteral("update failed")), 5000);
    }

    void aStopBecomesANotification() {
        {
            std::lock_guard lock(m_script.mutex);
            m_script.answer = qdyn::OutcomeClass::AuthFailed;
            m_script.code = "badauth";
        }
        auto app = makeApp();
        app->start();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*app, 1), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(stateName(app->tray().shownState()), stateName(TrayState::Attention), 5000);
        auto* status = app->tray().fallbackWindow()->findChild<QLabel*>(QStringLiteral("noticeLabel"));
        QVERIFY(status != nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("updates stopped")), 5000);
        QVERIFY2(status->text().contains(QStringLiteral("badauth")), qPrintable(status->text()));
    }
};

}  // namespace tray_app_test
}  // namespace

QTEST_MAIN(tray_app_test::TrayAppTest)
#include "tray_app_test.moc"
