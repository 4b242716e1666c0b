// Profile passwords in the system keychain, against a real Secret Service (gnome-keyring on a
// private D-Bus session, through with_keyring.sh) and against none: the wrapper's round trip,
// fillKeychainPasswords from a worker thread, the profiles dialog saving to the keychain, moving a
// password back to the file, removing it with its profile, a failed file write undone in the
// keychain, and without a keychain a quick "no", a disabled choice and the private file.
// QDYN_KEYCHAIN_EXPECTED (present or absent) says which of the two this run is.
#include "keychain.hpp"


#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "settings/profile_form.hpp"
#include "settings/profiles_dialog.hpp"
#include "temp_dir.hpp"
#include "tray_app.hpp"

namespace {
namespace keychain_test {

using qdyn::Secret;
using qdyn::gui::ProfileForm;
using qdyn::gui::ProfilesDialog;

bool contains(const std::string& text, const std::string& piece) {
    return text.find(piece) != std::string::npos;
}

// The password as another client of the Secret Service sees it (QtKeychain's libsecret schema
// keeps the service as "server" and the account as "user").
QString lookedUp(const std::string& profile) {
    QProcess lookup;
    lookup.start(QStringLiteral("/usr/bin/secret-tool"),
                 {QStringLiteral("lookup"), QStringLiteral("server"), QStringLiteral("qdyn"), QStringLiteral("user"),
                  QString::fromStdString(qdyn::gui::keychainAccount(profile))});
    if (!lookup.waitForFinished(20000)) return QStringLiteral("<secret-tool did not finish>");
    return QString::fromUtf8(lookup.readAllStandardOutput());
}

std::string secretOf(const std::string& profile) {
    auto secret = qdyn::gui::readSecretIfAny(profile);
    return secret ? std::string(secret->reveal()) : "<error: " + secret.message() + ">";
}

// A new dyndns2 profile typed into the dialog's form.
void typeNewProfile(ProfilesDialog& dialog, const QString& name, const QString& password) {
    dialog.startNewProfile();
    ProfileForm& form = *dialog.form();
    form.nameEdit()->setText(name);
    form.serverEdit()->setText(QStringLiteral("https://ddns.example.test"));
    form.hostsEdit()->setPlainText(name + QStringLiteral(".example.net"));
    form.usernameEdit()->setText(QStringLiteral("alice"));
    form.passwordEdit()->setText(password);
}

class WithKeychainTest : public QObject {
    Q_OBJECT

private slots:
    void aKeychainAnswers() {
        QVERIFY2(qdyn::gui::keychainAvailable(), qdyn::gui::keychainUnavailableReason().c_str());
        QCOMPARE(qdyn::gui::keychainUnavailableReason(), std::string());
    }

    void writeReadRemove() {
        QVERIFY(!qdyn::gui::readSecret("round"));
        auto written = qdyn::gui::writeSecret("round", Secret("pässword with spaces \"and\" quotes"));
        QVERIFY2(written, written ? "" : written.message().c_str());
        auto read = qdyn::gui::readSecret("round");
        QVERIFY2(read, read ? "" : read.message().c_str());
        QCOMPARE(std::string(read->reveal()), std::string("pässword with spaces \"and\" quotes"));
        QCOMPARE(lookedUp("round"), QStringLiteral("pässword with spaces \"and\" quotes"));

        QVERIFY(qdyn::gui::writeSecret("round", Secret("second")));  // replaces, never adds
        QCOMPARE(secretOf("round"), std::string("second"));

        QVERIFY(qdyn::gui::removeSecret("round"));
        QCOMPARE(secretOf("round"), std::string());
        auto gone = qdyn::gui::readSecret("round");
        QVERIFY(!gone);
        QVERIFY2(contains(gone.message(), "holds no password for profile round"), gone.message().c_str());
        QVERIFY(qdyn::gui::removeSecret("round"));  // already gone: fine
    }

