// The profile form (profile_form.hpp).
#include "settings/profile_form.hpp"

#include "theme_colors.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "qdyn/config/profile_reader.hpp"
#include "qdyn/protocols/registry.hpp"
#include "qdyn/providers/catalog.hpp"
#include "settings/password_storage.hpp"
#include "settings/profile_tester.hpp"

namespace qdyn::gui {

namespace {

QString fromStd(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

std::string toStd(const QString& text) {
    return text.toStdString();
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : std::string(separator)) + item;
    return out;
}

// An example server URL for the placeholder: the protocol's first scheme and a made-up host.
QString serverExample(std::string_view protocol) {
    if (protocol == "rfc2136") return QStringLiteral("dns://192.0.2.53 (the primary server)");
    if (protocol == "file") return QStringLiteral("file:///var/lib/qdyn/addresses");
    const ProtocolEntry* entry = findProtocol(protocol);
    const std::string_view schemes = entry != nullptr ? entry->schemes : std::string_view("https");
    return fromStd(schemes.substr(0, schemes.find(' '))) + QStringLiteral("://ddns.example.com");
}

// A problem label: the reason a field cannot be saved, in a colour that reads on light and dark
// themes, empty and hidden while the field is fine.
// A label that wraps to the form's width (QFormLayout only grows fields that ask to expand).
QLabel* wrappedLabel(QWidget* parent, const QString& text = {}) {
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    return label;
}

QLabel* problemLabelFor(QWidget* parent) {
    QLabel* label = wrappedLabel(parent);
    label->setStyleSheet(textColorStyle(problemTextColor(parent->palette())));
    label->setVisible(false);
    return label;
}

}  // namespace

ProfileForm::ProfileForm(QWidget* parent)
    : QWidget(parent), m_tester(new ProfileTester(this)), m_keychainState(keychainState()) {
    build();
    connect(m_tester, &ProfileTester::finished, this, &ProfileForm::showTestResult);
    startNew({});
}

ProfileForm::~ProfileForm() = default;

QWidget* ProfileForm::withProblem(QWidget* input, Field field) {
    auto* box = new QWidget(this);
    auto* column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    column->addWidget(input);
    QLabel* problem = problemLabelFor(box);
    column->addWidget(problem);
    box->setFocusProxy(input);  // the row's label (and its mnemonic) leads to the input
    m_problems[field] = problem;
    m_rows[input] = box;
    return box;
}

void ProfileForm::build() {
    m_layout = new QFormLayout(this);
    m_layout->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);

    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("home"));
    m_layout->addRow(tr("&Name:"), withProblem(m_name, Field::Name));

    m_provider = new QComboBox(this);
    m_provider->addItem(tr("Custom (choose the protocol)"), QString());
    for (const providers::Provider& provider : providers::catalog()) {
        m_provider->addItem(fromStd(provider.title), fromStd(provider.name));
    }
    m_layout->addRow(tr("Pro&vider:"), m_provider);
    m_notes = wrappedLabel(this);
    m_layout->addRow(QString(), m_notes);

    m_protocol = new QComboBox(this);
    for (const ProtocolEntry& protocol : protocolRegistry()) {
        m_protocol->addItem(fromStd(protocol.name), fromStd(protocol.name));
        m_protocol->setItemData(m_protocol->count() - 1, fromStd(protocol.summary), Qt::ToolTipRole);
    }
    m_layout->addRow(tr("Pr&otocol:"), withProblem(m_protocol, Field::Protocol));

    m_server = new QLineEdit(this);
    m_layout->addRow(tr("Se&rver:"), withProblem(m_server, Field::Server));
    m_url = new QLineEdit(this);
    m_url->setPlaceholderText(QStringLiteral("https://ddns.example.com/update?host=<domain>&ip=<ipaddr>"));
    m_layout->addRow(tr("&URL template:"), withProblem(m_url, Field::Url));

    m_hosts = new QPlainTextEdit(this);
    m_hosts->setTabChangesFocus(true);
    m_hosts->setPlaceholderText(tr("home.example.net, nas.example.net"));
    m_hosts->setFixedHeight(m_hosts->fontMetrics().lineSpacing() * 4);
    m_hosts->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);  // its row must not take the form's slack
    m_layout->addRow(tr("&Hosts:"), withProblem(m_hosts, Field::Hosts));

    m_zone = new QLineEdit(this);
    m_zone->setPlaceholderText(tr("found by asking the server (SOA)"));
    m_layout->addRow(tr("&Zone:"), withProblem(m_zone, Field::Zone));
    m_tsigAlgorithm = new QComboBox(this);
    for (const char* algorithm : {"hmac-sha256", "hmac-sha512", "hmac-sha1"}) {
        m_tsigAlgorithm->addItem(QString::fromLatin1(algorithm));
    }
    m_layout->addRow(tr("TSIG &algorithm:"), m_tsigAlgorithm);

    m_username = new QLineEdit(this);
    m_layout->addRow(tr("Us&ername:"), withProblem(m_username, Field::Username));
    m_password = new QLineEdit(this);
    m_password->setEchoMode(QLineEdit::Password);
    m_layout->addRow(tr("&Password:"), withProblem(m_password, Field::Password));
    m_keychain = new QCheckBox(fromStd(keychainChoiceText()), this);
    m_keychain->setEnabled(m_keychainState.available);
    m_keychain->setToolTip(m_keychainState.available
                               ? tr("Saving puts the password in the system keychain and only password_keychain = "
                                    "true in the profile file; unticked, the password goes in the file")
                               : fromStd(keychainUnavailableNote(m_keychainState)));
    m_layout->addRow(QString(), m_keychain);
    m_passwordWarning = wrappedLabel(this);
    m_passwordWarning->setStyleSheet(textColorStyle(warningTextColor(palette())));
    m_layout->addRow(QString(), m_passwordWarning);

    QLabel* whole = problemLabelFor(this);
    m_problems[Field::Profile] = whole;
    m_layout->addRow(QString(), whole);

    m_testButton = new QPushButton(tr("&Test"), this);
    m_testButton->setToolTip(
        tr("Detect the addresses this profile would publish and check the credentials, changing no record"));
    m_testResult = wrappedLabel(this);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* testRow = new QHBoxLayout;
    testRow->addWidget(m_testButton);
    testRow->addStretch();
    m_layout->addRow(testRow);
    m_layout->addRow(m_testResult);  // the whole width: the lines of a test can be long

    const auto edited = [this] {
        if (m_filling) return;
        m_showProblems = true;
        revalidate();
    };
    for (QLineEdit* line : {m_name, m_server, m_url, m_username, m_password, m_zone}) {
        connect(line, &QLineEdit::textChanged, this, edited);
    }
    connect(m_hosts, &QPlainTextEdit::textChanged, this, edited);
    connect(m_keychain, &QCheckBox::toggled, this, [this, edited] {
        showPasswordStorage();
        edited();
    });
    connect(m_tsigAlgorithm, &QComboBox::currentIndexChanged, this, edited);
    connect(m_provider, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_filling) onProviderChosen(true);
    });
    // A choice made by hand counts as an edit (activated follows currentIndexChanged).
    for (QComboBox* box : {m_provider, m_protocol}) {
        connect(box, &QComboBox::activated, this, [this] {
            m_showProblems = true;
            revalidate();
        });
    }
    connect(m_protocol, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_filling) onProtocolChosen();
    });
    connect(m_testButton, &QPushButton::clicked, this, [this] { startTest(); });
}

