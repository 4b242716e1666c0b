// Start at login on macOS: a per-user LaunchAgent, ~/Library/LaunchAgents/org.qdyn.QdynTray.plist
// with RunAtLoad. launchd reads it at the next login; the running app is left alone.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <system_error>

#include "autostart.hpp"
#include "autostart_files.hpp"
#include "qdyn/config/profile_writer.hpp"

namespace qdyn::gui {
namespace {

std::filesystem::path homeDirectory() {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
    if (const passwd* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_dir != nullptr) {
        return entry->pw_dir;
    }
    return {};
}

class LaunchAgentAutostart final : public Autostart {
public:
    explicit LaunchAgentAutostart(const std::filesystem::path& home)
        : m_file(home.empty() ? std::filesystem::path()
                              : home / "Library" / "LaunchAgents" / (std::string(kAppId) + ".plist")) {}

    [[nodiscard]] bool isEnabled() const override {
        std::error_code error;
        return !m_file.empty() && std::filesystem::is_regular_file(m_file, error);
    }

    Result<void> setEnabled(bool enabled, const std::filesystem::path& executable) override {
        if (m_file.empty()) return makeError("cannot find the home folder: HOME is not set");
        std::error_code error;
        if (!enabled) {
            std::filesystem::remove(m_file, error);
            if (error) return makeError("cannot remove " + m_file.string() + ": " + error.message());
            return {};
        }
        auto text = launchAgentPlist(executable);
        if (!text) return text.error();
        std::filesystem::create_directories(m_file.parent_path(), error);
        if (error) return makeError("cannot create " + m_file.parent_path().string() + ": " + error.message());
        // launchd ignores a LaunchAgent that others may write.
        return config::writeFileAtomically(m_file, *text, std::nullopt, 0644U);
    }

    [[nodiscard]] std::string location() const override { return m_file.string(); }

private:
    std::filesystem::path m_file;
};

}  // namespace

std::unique_ptr<Autostart> makeAutostart() {
    return std::make_unique<LaunchAgentAutostart>(homeDirectory());
}

}  // namespace qdyn::gui
