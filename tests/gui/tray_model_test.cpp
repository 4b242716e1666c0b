// The tray's plain-data rules: which face the icon shows, what the tooltip says, and what the
// notifier lets through (and how often).
#include <QtTest>

#include "notifier.hpp"
#include "qdyn/agent/state_store.hpp"
#include "temp_dir.hpp"
#include "tray_status.hpp"

namespace {
namespace tray_model_test {

// QtTest's QCOMPARE would find qdyn's toString (a string_view) by ADL and fail to build: compare names.
[[maybe_unused]] QString stateName(qdyn::gui::TrayState state) {
    return QString::fromLatin1(qdyn::gui::toString(state));
}
[[maybe_unused]] QString actionName(qdyn::agent::HostAction action) {
    return QString::fromLatin1(qdyn::agent::toString(action));
}

using namespace std::chrono_literals;
using qdyn::IpAddress;
using qdyn::gui::HostLine;
using qdyn::gui::Notification;
using qdyn::gui::Notifier;
using qdyn::gui::NotifierPolicy;
using qdyn::gui::StatusSnapshot;
using qdyn::gui::TrayState;
namespace agent = qdyn::agent;

const agent::TimePoint kNow{std::chrono::seconds(1'800'000'000)};

IpAddress ip(const char* text) {
    return *IpAddress::parse(text);
}

HostLine okHost(std::string host, const char* address) {
    HostLine line;
    line.profile = "home";
    line.host = std::move(host);
    line.published.push_back(ip(address));
    line.lastChange = kNow - 5min;
    return line;
}

agent::HostReport report(std::string host, agent::HostAction action, std::optional<qdyn::OutcomeClass> outcome = {},
                         std::string code = {}) {
    agent::HostReport host_report;
    host_report.profile = "home";
    host_report.host = std::move(host);
    host_report.action = action;
    host_report.reason = "because";
    if (outcome) {
        qdyn::HostOutcome reply;
        reply.host = host_report.host;
        reply.outcome = *outcome;
        reply.code = std::move(code);
        host_report.outcome = reply;
    }
    return host_report;
}

agent::CycleReport cycleOf(std::vector<agent::HostReport> hosts) {
    agent::CycleReport cycle;
    cycle.hosts = std::move(hosts);
    return cycle;
}

agent::HostReport changed(std::string host, const char* address) {
    auto host_report = report(std::move(host), agent::HostAction::Updated, qdyn::OutcomeClass::Updated, "good");
    host_report.addressChanged = true;
    host_report.addresses.push_back(ip(address));
    return host_report;
}

class TrayModelTest : public QObject {
    Q_OBJECT

private slots:
    void stateRules() {
        StatusSnapshot snapshot;
        QCOMPARE(stateName(qdyn::gui::trayState(snapshot, false, false)),
                 stateName(TrayState::Attention));  // no profile: nothing points home
        snapshot.hosts.push_back(okHost("a.example.net", "198.51.100.7"));
        QCOMPARE(stateName(qdyn::gui::trayState(snapshot, false, false)), stateName(TrayState::UpToDate));
        QCOMPARE(stateName(qdyn::gui::trayState(snapshot, false, true)), stateName(TrayState::Updating));
        QCOMPARE(stateName(qdyn::gui::trayState(snapshot, true, true)), stateName(TrayState::Paused));
        snapshot.hosts.back().problem = "update failed: 911";
        QCOMPARE(stateName(qdyn::gui::trayState(snapshot, false, false)), stateName(TrayState::Attention));
        snapshot.hosts.back().problem.clear();
        snapshot.profileError = "profiles.toml:3: expected a value";
        QCOMPARE(stateName(qdyn::gui::trayState(snapshot, false, false)), stateName(TrayState::Attention));
    }

    void problemOfEachAction() {
        using A = agent::HostAction;
        for (auto action : {A::Updated, A::Unchanged, A::Current})
            QVERIFY(qdyn::gui::problemOf(report("h", action)).empty());
        for (auto action : {A::Failed, A::Stopped, A::BackingOff, A::NoAddress, A::Broken}) {
            const std::string problem = qdyn::gui::problemOf(report("h", action));
            QVERIFY2(problem.ends_with(": because"), problem.c_str());
        }
        auto mismatch = report("h", A::Updated);
        mismatch.verification.push_back({"mismatch", "ns1 answers 192.0.2.1"});
        QCOMPARE(QString::fromStdString(qdyn::gui::problemOf(mismatch)),
                 QStringLiteral("verification mismatch: ns1 answers 192.0.2.1"));
    }

    void tooltipListsProblemsFirstAndCapsTheList() {
        StatusSnapshot snapshot;
        snapshot.hosts.push_back(okHost("a.example.net", "198.51.100.7"));
        auto broken = okHost("b.example.net", "198.51.100.8");
        broken.problem = "stopped: badauth";
        snapshot.hosts.push_back(broken);
        for (int i = 0; i < 6; ++i)
            snapshot.hosts.push_back(okHost("c" + std::to_string(i) + ".example.net", "198.51.100.9"));
        const auto state = qdyn::gui::trayState(snapshot, false, false);
        const QString text = QString::fromStdString(qdyn::gui::tooltipText(snapshot, state, kNow, 3));
        const QStringList lines = text.split(QLatin1Char('\n'));
        QCOMPARE(lines.at(0), QStringLiteral("qdyn: 1 name needs attention"));
        QCOMPARE(lines.at(1), QStringLiteral("b.example.net: stopped: badauth"));
        QCOMPARE(lines.at(2), QStringLiteral("a.example.net: 198.51.100.7, changed 5 min ago"));
        QCOMPARE(lines.size(), 5);
        QCOMPARE(lines.at(4), QStringLiteral("and 5 more"));
        // Windows cuts tray tooltips at 127 characters: the headline alone must carry the news.
        QVERIFY(lines.at(0).size() < 64);
    }

    void headlines() {
        StatusSnapshot snapshot;
        QCOMPARE(QString::fromStdString(qdyn::gui::headline(snapshot, TrayState::Attention)),
                 QStringLiteral("No profiles yet: add one under Profiles..."));
        snapshot.hosts.push_back(okHost("a.example.net", "198.51.100.7"));
        QCOMPARE(QString::fromStdString(qdyn::gui::headline(snapshot, TrayState::UpToDate)),
                 QStringLiteral("The name is up to date"));
        snapshot.hosts.push_back(okHost("b.example.net", "198.51.100.7"));
        QCOMPARE(QString::fromStdString(qdyn::gui::headline(snapshot, TrayState::UpToDate)),
                 QStringLiteral("All 2 names up to date"));
        QCOMPARE(QString::fromStdString(qdyn::gui::headline(snapshot, TrayState::Paused)),
                 QStringLiteral("Paused: no updates until resumed"));
    }

    void snapshotReadsTheStateFiles() {
        qdyn::test::TempDir dir;
        auto state = agent::StateStore::open(agent::stateFile(dir.path(), "home"));
        state.recordPublished("a.example.net", ip("198.51.100.7"), kNow - 1h);
        state.host("a.example.net").lastChange = kNow - 1h;
        state.host("b.example.net").stop = agent::Stop{qdyn::OutcomeClass::HostRejected, "nohost", "", kNow, "x"};
        QVERIFY(state.save());
        auto profiles = qdyn::config::parseProfiles(
            "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:9\"\nhosts = [\"a.example.net\", "
            "\"b.example.net\"]\nusername = \"u\"\npassword = \"p\"\n",
            "test.toml");
        QVERIFY2(profiles, profiles ? "" : profiles.message().c_str());
        const StatusSnapshot snapshot = qdyn::gui::makeSnapshot(*profiles, dir.path(), nullptr);
        QCOMPARE(snapshot.hosts.size(), std::size_t{2});
        QCOMPARE(snapshot.hosts[0].host, std::string("a.example.net"));
        QCOMPARE(snapshot.hosts[0].published.size(), std::size_t{1});
        QCOMPARE(QString::fromStdString(snapshot.hosts[0].published[0].toString()), QStringLiteral("198.51.100.7"));
        QVERIFY(snapshot.hosts[0].ok());
        QVERIFY2(snapshot.hosts[1].problem.find("nohost") != std::string::npos, snapshot.hosts[1].problem.c_str());

        // A cycle's report wins over the state file.
        const auto cycle = cycleOf({report("b.example.net", agent::HostAction::Current)});
        const StatusSnapshot after = qdyn::gui::makeSnapshot(*profiles, dir.path(), &cycle);
        QVERIFY(after.hosts[1].ok());
        QVERIFY(after.cycleDone);
    }

    void addressChangeIsNews() {
        Notifier notifier;
        auto shown = notifier.onCycle(cycleOf({changed("a.example.net", "198.51.100.7")}), kNow);
        QCOMPARE(shown.size(), std::size_t{1});
        QCOMPARE(shown[0].kind, Notification::Kind::AddressChanged);
        QCOMPARE(QString::fromStdString(shown[0].body), QStringLiteral("a.example.net now points to 198.51.100.7"));
        // Nothing sent, nothing to say.
        QVERIFY(notifier.onCycle(cycleOf({report("a.example.net", agent::HostAction::Current)}), kNow + 1h).empty());

        NotifierPolicy quiet;
        quiet.addressChanges = false;
        Notifier silent(quiet);
        QVERIFY(silent.onCycle(cycleOf({changed("a.example.net", "198.51.100.7")}), kNow).empty());
    }

    void aFailureIsRepeatedOnlyAfterAnHourOrASuccess() {
        Notifier notifier;
        const auto failed =
            cycleOf({report("a.example.net", agent::HostAction::Failed, qdyn::OutcomeClass::RetryLater, "911")});
        auto shown = notifier.onCycle(failed, kNow);
        QCOMPARE(shown.size(), std::size_t{1});
        QCOMPARE(shown[0].kind, Notification::Kind::UpdateFailed);
        QVERIFY(QString::fromStdString(shown[0].body).contains(QStringLiteral("911")));
        QVERIFY(notifier.onCycle(failed, kNow + 10min).empty());
        QVERIFY(
            notifier.onCycle(cycleOf({report("a.example.net", agent::HostAction::BackingOff)}), kNow + 20min).empty());
        QCOMPARE(notifier.onCycle(failed, kNow + 61min).size(), std::size_t{1});
        // After a success, the next failure is news again at once.
        QCOMPARE(notifier.onCycle(cycleOf({changed("a.example.net", "198.51.100.7")}), kNow + 62min).size(),
                 std::size_t{1});
        QCOMPARE(notifier.onCycle(failed, kNow + 63min).size(), std::size_t{1});
    }

    void aStopIsShownOnceUntilItIsLifted() {
        Notifier notifier;
        auto fatal =
            cycleOf({report("a.example.net", agent::HostAction::Failed, qdyn::OutcomeClass::AuthFailed, "badauth")});
        auto shown = notifier.onCycle(fatal, kNow);
        QCOMPARE(shown.size(), std::size_t{1});
        QCOMPARE(shown[0].kind, Notification::Kind::Stopped);
        QCOMPARE(shown[0].severity, Notification::Severity::Critical);
        QVERIFY(QString::fromStdString(shown[0].body).contains(QStringLiteral("badauth")));
        const auto stopped = cycleOf({report("a.example.net", agent::HostAction::Stopped)});
        QVERIFY(notifier.onCycle(stopped, kNow + 2h).empty());
        QVERIFY(notifier.onCycle(stopped, kNow + 48h).empty());
        // Lifted (the profile was fixed), then stopped again: that is news.
        QVERIFY(notifier.onCycle(cycleOf({report("a.example.net", agent::HostAction::Current)}), kNow + 49h).empty());
        QCOMPARE(notifier.onCycle(fatal, kNow + 50h).size(), std::size_t{1});
    }

    void aStopFoundAtStartIsShown() {
        Notifier notifier;
        const auto shown = notifier.onCycle(cycleOf({report("a.example.net", agent::HostAction::Stopped)}), kNow);
        QCOMPARE(shown.size(), std::size_t{1});
        QCOMPARE(shown[0].kind, Notification::Kind::Stopped);
    }

    void verificationMismatchIsShownWithItsSummary() {
        Notifier notifier;
        auto mismatch = report("a.example.net", agent::HostAction::Unchanged, qdyn::OutcomeClass::Unchanged, "nochg");
        mismatch.verification.push_back({"mismatch", "ns1.example.net answers 192.0.2.1"});
        auto shown = notifier.onCycle(cycleOf({mismatch}), kNow);
        QCOMPARE(shown.size(), std::size_t{1});
        QCOMPARE(shown[0].kind, Notification::Kind::VerificationMismatch);
        QCOMPARE(QString::fromStdString(shown[0].body), QStringLiteral("ns1.example.net answers 192.0.2.1"));
        QVERIFY(notifier.onCycle(cycleOf({mismatch}), kNow + 5min).empty());
    }

    void aFloodBecomesASummary() {
        Notifier notifier;  // burst 3 per minute
        std::vector<agent::HostReport> hosts;
        for (int i = 0; i < 5; ++i) {
            hosts.push_back(report("h" + std::to_string(i) + ".example.net", agent::HostAction::Failed,
                                   qdyn::OutcomeClass::RetryLater, "911"));
        }
        hosts.push_back(report("z.example.net", agent::HostAction::Failed, qdyn::OutcomeClass::AuthFailed, "badauth"));
        auto shown = notifier.onCycle(cycleOf(hosts), kNow);
        QCOMPARE(shown.size(), std::size_t{3});
        QCOMPARE(shown[0].kind, Notification::Kind::Stopped);  // the most severe is never the one summarised
        QCOMPARE(shown[2].kind, Notification::Kind::Summary);
        QCOMPARE(QString::fromStdString(shown[2].title), QStringLiteral("4 more qdyn events"));
        // The window is full: more news waits in the log...
        QVERIFY(notifier.onCycle(cycleOf({changed("a.example.net", "198.51.100.7")}), kNow + 10s).empty());
        // ...until it has passed.
        QCOMPARE(notifier.onCycle(cycleOf({changed("a.example.net", "198.51.100.8")}), kNow + 70s).size(),
                 std::size_t{1});
    }
};

}  // namespace tray_model_test
}  // namespace

QTEST_GUILESS_MAIN(tray_model_test::TrayModelTest)
#include "tray_model_test.moc"
