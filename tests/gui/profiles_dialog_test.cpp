// The profiles dialog and its form, offscreen: the validation rules as a table, a provider filling
// in the form, Save held back while a field is invalid, add/edit/remove on a real file that keep
// every other byte, a broken or foreign file shown with why and left alone, a file changed
// behind the dialog's back not overwritten, and the Test button on the form's unsaved values.
#include "settings/profiles_dialog.hpp"


#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>
#include <fstream>
#include <string>
#include <vector>

#include "closed_port.hpp"
#include "qdyn/providers/catalog.hpp"
#include "settings/password_storage.hpp"
#include "settings/profile_form.hpp"
#include "settings/profile_validation.hpp"
#include "temp_dir.hpp"

namespace {
namespace profiles_dialog_test {

using qdyn::gui::Field;
using qdyn::gui::ProfileFields;
using qdyn::gui::ProfileForm;
using qdyn::gui::ProfilesDialog;

const std::string kProfiles =
    "# my profiles: written by hand\n"
    "\n"
    "# the router\n"
    "[profile.home]\n"
    "provider = \"dynu\"\n"
    "hosts = [\"home.example.net\"]\n"
    "username = \"alice\"\n"
    "password = \"s3cret\"\n"
    "detect = [\"static:10.0.0.5\"]\n"
    "allow_private = true\n"
    "\n"
    "[profile.work]  # the office\n"
    "protocol = \"dyndns2\"\n"
    "server = \"https://ddns.example.test\"\n"
    "hosts = [\"work.example.net\"]\n"
    "username = \"bob\"\n"
    "password = \"hunter2\"\n";

QString qs(const std::string& text) {
    return QString::fromStdString(text);
}

bool shown(const QLabel* label) {
    return label != nullptr && !label->isHidden() && !label->text().isEmpty();
}

// A dialog whose questions are answered by `answer` and counted.
struct Fixture {
    qdyn::test::TempDir dir;
    std::filesystem::path file;
    std::unique_ptr<ProfilesDialog> dialog;
    int questions = 0;
    bool answer = true;

    explicit Fixture(const std::string& content, unsigned mode = 0600) {
        file = dir.write("profiles.toml", content, mode);
        open();
    }
    void open() {
        dialog = std::make_unique<ProfilesDialog>(file);
        dialog->setConfirm([this](const QString&) {
            ++questions;
            return answer;
        });
    }
};

class ProfilesDialogTest : public QObject {
    Q_OBJECT

private slots:
    void profileNames_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << "home" << true;
        QTest::newRow("dash and underscore") << "home-1_B" << true;
        QTest::newRow("64 characters") << QString(64, QLatin1Char('a')) << true;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("65 characters") << QString(65, QLatin1Char('a')) << false;
        QTest::newRow("blank") << "my home" << false;
        QTest::newRow("dot") << "home.lan" << false;
        QTest::newRow("slash") << "../x" << false;
        QTest::newRow("taken") << "work" << false;
    }
    void profileNames() {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        const auto checked = qdyn::gui::checkProfileName(name.toStdString(), {"work"});
        QVERIFY2(checked.ok() == valid, checked.ok() ? "accepted" : checked.message().c_str());
    }

    void hostLists_data() {
        QTest::addColumn<QString>("hosts");
        QTest::addColumn<int>("count");  // -1: refused
        QTest::newRow("one") << "home.example.net" << 1;
        QTest::newRow("commas") << "a.example.net, b.example.net" << 2;
        QTest::newRow("lines") << "a.example.net\nb.example.net\n" << 2;
        QTest::newRow("trailing dot") << "a.example.net." << 1;
        QTest::newRow("empty") << "" << -1;
        QTest::newRow("only separators") << " ,\n, " << -1;
        QTest::newRow("blank inside") << "home example.net" << -1;
        QTest::newRow("empty label") << "a..example.net" << -1;
        QTest::newRow("path") << "example.net/x" << -1;
        QTest::newRow("root") << "." << -1;
        QTest::newRow("twice") << "a.example.net, a.example.net" << -1;
        QTest::newRow("label of 64") << QString(64, QLatin1Char('a')) + ".example.net" << -1;
    }
    void hostLists() {
        QFETCH(QString, hosts);
        QFETCH(int, count);
        const auto parsed = qdyn::gui::parseHostList(hosts.toStdString());
        QCOMPARE(parsed.ok() ? static_cast<int>(parsed->size()) : -1, count);
        if (!parsed) QVERIFY(!parsed.message().empty());
    }

