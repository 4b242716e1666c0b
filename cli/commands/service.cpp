// `qdyn service install|uninstall`: the agent (`qdyn run --service`) registered with the Windows
// Service Control Manager, started at boot and restarted after a failure (service_host.hpp).
// Elsewhere the service manager is systemd (or launchd), whose units the packages install; the
// command says so and fails, so a script written for Windows does not pass silently.
#include <cstdlib>
#include <filesystem>
#include <string>

#include "commands/command.hpp"
#include "commands/run_support.hpp"
#include "exit_codes.hpp"
#include "service_files.hpp"
#include "service_host.hpp"

namespace qdyn::cli {

namespace {

#ifdef _WIN32
// A service runs as its own account, not as the user who installs it: the user's %APPDATA% is
// not its own, so the service reads a machine-wide profile file unless told otherwise.
std::filesystem::path programData() {
    const char* dir = std::getenv("ProgramData");
    return std::filesystem::path(dir != nullptr && *dir != '\0' ? dir : "C:\\ProgramData") / "qdyn";
}
#endif

class ServiceCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("service", "Register the agent as a Windows service (install, uninstall)");
        sub->require_subcommand(1);
        sub->footer("Windows only. On Linux the agent runs as the systemd unit qdyn.service that the qdyn package "
                    "installs (packaging/linux/qdyn.service).");
        m_install = sub->add_subcommand(
            "install", "Register 'qdyn run --service' with the Service Control Manager: started at boot, restarted "
                       "after a failure (needs an administrator)");
        m_install->add_option("-c,--config", m_paths.config,
                              "Profile file the service reads (default: %ProgramData%\\qdyn\\profiles.toml)");
        m_install->add_option("--state-dir", m_paths.stateDir,
                              "Where the service keeps its state (default: %ProgramData%\\qdyn\\state)");
        m_install->add_option("--account", m_account, "The account it runs as (default: LocalService)")
            ->check(CLI::IsMember({"LocalService", "NetworkService", "LocalSystem"}));
        m_uninstall = sub->add_subcommand("uninstall", "Stop the service and remove it (needs an administrator)");
        return sub;
    }

    int run(Streams& io) override {
#ifdef _WIN32
        return m_install->parsed() ? install(io) : uninstall(io);
#else
        io.err << "qdyn service: Windows services only.\n";
#if defined(__APPLE__)
        io.err << "On macOS the agent runs under launchd: a LaunchAgent or LaunchDaemon running 'qdyn run' "
                  "(README.md, \"Installing on macOS\").\n";
#else
        io.err << "Here the agent runs as a systemd unit: the qdyn package installs qdyn.service "
                  "(packaging/linux/qdyn.service in the source); start it at boot with\n"
                  "  systemctl enable --now qdyn.service\n";
#endif
        return kExitUsage;
#endif
    }

private:
#ifdef _WIN32
    int install(Streams& io) {
        const std::filesystem::path config =
            std::filesystem::absolute(m_paths.config.empty() ? programData() / "profiles.toml" : m_paths.configPath());
        // The service's own folder (the default one) is opened to its account, so that profile
        // files written there later let it in too; a profile file elsewhere (a user's folder,
        // say) is granted alone, the folder being none of the service's business.
        std::error_code ignored;
        const bool ownFolder = m_paths.config.empty() || config.parent_path() == programData() ||
                               std::filesystem::equivalent(config.parent_path(), programData(), ignored);
        const std::filesystem::path state =
            std::filesystem::absolute(m_paths.stateDir.empty() ? programData() / "state" : m_paths.statePath());
        service::ServiceSpec spec;
        spec.name = service::kServiceName;
        spec.displayName = "qdyn dynamic DNS agent";
        spec.description = "Keeps the DNS names of the profiles in " + config.string() +
                           " pointed at this machine's public addresses.";
        spec.arguments = {"run", "--service", "--config", config.string(), "--state-dir", state.string()};
        service::ServiceFiles files{config, state, ownFolder, service::ServiceAccount::LocalService};
        if (m_account == "NetworkService") {
            spec.account = "NT AUTHORITY\\NetworkService";
            files.account = service::ServiceAccount::NetworkService;
        }
        if (m_account == "LocalSystem") {
            spec.account = "LocalSystem";
            files.account = service::ServiceAccount::LocalSystem;
        }
        if (auto installed = service::installService(spec); !installed) {
            io.err << "qdyn: " << installed.message() << '\n';
            return kExitUsage;
        }
        // Private files (the profile file holds passwords) let in their folder's entries but
        // everyone's groups: the service's account is given its own entries, or it could read
        // nothing. A service that could not start is worse than none: a failure undoes it.
        auto prepared = service::prepareServiceFiles(files);
        if (!prepared) {
            io.err << "qdyn: " << prepared.message() << '\n';
            if (auto removed = service::uninstallService(spec.name); !removed) {
                io.err << "qdyn: " << removed.message() << '\n';
            } else {
                io.err << "qdyn: the service was not installed\n";
            }
            return kExitUsage;
        }
        io.out << "installed the service '" << spec.name << "': qdyn run --service --config " << config.string()
               << " --state-dir " << state.string() << ", as " << m_account << ", started at boot\n";
        for (const auto& line : *prepared) io.out << line << '\n';
        if (!std::filesystem::exists(config, ignored)) {
            io.out << "note: " << config.string() << " does not exist yet; write the profiles there "
                   << "(qdyn profile add --config " << config.string() << " ...) before starting the service\n";
        }
        io.out << "start it now with: sc start " << spec.name << '\n';
        return kExitOk;
    }

    int uninstall(Streams& io) {
        if (auto removed = service::uninstallService(service::kServiceName); !removed) {
            io.err << "qdyn: " << removed.message() << '\n';
            return kExitUsage;
        }
        io.out << "removed the service '" << service::kServiceName << "'\n"
               << "the entries 'qdyn service install' gave its account on the profile file, its folder and the "
                  "state folder stay (icacls FOLDER /remove:g *S-1-5-19 /T takes them away; *S-1-5-20 for "
                  "NetworkService)\n";
        return kExitOk;
    }
#endif

    PathOptions m_paths;
    std::string m_account = "LocalService";
    CLI::App* m_install = nullptr;
    CLI::App* m_uninstall = nullptr;
};

}  // namespace

std::unique_ptr<Command> makeServiceCommand() { return std::make_unique<ServiceCommand>(); }

}  // namespace qdyn::cli
