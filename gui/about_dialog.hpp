// The About box: name, version, what qdyn is, licence, Qt version, the profile file in use and a
// link to the README.
#pragma once

#include <QDialog>
#include <QString>
#include <QUrl>

class QLabel;

namespace qdyn::gui {

struct AboutInfo {
    QString configPath;  // the profile file the app reads
    QUrl readmeUrl;      // the project's README; the link is left out while it is empty
    QString licence;     // the licence line of the project's LICENSE; left out while it is empty
};

class AboutDialog : public QDialog {
    Q_OBJECT

public:
    explicit AboutDialog(const AboutInfo& info, QWidget* parent = nullptr);

    // The dialog's text as rich text (what the label shows).
    [[nodiscard]] QString text() const;

private:
    QLabel* m_text;
};

// Shows a non-modal About box that deletes itself when closed, raised above other windows (a
// tray app has no main window to stay on top of); returns it so a caller can keep just one.
AboutDialog* showAboutDialog(const AboutInfo& info, QWidget* parent = nullptr);

}  // namespace qdyn::gui