    void servers_data() {
        QTest::addColumn<QString>("server");
        QTest::addColumn<QString>("protocol");
        QTest::addColumn<bool>("required");
        QTest::addColumn<bool>("valid");
        QTest::newRow("https") << "https://ddns.example.com"
                               << "dyndns2" << true << true;
        QTest::newRow("bare host") << "ddns.example.com:8245"
                                   << "dyndns2" << true << true;
        QTest::newRow("dns") << "dns://192.0.2.53"
                             << "rfc2136" << true << true;
        QTest::newRow("qdns") << "qdns://ddns.example.com:7393"
                              << "qdns" << true << true;
        QTest::newRow("file") << "file:///var/lib/qdyn/addresses"
                              << "file" << true << true;
        QTest::newRow("empty, provider's") << ""
                                           << "dyndns2" << false << true;
        QTest::newRow("empty, required") << ""
                                         << "dyndns2" << true << false;
        QTest::newRow("wrong scheme") << "ftp://ddns.example.com"
                                      << "dyndns2" << true << false;
        QTest::newRow("https for qdns") << "https://ddns.example.com"
                                        << "qdns" << true << false;
        QTest::newRow("no host") << "https://"
                                 << "dyndns2" << true << false;
        QTest::newRow("blank") << "https://ddns example.com"
                               << "dyndns2" << true << false;
    }
    void servers() {
        QFETCH(QString, server);
        QFETCH(QString, protocol);
        QFETCH(bool, required);
        QFETCH(bool, valid);
        const auto checked = qdyn::gui::checkServer(server.toStdString(), protocol.toStdString(), required);
        QVERIFY2(checked.ok() == valid, checked.ok() ? "accepted" : checked.message().c_str());
    }

    void credentials_data() {
        QTest::addColumn<QString>("protocol");
        QTest::addColumn<QString>("username");
        QTest::addColumn<bool>("password");
        QTest::addColumn<QString>("problemField");  // "", "username" or "password"
        QTest::newRow("dyndns2 complete") << "dyndns2"
                                          << "alice" << true << "";
        QTest::newRow("dyndns2 without user") << "dyndns2"
                                              << "" << true << "username";
        QTest::newRow("dyndns2 without password") << "dyndns2"
                                                  << "alice" << false << "password";
        QTest::newRow("qdns token") << "qdns"
                                    << "" << true << "";
        QTest::newRow("qdns nothing") << "qdns"
                                      << "" << false << "password";
        QTest::newRow("nanodnsd token") << "nanodnsd"
                                        << "" << true << "";
        QTest::newRow("rfc2136 unsigned") << "rfc2136"
                                          << "" << false << "";
        QTest::newRow("rfc2136 key name only") << "rfc2136"
                                               << "key" << false << "password";
        QTest::newRow("rfc2136 secret only") << "rfc2136"
                                             << "" << true << "username";
        QTest::newRow("file with a user") << "file"
                                          << "alice" << false << "username";
        QTest::newRow("custom anonymous") << "custom"
                                          << "" << false << "";
    }
    void credentials() {
        QFETCH(QString, protocol);
        QFETCH(QString, username);
        QFETCH(bool, password);
        QFETCH(QString, problemField);
        ProfileFields fields;
        fields.name = "p";
        fields.protocol = protocol.toStdString();
        fields.server = protocol == "file" ? "file:///tmp/x" : protocol == "rfc2136" ? "dns://192.0.2.53" : "h.example";
        fields.url = "https://h.example/u?h=<domain>";
        fields.hosts = "a.example.net";
        fields.username = username.toStdString();
        fields.hasPassword = password;
        const auto result = qdyn::gui::validateProfile(fields, {}, qdyn::config::ProfileEntry{}, {});
        QCOMPARE(result.problemOf(Field::Username).empty(), problemField != "username");
        QCOMPARE(result.problemOf(Field::Password).empty(), problemField != "password");
    }

