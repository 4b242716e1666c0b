// qdyn-tray: the desktop front end of qdyn, living in the system tray.
#include <QApplication>
#include <QCommandLineParser>
#include <QString>
#include <exception>
#include <iostream>

#include "app_icon.hpp"
#include "qdyn/version.hpp"
#include "single_instance.hpp"
#include "tray_app.hpp"

int main(int argc, char* argv[]) {
    try {
        QApplication app(argc, argv);
        QApplication::setApplicationName(QStringLiteral("qdyn-tray"));
        QApplication::setApplicationDisplayName(QStringLiteral("qdyn"));
        QApplication::setApplicationVersion(QString::fromLatin1(qdyn::kVersion));
        QApplication::setOrganizationName(QStringLiteral("qdyn"));
        QApplication::setDesktopFileName(QStringLiteral("org.qdyn.QdynTray"));
        QApplication::setWindowIcon(qdyn::gui::appIcon());
        // The tray is the app's home: closing a window must not end it. Quit in the menu is the way out.
        QApplication::setQuitOnLastWindowClosed(false);

        QCommandLineParser parser;
        parser.setApplicationDescription(
            QStringLiteral("qdyn's tray app: keeps every profile's DNS names pointed at this machine, shows at a "
                           "glance whether they do, and says when something needs attention. It reads the same "
                           "profile file and state as the qdyn command."));
        parser.addHelpOption();
        parser.addVersionOption();
        const QCommandLineOption config(
            {QStringLiteral("c"), QStringLiteral("config")},
            QStringLiteral("Profile file (default: $QDYN_CONFIG, ~/.config/qdyn/profiles.toml)."),
            QStringLiteral("file"));
        const QCommandLineOption stateDir(QStringLiteral("state-dir"),
                                          QStringLiteral("Where the agent keeps what it published (default: "
                                                         "$QDYN_STATE_DIR, ~/.local/state/qdyn)."),
                                          QStringLiteral("dir"));
        parser.addOption(config);
        parser.addOption(stateDir);
        parser.process(app);

        // One tray per user: a second start shows the running one's window and ends.
        qdyn::gui::SingleInstance instance;
        if (!instance.tryBecomePrimary()) {
            std::cerr << "qdyn-tray: already running; showed the running one\n";
            return 0;
        }

        qdyn::gui::TrayApp::Options options;
        if (parser.isSet(config)) options.agent.configPath = parser.value(config).toStdString();
        if (parser.isSet(stateDir)) options.agent.stateDir = parser.value(stateDir).toStdString();
        qdyn::gui::TrayApp tray(std::move(options));
        QObject::connect(&instance, &qdyn::gui::SingleInstance::activationRequested, &tray,
                         &qdyn::gui::TrayApp::activate);
        tray.start();
        return QApplication::exec();
    } catch (const std::exception& e) {
        std::cerr << "qdyn-tray: " << e.what() << '\n';
        return 1;
    }
}
