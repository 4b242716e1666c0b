// qdyn-tray: the desktop front end of qdyn, living in the system tray.
#include "app_icon.hpp"
#include "qdyn/version.hpp"
#include "tray_icon.hpp"

#include <QApplication>
#include <QString>

#include <exception>
#include <iostream>

int main(int argc, char* argv[]) {
  try {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("qdyn-tray"));
    QApplication::setApplicationDisplayName(QStringLiteral("qdyn"));
    QApplication::setApplicationVersion(QString::fromLatin1(qdyn::kVersion));
    QApplication::setOrganizationName(QStringLiteral("qdyn"));
    QApplication::setDesktopFileName(QStringLiteral("qdyn-tray"));
    QApplication::setWindowIcon(qdyn::gui::appIcon());
    // The tray is the app's home: closing a window (the no-tray fallback now, settings later)
    // must not end it. Quit in the menu is the way out.
    QApplication::setQuitOnLastWindowClosed(false);

    qdyn::gui::TrayIcon tray;
    tray.start();
    return QApplication::exec();
  } catch (const std::exception& e) {
    std::cerr << "qdyn-tray: " << e.what() << '\n';
    return 1;
  }
}