QLabel* ProfileForm::problemLabel(Field field) const {
    const auto found = m_problems.find(field);
    return found == m_problems.end() ? nullptr : found->second;
}

bool ProfileForm::isRowShown(QWidget* field) const {
    const auto found = m_rows.find(field);
    QWidget* row = found == m_rows.end() ? field : found->second;
    return !row->isHidden();
}

void ProfileForm::setBaseDirectory(std::filesystem::path directory) {
    m_baseDir = std::move(directory);
    revalidate();
}

void ProfileForm::startNew(std::vector<std::string> taken) {
    m_isNew = true;
    m_showProblems = false;  // an empty form is not yet wrong: reasons appear once it is edited
    m_taken = std::move(taken);
    config::ProfileEntry blank;
    blank.protocol = "dyndns2";
    fill(blank);
}

void ProfileForm::load(const config::ProfileEntry& entry, std::vector<std::string> taken) {
    m_isNew = false;
    m_showProblems = true;
    m_taken = std::move(taken);
    fill(entry);
}

void ProfileForm::fill(const config::ProfileEntry& entry) {
    m_filling = true;
    m_base = config::cloneProfileEntry(entry);
    const providers::Provider* provider = providers::findProvider(entry.provider);
    m_name->setText(fromStd(entry.name));
    m_name->setReadOnly(!m_isNew);
    m_name->setToolTip(m_isNew ? QString()
                               : tr("The name also names the profile's saved state; to rename it, add a new "
                                    "profile and remove this one."));
    m_provider->setCurrentIndex(std::max(0, m_provider->findData(fromStd(entry.provider))));
    const std::string protocol = !entry.protocol.empty() ? entry.protocol
                                 : provider != nullptr   ? std::string(provider->protocol)
                                                         : std::string("dyndns2");
    m_protocol->setCurrentIndex(std::max(0, m_protocol->findData(fromStd(protocol))));
    // A field the provider's row supplies shows the row's value until the profile sets its own.
    m_server->setText(fromStd(!entry.server.empty() || provider == nullptr ? entry.server : provider->server));
    const bool rowUrl = provider != nullptr && provider->protocol == "custom";
    m_url->setText(fromStd(!entry.url.empty() || !rowUrl ? entry.url : provider->path));
    m_hosts->setPlainText(fromStd(joined(entry.hosts, "\n")));
    m_username->setText(fromStd(entry.username));
    const Secret shown = passwordToShow(entry);
    m_password->setText(fromStd(shown.reveal()));
    m_password->setPlaceholderText(fromStd(describeKeptPassword(entry)));
    m_keychain->setChecked(keychainByDefault(entry, m_keychainState));
    showPasswordStorage();
    m_zone->setText(fromStd(entry.zone));
    m_tsigAlgorithm->setCurrentIndex(std::max(
        0, m_tsigAlgorithm->findText(fromStd(entry.tsigAlgorithm.empty() ? "hmac-sha256" : entry.tsigAlgorithm))));
    m_testResult->clear();
    m_filling = false;
    onProviderChosen(false);
    m_loadedRendering = config::renderProfile(this->entry());
}

