// "Start at login" for qdyn-tray behind one Qt-free interface: XDG autostart on Linux and the
// BSDs, the Run key on Windows, a LaunchAgent on macOS (one autostart_<platform>.cpp each).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "qdyn/result.hpp"

namespace qdyn::gui {

class Autostart {
public:
    Autostart() = default;
    Autostart(const Autostart&) = delete;
    Autostart& operator=(const Autostart&) = delete;
    virtual ~Autostart() = default;

    // Whether the desktop will start qdyn-tray at the next login (an entry the user switched
    // off in the desktop's own settings counts as off).
    [[nodiscard]] virtual bool isEnabled() const = 0;
    // Enabling (re)writes the entry for `executable`, an absolute path, so a moved program is
    // found again; disabling removes the entry, and is not an error when there is none.
    virtual Result<void> setEnabled(bool enabled, const std::filesystem::path& executable) = 0;
    // Where the entry lives, for the user and the log (a file, or a registry key and value).
    [[nodiscard]] virtual std::string location() const = 0;
};

// The current platform's implementation for the current user.
std::unique_ptr<Autostart> makeAutostart();

#if !defined(_WIN32) && !defined(__APPLE__)
// XDG autostart under `configHome` (normally $XDG_CONFIG_HOME or ~/.config, which
// makeAutostart() picks); an empty configHome makes every change fail with a reason.
std::unique_ptr<Autostart> makeXdgAutostart(std::filesystem::path configHome);
#endif

}  // namespace qdyn::gui
