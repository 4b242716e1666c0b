// AgentController: the agent on its worker thread, driven the way the tray drives it (start,
// Update now, Pause/Resume, the profile file changing on disk, quitting mid-update), with a
// scripted protocol in place of a server so every reply class can be produced on demand.
#include "agent_controller.hpp"

#include <QSignalSpy>
#include <QtTest>
#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "qdyn/agent/state_store.hpp"
#include "scripted_protocol.hpp"
#include "temp_dir.hpp"

namespace {
namespace agent_controller_test {

// QtTest's QCOMPARE would find qdyn's toString (a string_view) by ADL and fail to build: compare names.
[[maybe_unused]] QString stateName(qdyn::gui::TrayState state) {
    return QString::fromLatin1(qdyn::gui::toString(state));
}
[[maybe_unused]] QString actionName(qdyn::agent::HostAction action) {
    return QString::fromLatin1(qdyn::agent::toString(action));
}

using namespace std::chrono_literals;
using qdyn::gui::AgentController;
using qdyn::gui::TrayState;
using qdyn::test::Script;
using qdyn::test::ScriptedProtocol;
namespace agent = qdyn::agent;

class AgentControllerTest : public QObject {
    Q_OBJECT

    std::unique_ptr<qdyn::test::TempDir> m_dir;
    Script m_script;

    [[nodiscard]] std::filesystem::path configPath() const { return m_dir->path() / "config" / "profiles.toml"; }

    void writeProfiles(const std::string& hosts, const std::string& address = "10.0.0.5") {
        std::filesystem::create_directories(configPath().parent_path());
        std::ofstream(m_dir->path() / "address") << address << "\n";
        // Written whole and renamed over the old file, as editors and `qdyn profile add` do.
        const auto temporary = m_dir->path() / "config" / ".profiles.tmp";
        std::ofstream(temporary) << "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:9\"\n"
                                 << "hosts = [" << hosts << "]\nusername = \"alice\"\npassword = \"s3cret\"\n"
                                 << "verify = false\nallow_private = true\npoll_interval = \"1h\"\n"
                                 << "detect = [\"file:" << (m_dir->path() / "address").string() << "\"]\n";
        std::filesystem::permissions(temporary,
                                     std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
        std::filesystem::rename(temporary, configPath());
    }

    std::unique_ptr<AgentController> makeController() {
        AgentController::Options options;
        options.configPath = configPath();
        options.stateDir = m_dir->path() / "state";
        options.watchNetwork = false;
        options.reloadDelay = 50ms;
        options.customizeAgent = [this](agent::AgentOptions& agentOptions) {
            agentOptions.makeProtocol =
                [this](const qdyn::config::Profile&) -> qdyn::Result<std::unique_ptr<qdyn::UpdateProtocol>> {
                return std::unique_ptr<qdyn::UpdateProtocol>(std::make_unique<ScriptedProtocol>(m_script));
            };
        };
        return std::make_unique<AgentController>(std::move(options));
    }

    void answer(qdyn::OutcomeClass outcome, std::string code, std::chrono::milliseconds delay = 0ms) {
        std::lock_guard lock(m_script.mutex);
        m_script.answer = outcome;
        m_script.code = std::move(code);
        m_script.delay = delay;
    }

    static bool settled(const AgentController& controller, int cycles) {
        return controller.cyclesFinished() >= cycles && !controller.isUpdating();
    }

private slots:
    void init() {
        m_dir = std::make_unique<qdyn::test::TempDir>();
        answer(qdyn::OutcomeClass::Updated, "good");
        m_script.requests = 0;
        writeProfiles("\"home.example.net\"");
    }
    void cleanup() { m_dir.reset(); }

    void startUpdatesAndShowsTheHostUpToDate() {
        auto controller = makeController();
        QSignalSpy states(controller.get(), &AgentController::stateChanged);
        QSignalSpy cycles(controller.get(), &AgentController::cycleFinished);
        QSignalSpy log(controller.get(), &AgentController::logLine);
        controller->start();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*controller, 1), 10000);
        QCOMPARE(m_script.requests.load(), 1);
        QCOMPARE(stateName(controller->state()), stateName(TrayState::UpToDate));
        const auto& hosts = controller->snapshot().hosts;
        QCOMPARE(hosts.size(), std::size_t{1});
        QCOMPARE(hosts[0].host, std::string("home.example.net"));
        QCOMPARE(QString::fromStdString(hosts[0].published.at(0).toString()), QStringLiteral("10.0.0.5"));
        QVERIFY(states.count() >= 2);
        QCOMPARE(stateName(states.last().at(0).value<TrayState>()), stateName(TrayState::UpToDate));
        const auto report = cycles.at(0).at(0).value<agent::CycleReport>();
        QCOMPARE(actionName(report.hosts.at(0).action), actionName(agent::HostAction::Updated));
        bool logged = false;
        for (const auto& line : log)
            logged = logged || line.at(1).toString().contains(QStringLiteral("home.example.net"));
        QVERIFY2(logged, "each host's result is a log line");
    }