void ProfileForm::chooseProvider(std::string_view name) {
    m_showProblems = true;
    m_provider->setCurrentIndex(std::max(0, m_provider->findData(fromStd(name))));
}

void ProfileForm::chooseProtocol(std::string_view name) {
    if (!m_protocol->isEnabled()) return;
    m_showProblems = true;
    m_protocol->setCurrentIndex(std::max(0, m_protocol->findData(fromStd(name))));
}

void ProfileForm::onProviderChosen(bool chosenNow) {
    const providers::Provider* provider = providers::findProvider(toStd(m_provider->currentData().toString()));
    m_protocol->setEnabled(provider == nullptr);
    if (provider != nullptr) {
        m_filling = true;
        m_protocol->setCurrentIndex(std::max(0, m_protocol->findData(fromStd(provider->protocol))));
        // A provider just chosen fills in what its row knows (an empty server for a self-hosted
        // one); a profile being loaded keeps its own values.
        if (chosenNow) {
            m_server->setText(fromStd(provider->server));
            if (provider->protocol == "custom") m_url->setText(fromStd(provider->path));
        }
        m_filling = false;
        m_notes->setText(fromStd(provider->notes));
        m_server->setPlaceholderText(provider->server.empty() ? tr("your server's address (self-hosted)")
                                                              : fromStd(provider->server));
    }
    onProtocolChosen();
}