    void theParserHasTheLastWord() {
        ProfileForm form;
        form.chooseProtocol("rfc2136");
        form.nameEdit()->setText("dns");
        form.serverEdit()->setText("dns://192.0.2.53");
        form.hostsEdit()->setPlainText("h.dyn.example.test");
        form.usernameEdit()->setText("key");
        form.passwordEdit()->setText("not base64 !");  // every field rule passes; TSIG does not
        QVERIFY(!form.isValid());
        const std::string problem = form.validation().problemOf(Field::Profile);
        QVERIFY2(!problem.empty(), "no parser message");
        QVERIFY2(problem.find("profile:") != 0, problem.c_str());  // no place in a file that does not exist
        QVERIFY(shown(form.problemLabel(Field::Profile)));
        form.passwordEdit()->setText("YWxpY2Uta2V5LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm");
        QVERIFY2(form.isValid(), form.validation().problemOf(Field::Profile).c_str());
        QVERIFY(!shown(form.problemLabel(Field::Profile)));
    }

    void choosingAProviderFillsTheForm() {
        ProfileForm form;
        form.chooseProvider("dynu");
        const auto* dynu = qdyn::providers::findProvider("dynu");
        QCOMPARE(form.protocolBox()->currentText(), QStringLiteral("dyndns2"));
        QVERIFY(!form.protocolBox()->isEnabled());  // the provider fixes it
        QCOMPARE(form.serverEdit()->text(), qs(std::string(dynu->server)));
        QCOMPARE(form.notesLabel()->text(), qs(std::string(dynu->notes)));
        QVERIFY(!form.isRowShown(form.urlEdit()));
        QVERIFY(!form.isRowShown(form.zoneEdit()));
        form.nameEdit()->setText("d");
        form.hostsEdit()->setPlainText("home.example.net");
        form.usernameEdit()->setText("alice");
        form.passwordEdit()->setText("pw");
        QVERIFY2(form.isValid(), form.validation().problemOf(Field::Profile).c_str());
        const auto entry = form.entry();
        QCOMPARE(entry.provider, std::string("dynu"));
        QVERIFY(entry.protocol.empty() && entry.server.empty());  // left to the catalog row

        form.chooseProvider("dynv6-api");  // a custom row: its URL template comes along
        QCOMPARE(form.protocolBox()->currentText(), QStringLiteral("custom"));
        QVERIFY(form.isRowShown(form.urlEdit()));
        QCOMPARE(form.urlEdit()->text(), qs(std::string(qdyn::providers::findProvider("dynv6-api")->path)));

        form.chooseProvider("dynonym");  // self-hosted: the server is the user's to give
        QVERIFY(form.serverEdit()->text().isEmpty());
        QVERIFY(shown(form.problemLabel(Field::Server)));
        form.serverEdit()->setText("https://dynonym.example.org");
        QVERIFY(!shown(form.problemLabel(Field::Server)));

        form.chooseProvider("");  // Custom: the protocol is the user's choice again
        QVERIFY(form.protocolBox()->isEnabled());
        form.chooseProtocol("rfc2136");
        QVERIFY(form.isRowShown(form.zoneEdit()));
        QVERIFY(form.isRowShown(form.tsigAlgorithmBox()));
        QVERIFY(!form.isRowShown(form.urlEdit()));
    }

    void thePasswordIsMaskedAndItsStorageSaid() {
        ProfileForm form;
        QCOMPARE(form.passwordEdit()->echoMode(), QLineEdit::Password);
        QVERIFY(!form.passwordWarning()->isHidden());
        QVERIFY(form.passwordWarning()->text().contains(QStringLiteral("stored in the profile file")));
        QCOMPARE(qdyn::gui::profileFileMode("[profile.a]\npassword = \"x\"\n", "p.toml"),
                 std::optional<unsigned>(0600));
        QCOMPARE(qdyn::gui::profileFileMode("[profile.a]\npassword_env = \"X\"\n", "p.toml"), std::nullopt);
    }

