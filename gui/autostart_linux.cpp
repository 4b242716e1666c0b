// Start at login on Linux and the BSDs: an XDG autostart entry,
// $XDG_CONFIG_HOME/autostart/org.qdyn.QdynTray.desktop (~/.config when the variable is unset).
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>
#include <utility>

#include "autostart.hpp"
#include "autostart_files.hpp"

namespace qdyn::gui {
namespace {

// An autostart entry is a few hundred bytes; anything much larger is not ours to parse.
constexpr std::streamsize kMaxEntrySize = 64 * 1024;

// The XDG Base Directory rule: a relative $XDG_CONFIG_HOME is invalid and ignored.
std::filesystem::path configHome() {
    if (const char* value = std::getenv("XDG_CONFIG_HOME"); value != nullptr) {
        std::filesystem::path path(value);
        if (path.is_absolute()) return path;
    }
    const std::filesystem::path home = homeDirectory();
    return home.empty() ? home : home / ".config";
}

class XdgAutostart final : public Autostart {
public:
    explicit XdgAutostart(const std::filesystem::path& configHome)
        : m_file(configHome.empty() ? std::filesystem::path()
                                    : configHome / "autostart" / (std::string(kAppId) + ".desktop")) {}

    [[nodiscard]] bool isEnabled() const override {
        if (m_file.empty()) return false;
        std::ifstream in(m_file, std::ios::binary);
        if (!in) return false;
        std::string text(static_cast<std::size_t>(kMaxEntrySize), '\0');
        in.read(text.data(), kMaxEntrySize);
        text.resize(static_cast<std::size_t>(in.gcount()));
        return !desktopEntrySwitchedOff(text);
    }

    Result<void> setEnabled(bool enabled, const std::filesystem::path& executable) override {
        return applyAutostartFile(m_file, enabled, autostartDesktopEntry(executable),
                                  "cannot find the configuration folder: neither XDG_CONFIG_HOME nor HOME is set");
    }

    [[nodiscard]] std::string location() const override { return m_file.string(); }

private:
    std::filesystem::path m_file;
};

}  // namespace

std::unique_ptr<Autostart> makeXdgAutostart(std::filesystem::path configHome) {
    return std::make_unique<XdgAutostart>(std::move(configHome));
}

std::unique_ptr<Autostart> makeAutostart() {
    return makeXdgAutostart(configHome());
}

}  // namespace qdyn::gui
