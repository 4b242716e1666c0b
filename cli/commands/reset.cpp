// `qdyn reset`: lifts the stops and backoffs the agent recorded (after fixing what a fatal reply
// complained about without changing the profile), so the next cycle may send again. The
// published addresses stay, so nothing is sent that is not needed.
#include "commands/command.hpp"
#include "commands/run_support.hpp"
#include "exit_codes.hpp"

namespace qdyn::cli {

namespace {

class ResetCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("reset", "Lift the stops and backoffs of one or all profiles");
        addConfigOptions(*sub, m_paths);
        sub->add_option("-p,--profile", m_profiles, "Only this profile (repeatable; default: all)");
        sub->footer("A stop after badauth, abuse or nohost is lifted by itself when the profile changes; reset is "
                    "for the other fixes (the account unblocked, the host added at the provider). A provider that "
                    "blocked the client for abuse may block it for longer when it retries: check first.");
        return sub;
    }

    int run(Streams& io) override {
        auto profiles = loadSelectedProfiles(m_paths, m_profiles, io);
        if (!profiles) return kExitUsage;
        int result = kExitOk;
        for (const auto& profile : profiles->profiles) {
            if (!m_profiles.empty() && std::find(m_profiles.begin(), m_profiles.end(), profile.name) == m_profiles.end()) continue;
            auto state = agent::StateStore::open(agent::stateFile(m_paths.statePath(), profile.name));
            std::vector<std::string> lifted;
            if (state.profileStop) lifted.push_back("the profile's stop (" + state.profileStop->code + ")");
            for (const auto& [host, entry] : state.hosts()) {
                if (entry.stop) lifted.push_back(host + "'s stop (" + entry.stop->code + ")");
                if (entry.failures > 0) lifted.push_back(host + "'s backoff");
            }
            if (lifted.empty()) {
                io.out << "[" << profile.name << "] nothing to reset\n";
                continue;
            }
            state.clearStopsAndBackoff();
            if (auto saved = state.save(); !saved) {
                io.err << "qdyn: " << saved.message() << '\n';
                result = kExitInternal;
                continue;
            }
            for (const auto& what : lifted) io.out << "[" << profile.name << "] lifted " << what << '\n';
        }
        return result;
    }

private:
    PathOptions m_paths;
    std::vector<std::string> m_profiles;
};

}  // namespace

std::unique_ptr<Command> makeResetCommand() { return std::make_unique<ResetCommand>(); }

}  // namespace qdyn::cli