    void saveIsDisabledWhileAnythingIsInvalid() {
        Fixture fixture(kProfiles);
        ProfilesDialog& dialog = *fixture.dialog;
        ProfileForm& form = *dialog.form();
        QVERIFY(!dialog.saveButton()->isEnabled());  // nothing chosen
        dialog.startNewProfile();
        QVERIFY(!dialog.saveButton()->isEnabled());       // empty fields
        QVERIFY(!shown(form.problemLabel(Field::Name)));  // not yet wrong: nothing was typed
        form.nameEdit()->setText("nas");
        form.serverEdit()->setText("https://ddns.example.test");
        form.hostsEdit()->setPlainText("nas.example.net");
        form.usernameEdit()->setText("carol");
        form.passwordEdit()->setText("pw");
        QVERIFY2(dialog.saveButton()->isEnabled(), form.validation().problemOf(Field::Profile).c_str());
        form.hostsEdit()->setPlainText("nas example.net");
        QVERIFY(!dialog.saveButton()->isEnabled());
        QVERIFY(shown(form.problemLabel(Field::Hosts)));
        QVERIFY(form.problemLabel(Field::Hosts)->text().contains(QStringLiteral("not a host name")));
        QVERIFY(!dialog.save());
        form.hostsEdit()->setPlainText("nas.example.net");
        form.nameEdit()->setText("work");  // taken
        QVERIFY(!dialog.saveButton()->isEnabled());
        QVERIFY(form.problemLabel(Field::Name)->text().contains(QStringLiteral("already exists")));
        form.nameEdit()->setText("nas");
        form.passwordEdit()->clear();
        QVERIFY(!dialog.saveButton()->isEnabled());
        QVERIFY(shown(form.problemLabel(Field::Password)));
        QCOMPARE(qdyn::test::readFile(fixture.file), kProfiles);
    }

    void addEditAndRemoveKeepEverythingElse() {
        Fixture fixture(kProfiles, 0644);  // readable by others: the first write makes it private
        ProfilesDialog& dialog = *fixture.dialog;
        ProfileForm& form = *dialog.form();
        QSignalSpy changed(&dialog, &ProfilesDialog::profilesChanged);
        QCOMPARE(dialog.profileList()->count(), 2);

        dialog.startNewProfile();
        form.nameEdit()->setText("nas");
        form.serverEdit()->setText("https://ddns.example.test");
        form.hostsEdit()->setPlainText("nas.example.net");
        form.usernameEdit()->setText("carol");
        form.passwordEdit()->setText("pw");
        QTest::mouseClick(dialog.saveButton(), Qt::LeftButton);
        const std::string added = kProfiles +
                                  "\n[profile.nas]\nprotocol = \"dyndns2\"\nserver = \"https://ddns.example.test\"\n"
                                  "hosts = [\"nas.example.net\"]\nusername = \"carol\"\npassword = \"pw\"\n";
        QCOMPARE(qdyn::test::readFile(fixture.file), added);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(qdyn::test::fileMode(fixture.file), 0600U);
        QCOMPARE(dialog.profileList()->count(), 3);

        QVERIFY(dialog.selectProfile("home"));
        QCOMPARE(form.hostsEdit()->toPlainText(), QStringLiteral("home.example.net"));
        QCOMPARE(form.passwordEdit()->text(), QStringLiteral("s3cret"));
        QVERIFY(form.nameEdit()->isReadOnly());      // the name also names the state file
        QVERIFY(!dialog.saveButton()->isEnabled());  // nothing changed yet
        form.hostsEdit()->setPlainText("home.example.net, nas2.example.net");
        QVERIFY(dialog.saveButton()->isEnabled());
        QVERIFY(dialog.save());
        std::string edited = added;
        const std::string before = "hosts = [\"home.example.net\"]\n";
        edited.replace(edited.find(before), before.size(), "hosts = [\"home.example.net\", \"nas2.example.net\"]\n");
        QCOMPARE(qdyn::test::readFile(fixture.file), edited);  // comments, detect, allow_private and the others intact
        QCOMPARE(changed.count(), 2);

        QVERIFY(dialog.selectProfile("work"));
        fixture.answer = false;
        QVERIFY(!dialog.removeSelected());  // the user said no
        QCOMPARE(qdyn::test::readFile(fixture.file), edited);
        fixture.answer = true;
        QVERIFY(dialog.removeSelected());
        std::string removed = edited;
        const std::size_t work = removed.find("\n[profile.work]");
        const std::size_t nas = removed.find("[profile.nas]");
        removed.erase(work + 1, nas - work - 1);
        QCOMPARE(qdyn::test::readFile(fixture.file), removed);
        QCOMPARE(changed.count(), 3);
        QCOMPARE(dialog.profileList()->count(), 2);
    }

