// The qdyn application icon, rendered from the SVG compiled into qdyn_gui_lib.
#pragma once

#include <QIcon>

#include "tray_status.hpp"

namespace qdyn::gui {

// Resource path of the icon's SVG source.
inline constexpr const char* kAppIconPath = ":/qdyn/qdyn.svg";

// The icon as pixmaps at the usual tray, menu and window sizes. Rendered here with QSvgRenderer
// rather than left to QIcon's SVG plugin, so a deployment without that plugin still has an icon.
// Null if the SVG cannot be read. Needs a QGuiApplication.
QIcon appIcon();

// The tray icon for a state: the app icon with a badge (check, arrow, exclamation mark, pause
// bars) whose shape tells the state as well as its colour does.
QIcon stateIcon(TrayState state);
// Resource path of a state's SVG.
const char* stateIconPath(TrayState state);

}  // namespace qdyn::gui
