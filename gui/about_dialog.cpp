// The About box (see about_dialog.hpp).
#include "about_dialog.hpp"

#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QVBoxLayout>
#include <QtGlobal>

#include "app_icon.hpp"
#include "qdyn/version.hpp"

namespace qdyn::gui {

AboutDialog::AboutDialog(const AboutInfo& info, QWidget* parent) : QDialog(parent), m_text(new QLabel(this)) {
    setWindowTitle(tr("About qdyn"));

    QString html;
    html += QStringLiteral("<h3>qdyn-tray %1</h3>").arg(QString::fromUtf8(qdyn::kVersion).toHtmlEscaped());
    html +=
        QStringLiteral("<p>%1</p>")
            .arg(tr("qdyn keeps DNS names pointed at this machine while its public address changes.").toHtmlEscaped());
    if (!info.licence.isEmpty()) html += QStringLiteral("<p>%1</p>").arg(info.licence.toHtmlEscaped());
    // Built against and running on can differ when Qt comes from the system.
    html += QStringLiteral("<p>%1</p>")
                .arg(tr("Qt %1 (built with %2)")
                         .arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR))
                         .toHtmlEscaped());
    const QString config = info.configPath.isEmpty() ? tr("(none yet)") : QDir::toNativeSeparators(info.configPath);
    html += QStringLiteral("<p>%1<br><tt>%2</tt></p>").arg(tr("Profiles:").toHtmlEscaped(), config.toHtmlEscaped());
    if (info.readmeUrl.isValid() && !info.readmeUrl.isEmpty()) {
        html += QStringLiteral("<p><a href=\"%1\">%2</a></p>")
                    .arg(info.readmeUrl.toString(QUrl::FullyEncoded).toHtmlEscaped(), tr("README").toHtmlEscaped());
    }

    m_text->setObjectName(QStringLiteral("aboutText"));
    m_text->setTextFormat(Qt::RichText);
    m_text->setText(html);
    m_text->setOpenExternalLinks(true);
    m_text->setTextInteractionFlags(Qt::TextBrowserInteraction);  // the path can be selected and copied
    m_text->setWordWrap(true);

    auto* icon = new QLabel(this);
    const int side = 64;
    icon->setPixmap(appIcon().pixmap(side, side));
    icon->setAlignment(Qt::AlignTop);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* row = new QHBoxLayout;
    row->addWidget(icon);
    row->addWidget(m_text, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(buttons);
    setMinimumWidth(420);
}

QString AboutDialog::text() const {
    return m_text->text();
}

AboutDialog* showAboutDialog(const AboutInfo& info, QWidget* parent) {
    auto* dialog = new AboutDialog(info, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
    return dialog;
}

}  // namespace qdyn::gui