    void theOnlyProfileCanBeEditedButNotRemoved() {
        const std::string only =
            "[profile.solo]\nprotocol = \"dyndns2\"\nserver = \"https://ddns.example.test\"\n"
            "hosts = [\"solo.example.net\"]\nusername = \"a\"\npassword_env = \"PATH\"\n";
        Fixture fixture(only, 0644);
        ProfilesDialog& dialog = *fixture.dialog;
        QVERIFY(dialog.selectProfile("solo"));
        QVERIFY(dialog.form()->passwordEdit()->text().isEmpty());
        QVERIFY(dialog.form()->passwordEdit()->placeholderText().contains(QStringLiteral("PATH")));
        dialog.form()->usernameEdit()->setText("b");
        QVERIFY(dialog.save());
        std::string edited = only;
        edited.replace(edited.find("username = \"a\""), 14, "username = \"b\"");
        QCOMPARE(qdyn::test::readFile(fixture.file), edited);  // password_env kept
        QCOMPARE(qdyn::test::fileMode(fixture.file), 0644U);      // no password inside: the mode stays
        QVERIFY(dialog.selectProfile("solo"));
        QVERIFY(!dialog.removeSelected());
        QVERIFY(dialog.message().contains(QStringLiteral("only one")));
        QCOMPARE(qdyn::test::readFile(fixture.file), edited);
    }

    void aBrokenOrForeignFileIsShownAndNeverWritten_data() {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("what");
        QTest::newRow("unknown key") << "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"https://x.example\"\n"
                                        "hosts = [\"a.example\"]\nbogus = 1\n"
                                     << ":5:"
                                     << "unknown key \"bogus\"";
        QTest::newRow("not TOML") << "[profile.home]\nhosts = [\"a.example\" \"b.example\"]\n"
                                  << ":2:"
                                  << "";
        QTest::newRow("ddclient.conf") << "# ddclient\nprotocol=dyndns2\nuse=web\n"
                                       << ":2:"
                                       << "";
    }
    void aBrokenOrForeignFileIsShownAndNeverWritten() {
        QFETCH(QString, content);
        QFETCH(QString, where);
        QFETCH(QString, what);
        const std::string bytes = content.toStdString();
        {
            Fixture fixture(bytes, 0644);
            ProfilesDialog& dialog = *fixture.dialog;
            QVERIFY(!dialog.isEditable());
            const QString message = dialog.message();
            QVERIFY2(message.contains(qs(fixture.file.string()) + where), qPrintable(message));
            QVERIFY2(message.contains(what), qPrintable(message));
            QVERIFY(message.contains(QStringLiteral("left exactly as it is")));
            QVERIFY(!dialog.addButton()->isEnabled());
            QVERIFY(!dialog.saveButton()->isEnabled());
            QVERIFY(!dialog.form()->isEnabled());
            dialog.startNewProfile();
            QVERIFY(!dialog.save());
            dialog.reject();
            fixture.dialog.reset();
            QCOMPARE(qdyn::test::readFile(fixture.file), bytes);
            QCOMPARE(qdyn::test::fileMode(fixture.file), 0644U);
        }
    }

    void aProfileTheEditorCannotKeepWholeIsNotEditable() {
        const std::string content = kProfiles +
                                    "\n[profile.v6]\nprotocol = \"dyndns2\"\nserver = \"https://x.example\"\n"
                                    "hosts = [\"v6.example\"]\nusername = \"u\"\npassword = \"p\"\n"
                                    "families = [\"ipv6\"]\nipv6_interface_id = \"::1\"\n";
        Fixture fixture(content);
        ProfilesDialog& dialog = *fixture.dialog;
        QVERIFY(dialog.isEditable());
        QVERIFY(!dialog.selectProfile("v6"));
        QVERIFY(dialog.message().contains(QStringLiteral("ipv6_interface_id")));
        QVERIFY(!dialog.form()->isEnabled());
        QVERIFY(dialog.removeButton()->isEnabled());
    }