    void fillsProfilesFromAWorkerThread() {
        QVERIFY(qdyn::gui::writeSecret("tray", Secret("from-the-keychain")));
        auto set = qdyn::config::parseProfiles(
            "[profile.tray]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"a\"]\nusername = \"u\"\n"
            "password_keychain = true\n"
            "[profile.lost]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"b\"]\nusername = \"u\"\n"
            "password_keychain = true\n"
            "[profile.plain]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"c\"]\nusername = \"u\"\n"
            "password = \"inline\"\n",
            "p.toml");
        QVERIFY2(set, set ? "" : set.message().c_str());
        std::vector<std::string> warnings;
        // As the agent's worker calls it: off the UI thread, which keeps running its events.
        std::thread worker([&] {
            qdyn::gui::fillKeychainPasswords(*set, [&](qdyn::agent::LogLevel level, const std::string& line) {
                if (level == qdyn::agent::LogLevel::Warning) warnings.push_back(line);
            });
        });
        worker.join();
        const auto* tray = set->find("tray");
        const auto* lost = set->find("lost");
        const auto* plain = set->find("plain");
        QVERIFY(tray != nullptr && lost != nullptr && plain != nullptr);
        QCOMPARE(std::string(tray->password.reveal()), std::string("from-the-keychain"));
        QCOMPARE(qdyn::config::keychainPasswordProblem(*tray), std::string());
        QVERIFY(lost->password.empty());
        QVERIFY(!qdyn::config::keychainPasswordProblem(*lost).empty());  // the agent reports it Broken
        QCOMPARE(std::string(plain->password.reveal()), std::string("inline"));
        QCOMPARE(warnings.size(), std::size_t{1});
        QVERIFY2(contains(warnings.front(), "[lost] the keychain holds no password for profile lost"),
                 warnings.front().c_str());
        QVERIFY(qdyn::gui::removeSecret("tray"));
    }

    void theTrayAppHandsTheKeychainPasswordToTheAgent() {
        QVERIFY(qdyn::gui::writeSecret("home", Secret("kept-in-the-keyring")));
        qdyn::test::TempDir dir;
        const auto config = dir.write("profiles.toml",
                                      "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:9\"\n"
                                      "hosts = [\"home.example.net\"]\nusername = \"alice\"\npassword_keychain = true\n"
                                      "verify = false\nallow_private = true\ndetect = [\"static:10.0.0.5\"]\n");
        std::mutex mutex;
        std::vector<std::string> seen;  // the password of every protocol the agent made
        qdyn::gui::TrayApp::Options options;
        options.agent.configPath = config;
        options.agent.stateDir = dir.path() / "state";
        options.agent.watchNetwork = false;
        options.agent.customizeAgent = [&](qdyn::agent::AgentOptions& agentOptions) {
            agentOptions.makeProtocol = [&](const qdyn::config::Profile& profile)
                -> qdyn::Result<std::unique_ptr<qdyn::UpdateProtocol>> {
                std::lock_guard lock(mutex);
                seen.emplace_back(profile.password.reveal());
                return qdyn::makeError("stop here: the test only looks at the password");
            };
        };
        options.tray.trayAvailable = [] { return false; };
        options.settingsFile = QString::fromStdString((dir.path() / "tray.conf").string());
        options.autostart = qdyn::gui::makeXdgAutostart(dir.path() / "xdg");
        qdyn::gui::TrayApp app(std::move(options));
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(app.controller().cyclesFinished() >= 1, 20000);
        std::lock_guard lock(mutex);
        QCOMPARE(seen.size(), std::size_t{1});
        QCOMPARE(seen.front(), std::string("kept-in-the-keyring"));
        QVERIFY(qdyn::gui::removeSecret("home"));
    }