void ProfileForm::onProtocolChosen() {
    const std::string protocol = currentProtocol();
    if (providers::findProvider(toStd(m_provider->currentData().toString())) == nullptr) {
        const ProtocolEntry* entry = findProtocol(protocol);
        m_notes->setText(entry != nullptr ? fromStd(entry->summary) : QString());
        m_server->setPlaceholderText(serverExample(protocol));
    }
    showProtocolRows();
    revalidate();
}

void ProfileForm::showProtocolRows() {
    const std::string protocol = currentProtocol();
    const bool rfc2136 = protocol == "rfc2136";
    m_layout->setRowVisible(m_rows.at(m_url), protocol == "custom");
    m_layout->setRowVisible(m_rows.at(m_zone), rfc2136);
    m_layout->setRowVisible(m_tsigAlgorithm, rfc2136);
    const bool noCredentials = credentialRule(protocol).none;
    m_layout->setRowVisible(m_rows.at(m_username), !noCredentials);
    m_layout->setRowVisible(m_rows.at(m_password), !noCredentials);
    m_layout->setRowVisible(m_keychain, !noCredentials);
    m_layout->setRowVisible(m_passwordWarning, !noCredentials);
    if (auto* label = qobject_cast<QLabel*>(m_layout->labelForField(m_rows.at(m_username)))) {
        label->setText(rfc2136 ? tr("TSIG &key name:") : tr("Us&ername:"));
    }
    if (auto* label = qobject_cast<QLabel*>(m_layout->labelForField(m_rows.at(m_password)))) {
        label->setText(rfc2136 ? tr("TSI&G secret:") : tr("&Password:"));
    }
}

bool ProfileForm::keychainChosen() const {
    return m_keychainState.available && m_keychain->isChecked();
}

// The warning says where the password is or will be, and why the keychain is not offered.
void ProfileForm::showPasswordStorage() {
    std::string text = passwordStorageWarning(keychainChosen());
    if (!m_keychainState.available) text += " " + keychainUnavailableNote(m_keychainState);
    m_passwordWarning->setText(fromStd(text));
}

std::string ProfileForm::currentProtocol() const {
    return toStd(m_protocol->currentData().toString());
}

ProfileFields ProfileForm::fields() const {
    ProfileFields out;
    out.name = toStd(m_name->text());
    out.provider = toStd(m_provider->currentData().toString());
    out.protocol = currentProtocol();
    out.server = toStd(m_server->text().trimmed());
    out.url = toStd(m_url->text().trimmed());
    out.hosts = toStd(m_hosts->toPlainText());
    out.username = toStd(m_username->text());
    out.hasPassword = !m_password->text().isEmpty() || keepsPasswordElsewhere(m_base);
    out.zone = toStd(m_zone->text().trimmed());
    out.tsigAlgorithm = toStd(m_tsigAlgorithm->currentText());
    return out;
}

