// Shared by the agent's commands (run_support.hpp).
#include "commands/run_support.hpp"

namespace qdyn::cli {

std::filesystem::path PathOptions::configPath() const {
    return config.empty() ? config::defaultProfilePath() : std::filesystem::path(config);
}

std::filesystem::path PathOptions::statePath() const {
    return stateDir.empty() ? agent::defaultStateDirectory() : std::filesystem::path(stateDir);
}

void addConfigOptions(CLI::App& command, PathOptions& paths) {
    command.add_option("-c,--config", paths.config,
                       "Profile file (default: $QDYN_CONFIG, ~/.config/qdyn/profiles.toml, /etc/qdyn/profiles.toml for root)");
    command.add_option("--state-dir", paths.stateDir,
                       "Where the agent keeps what it published, backoffs and stops "
                       "(default: $QDYN_STATE_DIR, ~/.local/state/qdyn, /var/lib/qdyn for root)");
}

std::optional<config::ProfileSet> loadSelectedProfiles(const PathOptions& paths, const std::vector<std::string>& only,
                                                       Streams& io) {
    const std::filesystem::path path = paths.configPath();
    auto profiles = config::loadProfiles(path);
    if (!profiles) {
        io.err << "qdyn: " << profiles.message() << '\n';
        return std::nullopt;
    }
    for (const auto& name : only) {
        if (profiles->find(name) != nullptr) continue;
        io.err << "qdyn: no profile \"" << name << "\" in " << path.string() << " (it has:";
        for (const auto& known : profiles->profiles) io.err << ' ' << known.name;
        io.err << ")\n";
        return std::nullopt;
    }
    return std::move(*profiles);
}

bool addressesFromOptions(const std::vector<std::string>& texts, agent::CycleOptions& options, Streams& io) {
    for (const auto& text : texts) {
        const auto address = IpAddress::parse(text);
        if (!address) {
            io.err << "qdyn: --address " << text << " is not an IPv4 or IPv6 address\n";
            return false;
        }
        const AddressScope scope = address->scope();
        if (scope == AddressScope::Unspecified || scope == AddressScope::Multicast) {
            io.err << "qdyn: --address " << text << " is a " << toString(scope)
                   << " address and cannot be a host's address\n";
            return false;
        }
        auto& slot = address->isV4() ? options.ipv4 : options.ipv6;
        if (slot) {
            io.err << "qdyn: --address given twice for " << toString(address->family()) << '\n';
            return false;
        }
        if (scope != AddressScope::Global) {
            io.err << "qdyn: note: " << text << " is a " << toString(scope)
                   << " address; publishing it because it was given explicitly\n";
        }
        slot = *address;
    }
    return true;
}

agent::AgentOptions agentOptions(const PathOptions& paths, Streams& io, bool quiet) {
    agent::AgentOptions options;
    options.stateDir = paths.statePath();
    std::ostream* err = &io.err;
    options.log = [err, quiet](agent::LogLevel level, std::string_view line) {
        if (level == agent::LogLevel::Debug || (quiet && level == agent::LogLevel::Info)) return;
        *err << "qdyn: " << (level == agent::LogLevel::Warning ? "warning: " : level == agent::LogLevel::Error ? "error: " : "")
             << line << '\n';
    };
    return options;
}

}  // namespace qdyn::cli
