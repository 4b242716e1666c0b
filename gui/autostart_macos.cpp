// Start at login on macOS: a per-user LaunchAgent, ~/Library/LaunchAgents/org.qdyn.QdynTray.plist
// with RunAtLoad. launchd reads it at the next login; the running app is left alone.
#include <cstdlib>
#include <optional>
#include <system_error>

#include "autostart.hpp"
#include "autostart_files.hpp"

namespace qdyn::gui {
namespace {

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
        return applyAutostartFile(m_file, enabled, launchAgentPlist(executable),
                                  "cannot find the home folder: HOME is not set");
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
