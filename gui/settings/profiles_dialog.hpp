// The profiles dialog of qdyn-tray: the profiles of one profile file listed, added, edited and
// removed through core's checked text editor, so comments and the other profiles stay as they
// are; a file that does not load is shown with why and never written.
#pragma once

#include <QDialog>
#include <filesystem>
#include <functional>
#include <memory>

class QLabel;
class QListWidget;
class QPushButton;

namespace qdyn::gui {

class ProfileFile;
class ProfileForm;

class ProfilesDialog : public QDialog {
    Q_OBJECT

public:
    // Reads `profileFile` (typically config::defaultProfilePath(), the file the agent and the CLI
    // use). A missing file is created by the first save.
    explicit ProfilesDialog(std::filesystem::path profileFile, QWidget* parent = nullptr);
    ~ProfilesDialog() override;

    ProfilesDialog(const ProfilesDialog&) = delete;
    ProfilesDialog& operator=(const ProfilesDialog&) = delete;

    // Asked before a profile is removed and before unsaved changes are dropped; true goes on.
    // The default asks with a message box; tests answer themselves.
    using Confirm = std::function<bool(const QString& question)>;
    void setConfirm(Confirm confirm);

    [[nodiscard]] const std::filesystem::path& profilePath() const;
    // False while the file cannot be read or does not load (message() says why).
    [[nodiscard]] bool isEditable() const;
    [[nodiscard]] QString message() const;

    // What the buttons do, for the tray app and for tests; each returns whether it happened.
    bool selectProfile(const QString& name);
    void startNewProfile();
    bool save();
    bool removeSelected();
    void reload();

    [[nodiscard]] QListWidget* profileList() const noexcept { return m_list; }
    [[nodiscard]] ProfileForm* form() const noexcept { return m_form; }
    [[nodiscard]] QPushButton* addButton() const noexcept { return m_add; }
    [[nodiscard]] QPushButton* removeButton() const noexcept { return m_remove; }
    [[nodiscard]] QPushButton* saveButton() const noexcept { return m_save; }
    [[nodiscard]] QPushButton* reloadButton() const noexcept { return m_reload; }
    [[nodiscard]] QLabel* messageLabel() const noexcept { return m_message; }

public slots:
    void reject() override;

signals:
    // After every successful write of the profile file.
    void profilesChanged();

private:
    void build();
    void showFile();
    void showMessage(const QString& text, bool problem);
    void onSelectionChanged();
    void updateButtons();
    [[nodiscard]] QString selectedName() const;
    [[nodiscard]] bool mayDropChanges();

    std::unique_ptr<ProfileFile> m_file;
    Confirm m_confirm;
    QLabel* m_path = nullptr;
    QLabel* m_message = nullptr;
    QListWidget* m_list = nullptr;
    ProfileForm* m_form = nullptr;
    QPushButton* m_add = nullptr;
    QPushButton* m_remove = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_reload = nullptr;
    QString m_shown;            // the profile in the form; empty for a new one or none
    bool m_formActive = false;  // the form holds a profile (new or existing) that may be saved
    bool m_selecting = false;   // set while the list is changed by the dialog itself
};

}  // namespace qdyn::gui
