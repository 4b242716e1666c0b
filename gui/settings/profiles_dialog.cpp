// The profiles dialog (profiles_dialog.hpp).
#include "settings/profiles_dialog.hpp"

#include "theme_colors.hpp"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include "settings/password_storage.hpp"
#include "settings/profile_file.hpp"
#include "settings/profile_form.hpp"

namespace qdyn::gui {

namespace {

QString fromStd(const std::string& text) {
    return QString::fromStdString(text);
}

QString pathText(const std::filesystem::path& path) {
    return QString::fromStdString(path.string());
}

}  // namespace

ProfilesDialog::ProfilesDialog(std::filesystem::path profileFile, QWidget* parent)
    : QDialog(parent), m_file(std::make_unique<ProfileFile>(std::move(profileFile))) {
    m_confirm = [this](const QString& question) {
        return QMessageBox::question(this, windowTitle(), question) == QMessageBox::Yes;
    };
    build();
    showFile();
}

ProfilesDialog::~ProfilesDialog() = default;

void ProfilesDialog::build() {
    setWindowTitle(tr("Profiles"));
    auto* page = new QVBoxLayout(this);
    m_path = new QLabel(this);
    m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_path->setWordWrap(true);
    page->addWidget(m_path);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setVisible(false);
    page->addWidget(m_message);

    auto* middle = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    m_list = new QListWidget(this);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    left->addWidget(m_list);
    auto* listButtons = new QHBoxLayout;
    m_add = new QPushButton(tr("A&dd"), this);
    m_remove = new QPushButton(tr("Re&move"), this);
    listButtons->addWidget(m_add);
    listButtons->addWidget(m_remove);
    left->addLayout(listButtons);
    middle->addLayout(left, 1);

    auto* right = new QVBoxLayout;
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // the form wraps to the width instead
    m_form = new ProfileForm(scroll);
    m_form->setBaseDirectory(m_file->path().parent_path());
    scroll->setWidget(m_form);
    right->addWidget(scroll);
    auto* formButtons = new QHBoxLayout;
    formButtons->addStretch();
    m_save = new QPushButton(tr("&Save"), this);
    formButtons->addWidget(m_save);
    right->addLayout(formButtons);
    middle->addLayout(right, 3);
    page->addLayout(middle, 1);

    auto* bottom = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_reload = bottom->addButton(tr("Re&load"), QDialogButtonBox::ResetRole);
    m_reload->setToolTip(tr("Read the profile file again (after qdyn or an editor changed it)"));
    page->addWidget(bottom);
    resize(900, 640);

    connect(m_list, &QListWidget::currentRowChanged, this, [this] {
        if (!m_selecting) onSelectionChanged();
    });
    connect(m_add, &QPushButton::clicked, this, &ProfilesDialog::startNewProfile);
    connect(m_remove, &QPushButton::clicked, this, &ProfilesDialog::removeSelected);
    connect(m_save, &QPushButton::clicked, this, &ProfilesDialog::save);
    connect(m_reload, &QPushButton::clicked, this, &ProfilesDialog::reload);
    connect(m_form, &ProfileForm::edited, this, &ProfilesDialog::updateButtons);
    connect(bottom, &QDialogButtonBox::rejected, this, &ProfilesDialog::reject);
}

void ProfilesDialog::setConfirm(Confirm confirm) {
    m_confirm = std::move(confirm);
}

const std::filesystem::path& ProfilesDialog::profilePath() const {
    return m_file->path();
}

bool ProfilesDialog::isEditable() const {
    return m_file->editable();
}

QString ProfilesDialog::message() const {
    return m_message->isHidden() ? QString() : m_message->text();
}

void ProfilesDialog::showMessage(const QString& text, bool problem) {
    m_message->setText(text);
    m_message->setStyleSheet(problem ? textColorStyle(problemTextColor(palette()), true) : QString());
    m_message->setVisible(!text.isEmpty());
}

// The list as the file now is; the form empty until a profile is chosen.
void ProfilesDialog::showFile() {
    m_selecting = true;
    m_list->clear();
    for (const auto& profile : m_file->profiles()) {
        auto* item = new QListWidgetItem(fromStd(profile.name), m_list);
        std::string hosts;
        for (const auto& host : profile.hosts)
            hosts += (hosts.empty() ? "" : ", ") + host;
        item->setToolTip(
            fromStd(profile.protocol + (profile.server.empty() ? "" : " at " + profile.server) + "\n" + hosts));
    }
    m_list->setCurrentRow(-1);
    m_selecting = false;
    m_shown.clear();
    m_formActive = false;
    m_form->startNew(m_file->names());
    m_path->setText(
        m_file->exists()
            ? tr("Profiles in %1").arg(pathText(m_file->path()))
            : tr("Profiles in %1 (not created yet: the first profile saved creates it)").arg(pathText(m_file->path())));
    if (m_file->editable()) {
        showMessage(QString(), false);
    } else {
        showMessage(tr("This profile file cannot be edited here:\n%1\nIt was left exactly as it is. Fix it in a text "
                       "editor (or with the qdyn command), then press Reload.")
                        .arg(fromStd(m_file->problem())),
                    true);
    }
    updateButtons();
}

QString ProfilesDialog::selectedName() const {
    const QListWidgetItem* item = m_list->currentItem();
    return item != nullptr && item->isSelected() ? item->text() : QString();
}

bool ProfilesDialog::mayDropChanges() {
    if (!m_formActive || !m_form->isModified()) return true;
    const QString which = m_shown.isEmpty() ? tr("the new profile") : tr("profile %1").arg(m_shown);
    return m_confirm(tr("Drop the unsaved changes to %1?").arg(which));
}

void ProfilesDialog::onSelectionChanged() {
    const QString name = selectedName();
    if (!mayDropChanges()) {
        // Back to the profile whose changes are kept.
        m_selecting = true;
        const auto found = m_list->findItems(m_shown, Qt::MatchExactly);
        m_list->setCurrentItem(found.isEmpty() ? nullptr : found.front());
        if (found.isEmpty()) m_list->setCurrentRow(-1);
        m_selecting = false;
        return;
    }
    m_shown = name;
    m_formActive = false;
    if (!name.isEmpty()) {
        auto entry = m_file->entry(name.toStdString());
        if (!entry) {
            showMessage(tr("Profile %1 cannot be edited here: %2").arg(name, fromStd(entry.message())), true);
        } else {
            std::vector<std::string> others = m_file->names();
            std::erase(others, name.toStdString());
            m_form->load(*entry, std::move(others));
            m_formActive = true;
            showMessage(QString(), false);
        }
    }
    updateButtons();
}

bool ProfilesDialog::selectProfile(const QString& name) {
    const auto found = m_list->findItems(name, Qt::MatchExactly);
    if (found.isEmpty()) return false;
    m_list->setCurrentItem(found.front());
    return m_shown == name && m_formActive;
}

void ProfilesDialog::startNewProfile() {
    if (!isEditable() || !mayDropChanges()) return;
    m_selecting = true;
    m_list->setCurrentRow(-1);
    m_selecting = false;
    m_shown.clear();
    m_form->startNew(m_file->names());
    m_formActive = true;
    m_form->nameEdit()->setFocus();
    updateButtons();
}

bool ProfilesDialog::save() {
    if (!m_formActive || !isEditable() || !m_form->isValid()) return false;
    const config::ProfileEntry entry = m_form->entry();
    const bool isNew = m_form->isNew();
    // password_storage decides where the password goes and keeps the file and the keychain in step.
    auto written = saveProfile(entry, m_form->loadedPasswordFrom(), [this, isNew](const config::ProfileEntry& toWrite) {
        return isNew ? m_file->add(toWrite) : m_file->replace(toWrite);
    });
    if (!written) {
        showMessage(tr("Nothing was saved: %1").arg(fromStd(written.message())), true);
        return false;
    }
    const QString name = fromStd(entry.name);
    showFile();
    selectProfile(name);
    QString saved = tr("Saved profile %1 in %2.").arg(name, pathText(m_file->path()));
    if (!written->empty()) saved += QLatin1Char(' ') + fromStd(*written);
    showMessage(saved, !written->empty());
    emit profilesChanged();
    return true;
}

bool ProfilesDialog::removeSelected() {
    const QString name = selectedName();
    if (name.isEmpty() || !isEditable()) return false;
    if (!m_confirm(tr("Remove profile %1 from %2?").arg(name, pathText(m_file->path())))) return false;
    const config::Profile* loaded = nullptr;
    for (const auto& profile : m_file->profiles()) {
        if (profile.name == name.toStdString()) loaded = &profile;
    }
    const bool inKeychain = loaded != nullptr && loaded->passwordInKeychain;
    if (auto removed = m_file->remove(name.toStdString()); !removed) {
        showMessage(tr("Nothing was removed: %1").arg(fromStd(removed.message())), true);
        return false;
    }
    showFile();
    if (auto forgotten = forgetPassword(name.toStdString(), inKeychain); !forgotten) {
        showMessage(tr("Removed profile %1 from %2, but the keychain still holds its password: %3")
                        .arg(name, pathText(m_file->path()), fromStd(forgotten.message())),
                    true);
    } else {
        showMessage(tr("Removed profile %1 from %2.").arg(name, pathText(m_file->path())), false);
    }
    emit profilesChanged();
    return true;
}

void ProfilesDialog::reload() {
    if (!mayDropChanges()) return;
    m_file->reload();
    showFile();
}

void ProfilesDialog::reject() {
    if (!mayDropChanges()) return;
    QDialog::reject();
}

void ProfilesDialog::updateButtons() {
    const bool editable = isEditable();
    m_add->setEnabled(editable);
    m_remove->setEnabled(editable && !selectedName().isEmpty());
    m_form->setEnabled(editable && m_formActive);
    m_save->setEnabled(editable && m_formActive && m_form->isValid() && (m_form->isNew() || m_form->isModified()));
}

}  // namespace qdyn::gui