    void aFileChangedOnDiskIsNotOverwritten() {
        Fixture fixture(kProfiles);
        ProfilesDialog& dialog = *fixture.dialog;
        QVERIFY(dialog.selectProfile("home"));
        const std::string elsewhere = kProfiles + "# added by qdyn profile add meanwhile\n";
        fixture.dir.write("profiles.toml", elsewhere);
        dialog.form()->usernameEdit()->setText("alice2");
        QSignalSpy changed(&dialog, &ProfilesDialog::profilesChanged);
        QVERIFY(!dialog.save());
        QVERIFY2(dialog.message().contains(QStringLiteral("was changed by another program")),
                 qPrintable(dialog.message()));
        QVERIFY(dialog.message().contains(QStringLiteral("Reload")));
        QCOMPARE(qdyn::test::readFile(fixture.file), elsewhere);
        QCOMPARE(changed.count(), 0);
        fixture.answer = true;  // drop the unsaved change
        dialog.reload();
        QVERIFY(dialog.selectProfile("home"));
        dialog.form()->usernameEdit()->setText("alice2");
        QVERIFY(dialog.save());
        QVERIFY(qdyn::test::readFile(fixture.file).find("# added by qdyn profile add meanwhile\n") != std::string::npos);
        QVERIFY(qdyn::test::readFile(fixture.file).find("username = \"alice2\"") != std::string::npos);
    }

    void unsavedChangesAreNotDroppedWithoutAsking() {
        Fixture fixture(kProfiles);
        ProfilesDialog& dialog = *fixture.dialog;
        QVERIFY(dialog.selectProfile("home"));
        dialog.form()->usernameEdit()->setText("changed");
        fixture.answer = false;
        dialog.profileList()->setCurrentRow(1);  // to work: refused, home stays
        QCOMPARE(fixture.questions, 1);
        QCOMPARE(dialog.form()->usernameEdit()->text(), QStringLiteral("changed"));
        QCOMPARE(dialog.profileList()->currentItem()->text(), QStringLiteral("home"));
        fixture.answer = true;
        QVERIFY(dialog.selectProfile("work"));
        QCOMPARE(dialog.form()->usernameEdit()->text(), QStringLiteral("bob"));
    }

    void theTestShowsTheDetectedAddress() {
        Fixture fixture(kProfiles);
        ProfilesDialog& dialog = *fixture.dialog;
        QVERIFY(dialog.selectProfile("home"));
        ProfileForm& form = *dialog.form();
        QSignalSpy finished(&form, &ProfileForm::testFinished);
        QTest::mouseClick(form.testButton(), Qt::LeftButton);
        QVERIFY(finished.count() == 1 || finished.wait(20000));
        QCOMPARE(finished.front().front().toBool(), true);
        const QString result = form.testResult()->text();
        QVERIFY2(result.contains(QStringLiteral("IPv4 10.0.0.5 would be published")), qPrintable(result));
        QVERIFY2(result.contains(QStringLiteral("not checked")), qPrintable(result));  // dyndns2 cannot check
        QVERIFY(!result.contains(QStringLiteral("s3cret")));

        // The form's values as they stand, unsaved: a QDNS server that refuses connections.
        qdyn::test::ClosedPort closed;
        form.chooseProvider("");
        form.chooseProtocol("qdns");
        form.serverEdit()->setText(qs("qdns://127.0.0.1:" + std::to_string(closed.port())));
        QVERIFY2(form.isValid(), form.validation().problemOf(Field::Profile).c_str());
        QVERIFY(form.startTest());
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.back().front().toBool(), false);
        const QString down = form.testResult()->text();
        QVERIFY2(down.contains(QStringLiteral("could not be asked")), qPrintable(down));
        QVERIFY(down.contains(QStringLiteral("10.0.0.5")));
        QCOMPARE(qdyn::test::readFile(fixture.file), kProfiles);  // a test writes nothing
    }
};

}  // namespace profiles_dialog_test
}  // namespace

QTEST_MAIN(profiles_dialog_test::ProfilesDialogTest)
#include "profiles_dialog_test.moc"
