// `qdyn update`: one update cycle for cron and systemd timers. Sends an update only when an
// address differs from the last one published (or --force), and says what happened per host.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "commands/command.hpp"
#include "exit_codes.hpp"
#include "qdyn/agent/state_store.hpp"
#include "qdyn/config/profile.hpp"
#include "qdyn/protocols/registry.hpp"

namespace qdyn::cli {

namespace {

class UpdateCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("update", "Update the DNS names of one or all profiles, once");
        sub->add_option("-c,--config", m_config, "Profile file (default: $QDYN_CONFIG, ~/.config/qdyn/profiles.toml, "
                                                  "/etc/qdyn/profiles.toml for root)");
        sub->add_option("-p,--profile", m_profiles, "Update only this profile (repeatable; default: all)");
        sub->add_option("-a,--address", m_addresses,
                        "Publish this address instead of letting the server use the connecting one "
                        "(repeatable: one IPv4 and/or one IPv6)");
        sub->add_option("--state-dir", m_stateDir, "Where the last published addresses are kept "
                                                    "(default: $QDYN_STATE_DIR, ~/.local/state/qdyn, /var/lib/qdyn)");
        sub->add_flag("-f,--force", m_force, "Send the update even when the address is unchanged");
        sub->add_flag("-n,--dry-run", m_dryRun, "Print what would be sent and send nothing");
        sub->add_flag("-q,--quiet", m_quiet, "Print only failures");
        return sub;
    }

    int run(Streams& io) override {
        const std::filesystem::path configPath = m_config.empty() ? config::defaultProfilePath() : std::filesystem::path(m_config);
        auto profiles = config::loadProfiles(configPath);
        if (!profiles) {
            io.err << "qdyn: " << profiles.message() << '\n';
            return kExitUsage;
        }
        auto request = addressesFromOptions(io);
        if (!request) return kExitUsage;

        std::vector<const config::Profile*> selected;
        if (m_profiles.empty()) {
            for (const auto& profile : profiles->profiles) selected.push_back(&profile);
        }
        for (const auto& name : m_profiles) {
            const config::Profile* profile = profiles->find(name);
            if (profile == nullptr) {
                io.err << "qdyn: no profile \"" << name << "\" in " << configPath.string() << " (it has:";
                for (const auto& known : profiles->profiles) io.err << ' ' << known.name;
                io.err << ")\n";
                return kExitUsage;
            }
            selected.push_back(profile);
        }

        const std::filesystem::path stateDir = m_stateDir.empty() ? agent::defaultStateDirectory() : std::filesystem::path(m_stateDir);
        std::vector<HostOutcome> all;
        for (const config::Profile* profile : selected) {
            auto outcomes = updateProfile(*profile, *request, stateDir, io);
            if (!outcomes) {
                io.err << "qdyn: " << outcomes.message() << '\n';
                return kExitUsage;
            }
            for (auto& outcome : *outcomes) all.push_back(std::move(outcome));
        }
        return exitCodeFor(all);
    }

private:
    std::optional<UpdateRequest> addressesFromOptions(Streams& io) const {
        UpdateRequest request;
        for (const auto& text : m_addresses) {
            const auto address = IpAddress::parse(text);
            if (!address) {
                io.err << "qdyn: --address " << text << " is not an IPv4 or IPv6 address\n";
                return std::nullopt;
            }
            const AddressScope scope = address->scope();
            if (scope == AddressScope::Unspecified || scope == AddressScope::Multicast) {
                io.err << "qdyn: --address " << text << " is a " << toString(scope)
                       << " address and cannot be a host's address\n";
                return std::nullopt;
            }
            auto& slot = address->isV4() ? request.ipv4 : request.ipv6;
            if (slot) {
                io.err << "qdyn: --address given twice for " << toString(address->family()) << '\n';
                return std::nullopt;
            }
            if (scope != AddressScope::Global) {
                io.err << "qdyn: note: " << text << " is a " << toString(scope)
                       << " address; publishing it because it was given explicitly\n";
            }
            slot = *address;
        }
        return request;
    }

    // Hosts whose every requested address is already published and fresh need no update.
    static bool isCurrent(const agent::StateStore& state, const std::string& host, const UpdateRequest& request) {
        if (!request.ipv4 && !request.ipv6) return false;  // the server decides: always ask it
        const auto now = std::chrono::system_clock::now();
        for (const auto& address : {request.ipv4, request.ipv6}) {
            if (!address) continue;
            const auto published = state.published(host, address->family());
            if (!published || published->address != *address || now - published->when > agent::kRefreshAfter) {
                return false;
            }
        }
        return true;
    }

    Result<std::vector<HostOutcome>> updateProfile(const config::Profile& profile, const UpdateRequest& addresses,
                                                   const std::filesystem::path& stateDir, Streams& io) const {
        // Every run, not once: an unchecked certificate must not become a forgotten one.
        if (const std::string warning = config::insecureTlsWarning(profile); !warning.empty()) {
            io.err << "qdyn: " << warning << '\n';
        }
        auto protocol = makeProtocol(profile);
        if (!protocol) return protocol.error();
        agent::StateStore state = agent::StateStore::open(stateDir / (profile.name + ".state"));
        if (!state.warning().empty()) io.err << "qdyn: warning: " << state.warning() << '\n';

        UpdateRequest request = addresses;
        std::vector<HostOutcome> outcomes;
        for (const auto& host : profile.hosts) {
            if (!m_force && isCurrent(state, host, addresses)) {
                outcomes.push_back(HostOutcome{host, OutcomeClass::Unchanged, "cached",
                                               "already published; nothing sent (use --force to send anyway)", {}, {}});
                if (!m_quiet) io.out << '[' << profile.name << "] " << host << ": unchanged (nothing sent)\n";
                continue;
            }
            request.hosts.push_back(host);
        }
        if (request.hosts.empty()) return outcomes;

        if (m_dryRun) {
            for (const auto& line : (*protocol)->describe(request)) io.out << '[' << profile.name << "] would send: " << line << '\n';
            return outcomes;
        }

        const auto now = std::chrono::system_clock::now();
        for (auto& outcome : (*protocol)->update(request)) {
            report(profile, outcome, io);
            if (isSuccess(outcome.outcome)) {
                for (const auto& address : {request.ipv4, request.ipv6}) {
                    if (address) state.recordPublished(outcome.host, *address, now);
                }
            }
            outcomes.push_back(std::move(outcome));
        }
        if (auto saved = state.save(); !saved) io.err << "qdyn: warning: " << saved.message() << '\n';
        return outcomes;
    }

    void report(const config::Profile& profile, const HostOutcome& outcome, Streams& io) const {
        const bool success = isSuccess(outcome.outcome);
        if (success && m_quiet) return;
        std::ostream& stream = success ? io.out : io.err;
        stream << '[' << profile.name << "] " << outcome.host << ": " << toString(outcome.outcome) << " ("
               << outcome.code;
        for (std::size_t i = 0; i < outcome.addresses.size(); ++i) {
            stream << (i == 0 ? " " : ",") << outcome.addresses[i].toString();
        }
        stream << ")";
        if (!success && !outcome.detail.empty()) stream << ": " << outcome.detail;
        stream << '\n';
    }

    std::string m_config;
    std::vector<std::string> m_profiles;
    std::vector<std::string> m_addresses;
    std::string m_stateDir;
    bool m_force = false;
    bool m_dryRun = false;
    bool m_quiet = false;
};

}  // namespace

std::unique_ptr<Command> makeUpdateCommand() { return std::make_unique<UpdateCommand>(); }

}  // namespace qdyn::cli