    void theDialogKeepsThePasswordInTheKeychainAndMovesItBack() {
        qdyn::test::TempDir dir;
        const auto file = dir.write("profiles.toml",
                                    "[profile.other]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"o\"]\n"
                                    "password_env = \"PATH\"\n",
                                    0644);
        ProfilesDialog dialog(file);
        dialog.setConfirm([](const QString&) { return true; });
        ProfileForm& form = *dialog.form();

        typeNewProfile(dialog, QStringLiteral("home"), QStringLiteral("s3cret"));
        QVERIFY(form.keychainBox()->isEnabled());
        QVERIFY(form.keychainBox()->isChecked());  // on by default where a keychain answers
        QVERIFY2(form.passwordWarning()->text().contains(QStringLiteral("kept in the system keychain")),
                 qPrintable(form.passwordWarning()->text()));
        QVERIFY(dialog.save());
        const std::string inKeychain = qdyn::test::readFile(file);
        QVERIFY2(contains(inKeychain, "password_keychain = true\n"), inKeychain.c_str());
        QVERIFY(!contains(inKeychain, "s3cret"));
        QVERIFY(!contains(inKeychain, "password ="));
        QCOMPARE(qdyn::test::fileMode(file), 0644U);  // no secret inside: the file keeps its mode
        QCOMPARE(secretOf("home"), std::string("s3cret"));
        QCOMPARE(lookedUp("home"), QStringLiteral("s3cret"));

        // Shown again: an empty field that keeps the saved password.
        QVERIFY(dialog.selectProfile(QStringLiteral("home")));
        QVERIFY(form.passwordEdit()->text().isEmpty());
        QVERIFY2(
            form.passwordEdit()->placeholderText().contains(QStringLiteral("leave empty to keep the saved password")),
            qPrintable(form.passwordEdit()->placeholderText()));
        QVERIFY(form.keychainBox()->isChecked());
        QVERIFY(!dialog.saveButton()->isEnabled());
        form.passwordEdit()->setText(QStringLiteral("n3w"));
        QVERIFY(dialog.saveButton()->isEnabled());  // only the keychain changes, but that is a change
        QVERIFY(dialog.save());
        QCOMPARE(qdyn::test::readFile(file), inKeychain);
        QCOMPARE(secretOf("home"), std::string("n3w"));

        // Back to the file: the saved password moves there and leaves the keychain.
        QVERIFY(dialog.selectProfile(QStringLiteral("home")));
        form.keychainBox()->setChecked(false);
        QVERIFY(form.passwordWarning()->text().contains(QStringLiteral("stored in the profile file")));
        QVERIFY(dialog.saveButton()->isEnabled());
        QVERIFY2(dialog.save(), qPrintable(dialog.message()));
        const std::string inFile = qdyn::test::readFile(file);
        QVERIFY2(contains(inFile, "password = \"n3w\"\n"), inFile.c_str());
        QVERIFY(!contains(inFile, "password_keychain"));
        QCOMPARE(qdyn::test::fileMode(file), 0600U);
        QCOMPARE(secretOf("home"), std::string());

        // And into the keychain again, then removed with the profile.
        QVERIFY(dialog.selectProfile(QStringLiteral("home")));
        QCOMPARE(form.passwordEdit()->text(), QStringLiteral("n3w"));
        QVERIFY(!form.keychainBox()->isChecked());  // an inline password stays until asked
        form.keychainBox()->setChecked(true);
        QVERIFY(dialog.save());
        QVERIFY(contains(qdyn::test::readFile(file), "password_keychain = true\n"));
        QVERIFY(!contains(qdyn::test::readFile(file), "n3w"));
        QCOMPARE(secretOf("home"), std::string("n3w"));
        QVERIFY(dialog.selectProfile(QStringLiteral("home")));
        QVERIFY2(dialog.removeSelected(), qPrintable(dialog.message()));
        QVERIFY(!contains(qdyn::test::readFile(file), "[profile.home]"));
        QCOMPARE(secretOf("home"), std::string());
    }

    void aFileThatCannotBeWrittenLeavesTheKeychainAsItWas() {
        qdyn::test::TempDir dir;
        const auto file = dir.write("profiles.toml", "# mine\n");
        ProfilesDialog dialog(file);
        typeNewProfile(dialog, QStringLiteral("late"), QStringLiteral("pw"));
        std::ofstream(file, std::ios::app) << "# changed behind the dialog's back\n";
        QVERIFY(!dialog.save());
        QVERIFY2(dialog.message().contains(QStringLiteral("Nothing was saved")), qPrintable(dialog.message()));
        QCOMPARE(secretOf("late"), std::string());  // written first, then taken back
        QVERIFY(!contains(qdyn::test::readFile(file), "late"));
    }

