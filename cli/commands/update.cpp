// `qdyn update`: one agent cycle for cron and systemd timers. Detects each profile's addresses
// (or takes --address), sends an update only for hosts whose address changed or is due for a
// refresh (or --force), honours every stop and backoff, and says what happened per host.
#include <optional>
#include <string>
#include <vector>

#include "agent_output.hpp"
#include "commands/command.hpp"
#include "commands/run_support.hpp"
#include "exit_codes.hpp"

namespace qdyn::cli {

namespace {

class UpdateCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("update", "Update the DNS names of one or all profiles, once (for cron and timers)");
        addConfigOptions(*sub, m_paths);
        sub->add_option("-p,--profile", m_profiles, "Update only this profile (repeatable; default: all)");
        sub->add_option("-a,--address", m_addresses,
                        "Publish this address instead of detecting one (repeatable: one IPv4 and/or one IPv6)");
        sub->add_flag("-f,--force", m_force,
                      "Send the update even when the address is unchanged or a backoff is running (never despite a "
                      "stop: see 'qdyn reset')");
        sub->add_flag("-n,--dry-run", m_dryRun, "Print what would be sent and send nothing");
        sub->add_flag("-q,--quiet", m_quiet, "Print only what needs attention");
        sub->add_flag("--json", m_json, "Print one JSON array of hosts (action, reason, reply, verification) instead of lines");
        sub->footer("Without --address each profile's detect sources are asked (see 'qdyn detect'). Hosts whose "
                    "published address is current are skipped silently with -q; a stop after a fatal reply "
                    "(badauth, abuse, nohost) holds until the profile changes or 'qdyn reset'.");
        return sub;
    }

    int run(Streams& io) override {
        auto profiles = loadSelectedProfiles(m_paths, m_profiles, io);
        if (!profiles) return kExitUsage;
        agent::CycleOptions options;
        options.force = m_force;
        options.dryRun = m_dryRun;
        options.onlyProfiles = m_profiles;
        if (!addressesFromOptions(m_addresses, options, io)) return kExitUsage;

        for (const auto& profile : profiles->profiles) {
            // Every run, not once: an unchecked certificate must not become a forgotten one.
            if (const std::string warning = config::insecureTlsWarning(profile); !warning.empty()) {
                io.err << "qdyn: " << warning << '\n';
            }
        }
        agent::Agent agent(std::move(*profiles), agentOptions(m_paths, io, m_quiet));
        const agent::CycleReport report = agent.cycle(agent::Trigger::Manual, options);
        if (m_json) {
            nlohmann::json hosts = nlohmann::json::array();
            for (const auto& host : report.hosts) hosts.push_back(hostReportJson(host));
            io.out << hosts.dump(2) << '\n';
            return exitCodeFor(report);
        }
        const OutputOptions output{m_quiet};
        for (const auto& host : report.hosts) printHostReport(host, output, io.out, io.err);
        return exitCodeFor(report);
    }

private:
    PathOptions m_paths;
    std::vector<std::string> m_profiles;
    std::vector<std::string> m_addresses;
    bool m_force = false;
    bool m_dryRun = false;
    bool m_quiet = false;
    bool m_json = false;
};

}  // namespace

std::unique_ptr<Command> makeUpdateCommand() { return std::make_unique<UpdateCommand>(); }

}  // namespace qdyn::cli