config::ProfileEntry ProfileForm::entry() const {
    const ProfileFields typed = fields();
    config::ProfileEntry out = config::cloneProfileEntry(m_base);
    const providers::Provider* provider = providers::findProvider(typed.provider);
    const providers::Provider* baseProvider = providers::findProvider(m_base.provider);
    const std::string baseProtocol = !m_base.protocol.empty()  ? m_base.protocol
                                     : baseProvider != nullptr ? std::string(baseProvider->protocol)
                                                               : "";
    // Keys that belong to another protocol or provider row would not load (or would mean
    // something else) once the protocol changed.
    if (typed.provider != m_base.provider || typed.protocol != baseProtocol) {
        out.path.clear();
        out.ipv6.clear();
    }
    if (typed.protocol != "custom") {
        out.url.clear();
        out.success.clear();
        out.unchanged.clear();
        out.failure.clear();
    }
    if (typed.protocol != "rfc2136") {
        out.zone.clear();
        out.tsigAlgorithm.clear();
        out.ttl.reset();
    }
    out.name = typed.name;
    out.provider = typed.provider;
    if (provider != nullptr) {
        // Left as the row has them, so that the profile follows the catalog.
        out.protocol.clear();
        out.server = typed.server == provider->server ? std::string() : typed.server;
        if (typed.protocol == "custom") out.url = typed.url == provider->path ? std::string() : typed.url;
    } else {
        out.protocol = typed.protocol;
        out.server = typed.server;
        if (typed.protocol == "custom") out.url = typed.url;
    }
    auto hosts = parseHostList(typed.hosts);
    out.hosts = hosts ? std::move(*hosts) : std::vector<std::string>{};
    out.username = typed.username;
    storePassword(out, Secret(toStd(m_password->text())), keychainChosen());
    if (typed.protocol == "rfc2136") {
        out.zone = typed.zone;
        out.tsigAlgorithm = typed.tsigAlgorithm;
    }
    return out;
}

bool ProfileForm::isModified() const {
    // A new password for the keychain leaves the file's text as it was.
    const bool newKeychainPassword = m_base.passwordFrom == config::ProfileEntry::PasswordFrom::Keychain &&
                                     keychainChosen() && !m_password->text().isEmpty();
    return newKeychainPassword || config::renderProfile(entry()) != m_loadedRendering;
}

void ProfileForm::revalidate() {
    const bool wasValid = m_validation.ok();
    m_validation = validateProfile(fields(), m_taken, entry(), m_baseDir);
    for (const auto& [field, label] : m_problems) {
        const std::string problem = m_validation.problemOf(field);
        label->setText(fromStd(problem));
        label->setVisible(m_showProblems && !problem.empty());
    }
    m_testButton->setEnabled(m_validation.ok() && !isTesting());
    emit edited();
    if (wasValid != m_validation.ok()) emit validityChanged(m_validation.ok());
}

bool ProfileForm::startTest() {
    if (!isValid() || isTesting()) return false;
    const config::ProfileEntry tried = entry();
    auto profile = parseEntry(tried, m_baseDir);
    if (!profile) {
        m_testResult->setText(fromStd(profile.message()));
        return false;
    }
    // The file's text never holds a keychain password: the typed one is tried as it is, the saved
    // one is read from the keychain by the tester.
    if (tried.passwordFrom == config::ProfileEntry::PasswordFrom::Keychain && !tried.password.empty()) {
        profile->password = tried.password.clone();
    } else if (m_base.passwordFrom == config::ProfileEntry::PasswordFrom::Keychain && tried.password.empty() &&
               (tried.passwordFrom == config::ProfileEntry::PasswordFrom::Keychain ||
                tried.passwordFrom == config::ProfileEntry::PasswordFrom::Inline)) {
        profile->passwordInKeychain = true;
    }
    m_testButton->setEnabled(false);
    m_testResult->setText(tr("Testing: detecting the addresses and asking the server..."));
    m_tester->start(std::move(*profile));
    return true;
}

bool ProfileForm::isTesting() const {
    return m_tester->isRunning();
}

void ProfileForm::showTestResult(const TestSummary& summary) {
    QString text = QStringLiteral("<b>%1</b>").arg(fromStd(summary.headline).toHtmlEscaped());
    if (!summary.details.empty()) {
        // Wrapped, so a long reason never widens the form.
        QStringList lines;
        for (const auto& line : summary.details)
            lines << fromStd(line).toHtmlEscaped();
        text += QStringLiteral("<p style=\"white-space: pre-wrap; font-family: monospace;\">%1</p>")
                    .arg(lines.join(QStringLiteral("<br>")));
    }
    m_testResult->setText(text);
    m_testButton->setEnabled(m_validation.ok());
    emit testFinished(summary.ok);
}

}  // namespace qdyn::gui
