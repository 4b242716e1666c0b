// The profile form: the fields of one profile (name, provider, protocol, server, hosts, the
// credentials and the protocol's own fields), checked as they are typed with the reason shown
// beside each field, and a Test of the values as they stand. It edits an entry; the dialog saves.
#pragma once

#include <QWidget>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/config/profile_writer.hpp"
#include "settings/password_storage.hpp"
#include "settings/profile_validation.hpp"

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace qdyn::gui {

class ProfileTester;
struct TestSummary;

class ProfileForm : public QWidget {
    Q_OBJECT

public:
    explicit ProfileForm(QWidget* parent = nullptr);
    ~ProfileForm() override;

    ProfileForm(const ProfileForm&) = delete;
    ProfileForm& operator=(const ProfileForm&) = delete;

    // Empty fields for a new profile, whose name may not be one of `taken`.
    void startNew(std::vector<std::string> taken);
    // An existing profile's keys. Its name cannot change here (it also names its saved state);
    // the keys the form does not show are kept as they are.
    void load(const config::ProfileEntry& entry, std::vector<std::string> taken);
    // The profile file's folder, which relative paths in a profile (password_file) start from.
    void setBaseDirectory(std::filesystem::path directory);

    // What Save would write: the loaded entry with the fields applied.
    [[nodiscard]] config::ProfileEntry entry() const;
    [[nodiscard]] ProfileFields fields() const;
    [[nodiscard]] const Validation& validation() const noexcept { return m_validation; }
    [[nodiscard]] bool isValid() const noexcept { return m_validation.ok(); }
    [[nodiscard]] bool isModified() const;
    [[nodiscard]] bool isNew() const noexcept { return m_isNew; }
    // Where the loaded profile's password was when it was loaded (None for a new one).
    [[nodiscard]] config::ProfileEntry::PasswordFrom loadedPasswordFrom() const noexcept {
        return m_isNew ? config::ProfileEntry::PasswordFrom::None : m_base.passwordFrom;
    }

    // The provider of that catalog name, or Custom for an empty one (as choosing it in the box).
    void chooseProvider(std::string_view name);
    // A protocol of the registry; only while Custom is chosen (a provider fixes its protocol).
    void chooseProtocol(std::string_view name);

    // Starts the Test as the button does; false when a field is invalid or a test runs.
    bool startTest();
    [[nodiscard]] bool isTesting() const;

    // The widgets, for the dialog's layout and for tests.
    [[nodiscard]] QLineEdit* nameEdit() const noexcept { return m_name; }
    [[nodiscard]] QComboBox* providerBox() const noexcept { return m_provider; }
    [[nodiscard]] QComboBox* protocolBox() const noexcept { return m_protocol; }
    [[nodiscard]] QLineEdit* serverEdit() const noexcept { return m_server; }
    [[nodiscard]] QLineEdit* urlEdit() const noexcept { return m_url; }
    [[nodiscard]] QPlainTextEdit* hostsEdit() const noexcept { return m_hosts; }
    [[nodiscard]] QLineEdit* usernameEdit() const noexcept { return m_username; }
    [[nodiscard]] QLineEdit* passwordEdit() const noexcept { return m_password; }
    [[nodiscard]] QLineEdit* zoneEdit() const noexcept { return m_zone; }
    [[nodiscard]] QComboBox* tsigAlgorithmBox() const noexcept { return m_tsigAlgorithm; }
    [[nodiscard]] QLabel* notesLabel() const noexcept { return m_notes; }
    [[nodiscard]] QLabel* passwordWarning() const noexcept { return m_passwordWarning; }
    [[nodiscard]] QCheckBox* keychainBox() const noexcept { return m_keychain; }
    [[nodiscard]] QLabel* problemLabel(Field field) const;
    [[nodiscard]] QPushButton* testButton() const noexcept { return m_testButton; }
    [[nodiscard]] QLabel* testResult() const noexcept { return m_testResult; }
    [[nodiscard]] bool isRowShown(QWidget* field) const;

signals:
    void edited();
    void validityChanged(bool valid);
    void testFinished(bool ok);

private:
    void build();
    QWidget* withProblem(QWidget* input, Field field);
    void fill(const config::ProfileEntry& entry);
    void onProviderChosen(bool chosenNow);
    void onProtocolChosen();
    void showProtocolRows();
    void revalidate();
    void showTestResult(const TestSummary& summary);
    [[nodiscard]] std::string currentProtocol() const;
    [[nodiscard]] bool keychainChosen() const;
    void showPasswordStorage();

    QFormLayout* m_layout = nullptr;
    QLineEdit* m_name = nullptr;
    QComboBox* m_provider = nullptr;
    QLabel* m_notes = nullptr;
    QComboBox* m_protocol = nullptr;
    QLineEdit* m_server = nullptr;
    QLineEdit* m_url = nullptr;
    QPlainTextEdit* m_hosts = nullptr;
    QLineEdit* m_username = nullptr;
    QLineEdit* m_password = nullptr;
    QCheckBox* m_keychain = nullptr;
    QLabel* m_passwordWarning = nullptr;
    QLineEdit* m_zone = nullptr;
    QComboBox* m_tsigAlgorithm = nullptr;
    QPushButton* m_testButton = nullptr;
    QLabel* m_testResult = nullptr;
    std::map<Field, QLabel*> m_problems;
    std::map<QWidget*, QWidget*> m_rows;  // input -> the row's field widget (input + problem)
    ProfileTester* m_tester = nullptr;
    KeychainState m_keychainState;  // asked once, when the form is made

    config::ProfileEntry m_base;  // what was loaded: the keys the form does not show come from here
    std::vector<std::string> m_taken;
    std::filesystem::path m_baseDir;
    std::string m_loadedRendering;  // entry() right after loading, to tell whether anything changed
    Validation m_validation;
    bool m_isNew = true;
    bool m_showProblems = false;  // a new form shows no reasons until it is edited
    bool m_filling = false;       // set while fields are filled from an entry: no defaults, no signals
};

}  // namespace qdyn::gui