    void theTestButtonReadsTheSavedPassword() {
        qdyn::test::TempDir dir;
        const auto file = dir.write("profiles.toml",
                                    "[profile.probe]\nprotocol = \"dyndns2\"\nserver = \"https://ddns.example.test\"\n"
                                    "hosts = [\"probe.example.net\"]\nusername = \"u\"\npassword_keychain = true\n"
                                    "detect = [\"static:10.0.0.5\"]\nallow_private = true\n");
        ProfilesDialog dialog(file);
        ProfileForm& form = *dialog.form();
        QVERIFY(dialog.selectProfile(QStringLiteral("probe")));
        QSignalSpy finished(&form, &ProfileForm::testFinished);

        QVERIFY(form.startTest());  // nothing saved under that name: the test says so
        QVERIFY(finished.wait(20000));
        QVERIFY2(form.testResult()->text().contains(QStringLiteral("desktop keychain")),
                 qPrintable(form.testResult()->text()));

        QVERIFY(qdyn::gui::writeSecret("probe", Secret("saved")));
        QVERIFY(form.startTest());
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.back().front().toBool(), true);
        QVERIFY2(form.testResult()->text().contains(QStringLiteral("IPv4 10.0.0.5 would be published")),
                 qPrintable(form.testResult()->text()));
        QVERIFY(qdyn::gui::removeSecret("probe"));
    }
};

class WithoutKeychainTest : public QObject {
    Q_OBJECT

private slots:
    void noKeychainIsSaidQuickly() {
        QElapsedTimer timer;
        timer.start();
        QVERIFY(!qdyn::gui::keychainAvailable());
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(!qdyn::gui::keychainUnavailableReason().empty());
        QVERIFY(!qdyn::gui::readSecret("x"));
        QVERIFY(!qdyn::gui::writeSecret("x", Secret("y")));
        QVERIFY(!qdyn::gui::removeSecret("x"));

        auto set = qdyn::config::parseProfiles(
            "[profile.tray]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"a\"]\npassword_keychain = true\n",
            "p.toml");
        QVERIFY(set);
        std::vector<std::string> warnings;
        qdyn::gui::fillKeychainPasswords(
            *set, [&](qdyn::agent::LogLevel, const std::string& line) { warnings.push_back(line); });
        QVERIFY(set->profiles[0].password.empty());
        QCOMPARE(warnings.size(), std::size_t{1});
        QVERIFY2(contains(warnings.front(), "[tray] its password is in the system keychain, but"),
                 warnings.front().c_str());
    }

    void theDialogFallsBackToThePrivateFile() {
        qdyn::test::TempDir dir;
        const auto file = dir.path() / "profiles.toml";
        ProfilesDialog dialog(file);
        ProfileForm& form = *dialog.form();
        typeNewProfile(dialog, QStringLiteral("home"), QStringLiteral("s3cret"));
        QVERIFY(!form.keychainBox()->isEnabled());
        QVERIFY(!form.keychainBox()->isChecked());
        QVERIFY(form.keychainBox()->toolTip().contains(QStringLiteral("cannot be used")));
        const QString warning = form.passwordWarning()->text();
        QVERIFY2(warning.contains(QStringLiteral("stored in the profile file")), qPrintable(warning));
        QVERIFY2(warning.contains(QStringLiteral("system keychain cannot be used")), qPrintable(warning));
        QVERIFY(dialog.save());
        QVERIFY(contains(qdyn::test::readFile(file), "password = \"s3cret\"\n"));
        QVERIFY(!contains(qdyn::test::readFile(file), "password_keychain"));
        QCOMPARE(qdyn::test::fileMode(file), 0600U);
    }
};

}  // namespace keychain_test
}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    const QByteArray expected = qgetenv("QDYN_KEYCHAIN_EXPECTED");
    if (expected == "present") {
        keychain_test::WithKeychainTest test;
        return QTest::qExec(&test, argc, argv);
    }
    if (expected == "absent") {
        keychain_test::WithoutKeychainTest test;
        return QTest::qExec(&test, argc, argv);
    }
    qCritical("set QDYN_KEYCHAIN_EXPECTED to present (run under with_keyring.sh) or absent");
    return 1;
}

#include "keychain_test.moc"
