// `qdyn explain HOST`: why the agent did or did not update a host. Its durable state (last reply,
// stop, backoff) and a dry-run cycle of its profile: what detection finds now and whether an
// update would be sent, and why. Sends no update.
#include "agent_output.hpp"
#include "commands/command.hpp"
#include "commands/host_state_text.hpp"
#include "commands/run_support.hpp"
#include "exit_codes.hpp"

namespace qdyn::cli {

namespace {

class ExplainCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("explain", "Explain why a host was or was not updated, and what happens next");
        sub->add_option("host", m_host, "The host name, as in the profile")->required();
        addConfigOptions(*sub, m_paths);
        return sub;
    }

    int run(Streams& io) override {
        auto profiles = loadSelectedProfiles(m_paths, {}, io);
        if (!profiles) return kExitUsage;
        std::vector<std::string> owners;
        for (const auto& profile : profiles->profiles) {
            if (std::find(profile.hosts.begin(), profile.hosts.end(), m_host) != profile.hosts.end()) owners.push_back(profile.name);
        }
        if (owners.empty()) {
            io.err << "qdyn: no profile in " << m_paths.configPath().string() << " has the host " << m_host << '\n';
            return kExitUsage;
        }
        const auto now = std::chrono::system_clock::now();
        for (const auto& name : owners) {
            const config::Profile& profile = *profiles->find(name);
            const auto state = agent::StateStore::open(agent::stateFile(m_paths.statePath(), name));
            io.out << "[" << name << "] " << m_host << " (" << profile.protocol << " " << profile.server << ")\n";
            io.out << "  state:\n";
            printHostState(profile, state, m_host, now, io.out);
        }
        agent::CycleOptions options;
        options.dryRun = true;
        options.onlyProfiles = owners;
        agent::Agent agent(std::move(*profiles), agentOptions(m_paths, io, true));
        const auto report = agent.cycle(agent::Trigger::Manual, options);
        for (const auto& detection : report.detections) {
            io.out << "  detection (" << toString(detection.family) << "): " << detection.reason << '\n';
        }
        for (const auto& host : report.hosts) {
            if (host.host != m_host) continue;
            io.out << "  now: " << decision(host) << '\n';
        }
        return kExitOk;
    }

private:
    static std::string decision(const agent::HostReport& host) {
        switch (host.action) {
            case agent::HostAction::DryRun: return "an update would be sent: " + host.reason;
            case agent::HostAction::Current: return "nothing would be sent: " + host.reason;
            default: return std::string(toString(host.action)) + ": " + host.reason;
        }
    }

    std::string m_host;
    PathOptions m_paths;
};

}  // namespace

std::unique_ptr<Command> makeExplainCommand() { return std::make_unique<ExplainCommand>(); }

}  // namespace qdyn::cli
