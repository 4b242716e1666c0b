// `qdyn status [--json]`: each profile's hosts from the agent's durable state: what is published,
// the last change and reply, any stop or backoff, and what happens next. Sends nothing.
#include <chrono>

#include "commands/command.hpp"
#include "commands/host_state_text.hpp"
#include "commands/run_support.hpp"
#include "exit_codes.hpp"

namespace qdyn::cli {

namespace {

class StatusCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("status", "Show each host's published address, last reply, stop or backoff, and next action");
        addConfigOptions(*sub, m_paths);
        sub->add_option("-p,--profile", m_profiles, "Only this profile (repeatable; default: all)");
        sub->add_flag("--json", m_json, "Print JSON (an array of hosts) instead of text");
        return sub;
    }

    int run(Streams& io) override {
        auto profiles = loadSelectedProfiles(m_paths, m_profiles, io);
        if (!profiles) return kExitUsage;
        const auto now = std::chrono::system_clock::now();
        nlohmann::json all = nlohmann::json::array();
        for (const auto& profile : profiles->profiles) {
            if (!m_profiles.empty() && std::find(m_profiles.begin(), m_profiles.end(), profile.name) == m_profiles.end()) continue;
            const auto state = agent::StateStore::open(agent::stateFile(m_paths.statePath(), profile.name));
            if (!state.warning().empty()) io.err << "qdyn: warning: " << state.warning() << '\n';
            if (!m_json) io.out << "[" << profile.name << "] " << profile.protocol << " " << profile.server << '\n';
            for (const auto& host : profile.hosts) {
                if (m_json) {
                    all.push_back(hostStateJson(profile, state, host, now));
                } else {
                    io.out << "  " << host << '\n';
                    printHostState(profile, state, host, now, io.out);
                }
            }
        }
        if (m_json) io.out << all.dump(2) << '\n';
        return kExitOk;
    }

private:
    PathOptions m_paths;
    std::vector<std::string> m_profiles;
    bool m_json = false;
};

}  // namespace

std::unique_ptr<Command> makeStatusCommand() { return std::make_unique<StatusCommand>(); }

}  // namespace qdyn::cli
