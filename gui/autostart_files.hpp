// The files "start at login" writes on Linux (an XDG autostart desktop entry) and on macOS (a
// LaunchAgent property list): only their text, portable, so both are tested on any platform.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "qdyn/result.hpp"

namespace qdyn::gui {

// The application id shared by the desktop file, the icon, the LaunchAgent label.
inline constexpr std::string_view kAppId = "org.qdyn.QdynTray";

// One Exec argument as the Desktop Entry Specification wants it: quoted when it holds a reserved
// character (\" ` $ \\ escaped inside the quotes), % doubled, then escaped as a string value
// (so a literal backslash becomes four). Refused: empty, not UTF-8, control characters.
Result<std::string> desktopExecArgument(std::string_view argument);

// The autostart desktop entry that starts `executable` (an absolute path) at login.
Result<std::string> autostartDesktopEntry(const std::filesystem::path& executable);

// Whether a desktop entry's text switches it off: Hidden=true, or the
// X-GNOME-Autostart-enabled=false that GNOME's settings write, in the [Desktop Entry] group.
bool desktopEntrySwitchedOff(std::string_view text);

// Text escaped for XML character data and attribute values (& < > " ').
std::string xmlEscape(std::string_view text);

// The LaunchAgent property list that starts `executable` (an absolute path) at login.
Result<std::string> launchAgentPlist(const std::filesystem::path& executable);

// What the file-based entries (XDG, LaunchAgent) do on a change: disabled, `file` is removed
// (none is no error); enabled, `text` (already rendered, or why it could not be) replaces it
// atomically, mode 0644 (launchd ignores an agent others may write), its folder created.
// An empty `file` means the folder could not be found: `noFolder` says why.
Result<void> applyAutostartFile(const std::filesystem::path& file, bool enabled, const Result<std::string>& text,
                                const std::string& noFolder);

#if !defined(_WIN32)
// $HOME, else the password database's home folder; empty when neither is known.
std::filesystem::path homeDirectory();
#endif

}  // namespace qdyn::gui