    void updateNowSendsEvenWhenCurrentAndFoldsRepeatedClicks() {
        auto controller = makeController();
        controller->start();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*controller, 1), 10000);
        answer(qdyn::OutcomeClass::Unchanged, "nochg", 300ms);
        controller->updateNow();
        QTRY_VERIFY_WITH_TIMEOUT(controller->isUpdating(), 5000);
        // Clicked five more times while the first runs: one more cycle, not five.
        for (int i = 0; i < 5; ++i)
            controller->updateNow();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*controller, 3), 10000);
        QTest::qWait(500);
        QCOMPARE(controller->cyclesFinished(), 3);
        QCOMPARE(m_script.requests.load(), 3);
    }

    void pausedStartSendsNothingUntilResumed() {
        auto controller = makeController();
        QSignalSpy paused(controller.get(), &AgentController::pausedChanged);
        controller->start(true);
        QTRY_COMPARE_WITH_TIMEOUT(controller->snapshot().hosts.size(), std::size_t{1}, 5000);
        QCOMPARE(stateName(controller->state()), stateName(TrayState::Paused));
        QTest::qWait(300);
        QCOMPARE(m_script.requests.load(), 0);
        controller->setPaused(false);
        QCOMPARE(paused.count(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(settled(*controller, 1), 10000);
        QCOMPARE(m_script.requests.load(), 1);
        QCOMPARE(stateName(controller->state()), stateName(TrayState::UpToDate));
    }

    void updateNowWorksWhilePaused() {
        auto controller = makeController();
        controller->start(true);
        controller->updateNow();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*controller, 1), 10000);
        QCOMPARE(m_script.requests.load(), 1);
        QCOMPARE(stateName(controller->state()), stateName(TrayState::Paused));
    }

    void aChangedProfileFileIsReadAndABrokenOneKeepsTheRunningProfiles() {
        auto controller = makeController();
        controller->start();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*controller, 1), 10000);

        // The CLI (or an editor) adds a host: the tray sees it without being told.
        writeProfiles("\"home.example.net\", \"nas.example.net\"");
        QTRY_COMPARE_WITH_TIMEOUT(controller->snapshot().hosts.size(), std::size_t{2}, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(settled(*controller, 2), 10000);
        QCOMPARE(stateName(controller->state()), stateName(TrayState::UpToDate));

        std::ofstream(configPath()) << "[profile.home]\nthis is not toml\n";
        QTRY_VERIFY_WITH_TIMEOUT(!controller->snapshot().profileError.empty(), 10000);
        QCOMPARE(stateName(controller->state()), stateName(TrayState::Attention));
        QCOMPARE(controller->snapshot().hosts.size(), std::size_t{2});
        QVERIFY(controller->snapshot().profileError.find("profiles.toml") != std::string::npos);

        // Fixed again: the error goes.
        writeProfiles("\"home.example.net\"");
        QTRY_VERIFY_WITH_TIMEOUT(controller->snapshot().profileError.empty(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(controller->snapshot().hosts.size(), std::size_t{1}, 10000);
    }

    void anotherFileInTheFolderIsNotAReload() {
        auto controller = makeController();
        QSignalSpy log(controller.get(), &AgentController::logLine);
        controller->start();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*controller, 1), 10000);
        // The tray's own settings live beside the profile file.
        std::ofstream(configPath().parent_path() / "qdyn-tray.conf") << "[General]\npaused=false\n";
        QTest::qWait(500);
        QCOMPARE(controller->cyclesFinished(), 1);
        for (const auto& line : log)
            QVERIFY2(!line.at(1).toString().startsWith(QStringLiteral("reloaded")), "reloaded");
    }

    void aFatalReplyStopsAndNeedsAttention() {
        answer(qdyn::OutcomeClass::AuthFailed, "badauth");
        auto controller = makeController();
        controller->start();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*controller, 1), 10000);
        QCOMPARE(stateName(controller->state()), stateName(TrayState::Attention));
        QVERIFY(controller->snapshot().hosts.at(0).problem.find("badauth") != std::string::npos);
        // Update now never sends despite a stop.
        controller->updateNow();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*controller, 2), 10000);
        QCOMPARE(m_script.requests.load(), 1);
    }

    void quittingLetsTheRunningUpdateFinish() {
        auto controller = makeController();
        answer(qdyn::OutcomeClass::Updated, "good", 500ms);
        controller->start();
        QTRY_VERIFY_WITH_TIMEOUT(controller->isUpdating(), 5000);
        controller.reset();  // waits for the cycle on the worker thread
        QCOMPARE(m_script.requests.load(), 1);
        const auto state = agent::StateStore::open(agent::stateFile(m_dir->path() / "state", "home"));
        const auto published = state.published("home.example.net", qdyn::AddressFamily::V4);
        QVERIFY2(published.has_value(), "the update in flight was recorded before the app ended");
        QCOMPARE(QString::fromStdString(published->address.toString()), QStringLiteral("10.0.0.5"));
    }

    void noProfileFileYetAsksForAProfile() {
        std::filesystem::remove_all(configPath().parent_path());
        auto controller = makeController();
        controller->start();
        QTRY_VERIFY_WITH_TIMEOUT(settled(*controller, 1), 10000);
        QCOMPARE(stateName(controller->state()), stateName(TrayState::Attention));
        QVERIFY2(controller->snapshot().profileError.empty(), "a first launch is not an error");
        QCOMPARE(QString::fromStdString(qdyn::gui::headline(controller->snapshot(), controller->state())),
                 QStringLiteral("No profiles yet: add one under Profiles..."));
        // Created later (the profiles dialog, `qdyn profile add`), directory and all: picked up.
        writeProfiles("\"home.example.net\"");
        QTRY_VERIFY_WITH_TIMEOUT(settled(*controller, 2), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_script.requests.load(), 1, 10000);
        QCOMPARE(stateName(controller->state()), stateName(TrayState::UpToDate));
    }
};

}  // namespace agent_controller_test
}  // namespace

QTEST_MAIN(agent_controller_test::AgentControllerTest)
#include "agent_controller_test.moc"
