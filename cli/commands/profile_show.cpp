// `qdyn profile show NAME`: everything one profile says once the provider catalog and the
// defaults are applied, one setting per line (or JSON). Passwords never appear: only where each
// comes from ("inline", "password_file /path", "password_env NAME").
#include <iomanip>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands/profile_common.hpp"
#include "exit_codes.hpp"
#include "qdyn/detect/source_spec.hpp"
#include "qdyn/protocols/registry.hpp"

namespace qdyn::cli::profiles {

namespace {

std::string joined(const std::vector<std::string>& items, const char* separator = ", ") {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

// "300" -> "5m": the largest unit that divides it.
std::string duration(std::chrono::seconds value) {
    const auto seconds = value.count();
    for (auto [unit, suffix] : {std::pair{86400L, 'd'}, std::pair{3600L, 'h'}, std::pair{60L, 'm'}}) {
        if (seconds > 0 && seconds % unit == 0) return std::to_string(seconds / unit) + suffix;
    }
    return std::to_string(seconds) + "s";
}

std::string specsOf(const std::vector<std::string>& specs) {
    if (!specs.empty()) return joined(specs);
    std::vector<std::string> defaults;
    for (const auto spec : detect::defaultSourceSpecs()) defaults.emplace_back(spec);
    return joined(defaults) + " (default)";
}

std::string verifyOf(const config::AgentSettings& agent) {
    switch (agent.verify) {
        case config::VerifyMode::Off: return "off";
        case config::VerifyMode::Auto: return "auto (the zone's authoritative servers)";
        case config::VerifyMode::Servers: return joined(agent.verifyServers);
    }
    return "auto";
}

// The settings in the order shown; empty values are left out of the text, kept in JSON.
std::vector<std::pair<std::string, std::string>> settingsOf(const config::Profile& profile, const Loaded& loaded) {
    std::vector<std::pair<std::string, std::string>> rows{
        {"provider", profile.provider},
        {"protocol", profile.protocol},
        {"server", profile.server},
        {"path", profile.path},
        {"url", profile.urlTemplate},
        {"hosts", joined(profile.hosts)},
        {"username", profile.username},
        {"password", loaded.passwordSource(profile.name)},
        {"ipv6", profile.ipv6Convention},
    };
    if (profile.protocol == "rfc2136") {
        rows.emplace_back("zone", profile.zone.empty() ? "(found by SOA queries)" : profile.zone);
        rows.emplace_back("ttl", std::to_string(profile.ttl));
        rows.emplace_back("tsig_algorithm", profile.tsigAlgorithm);
    }
    rows.emplace_back("timeout", std::to_string(profile.timeout.count()) + "s");
    if (!config::insecureTlsWarning(profile).empty()) {
        rows.emplace_back("tls", "NOT verified (tls_verify = false)");
    } else if (!profile.caFile.empty()) {
        rows.emplace_back("tls", "verified with ca_file " + profile.caFile);
    }
    if (profile.protocol == "custom") {
        rows.emplace_back("success", joined(profile.successWords));
        rows.emplace_back("unchanged", joined(profile.unchangedWords));
        std::vector<std::string> failures;
        for (const auto& [word, outcome] : profile.failureWords) failures.push_back(word + "=" + std::string(toString(outcome)));
        rows.emplace_back("failure", joined(failures));
    }
    const config::AgentSettings& agent = profile.agent;
    std::vector<std::string> families;
    if (agent.ipv4) families.emplace_back("ipv4");
    if (agent.ipv6) families.emplace_back("ipv6");
    rows.emplace_back("families", joined(families));
    if (agent.ipv4) rows.emplace_back("detect_ipv4", specsOf(agent.detectV4));
    if (agent.ipv6) rows.emplace_back("detect_ipv6", specsOf(agent.detectV6));
    rows.emplace_back("agreement", std::to_string(agent.agreement));
    rows.emplace_back("allow_private", agent.allowPrivate ? "yes" : "no");
    rows.emplace_back("poll_interval", duration(agent.pollInterval));
    rows.emplace_back("refresh_after", duration(agent.refreshAfter));
    rows.emplace_back("verify", verifyOf(agent));
    rows.emplace_back("on_change", joined(agent.onChange, " "));
    rows.emplace_back("on_failure", joined(agent.onFailure, " "));
    return rows;
}

// The same as typed JSON: lists as arrays, durations and counts as numbers (seconds).
nlohmann::ordered_json jsonOf(const config::Profile& profile, const Loaded& loaded) {
    const config::AgentSettings& agent = profile.agent;
    std::vector<std::string> families;
    if (agent.ipv4) families.emplace_back("ipv4");
    if (agent.ipv6) families.emplace_back("ipv6");
    nlohmann::ordered_json failures = nlohmann::ordered_json::object();
    for (const auto& [word, outcome] : profile.failureWords) failures[word] = toString(outcome);
    return {
        {"name", profile.name},
        {"origin", profile.origin},
        {"provider", profile.provider},
        {"protocol", profile.protocol},
        {"server", profile.server},
        {"path", profile.path},
        {"url", profile.urlTemplate},
        {"hosts", profile.hosts},
        {"username", profile.username},
        {"password", loaded.passwordSource(profile.name)},
        {"ipv6", profile.ipv6Convention},
        {"zone", profile.zone},
        {"ttl", profile.ttl},
        {"tsig_algorithm", profile.tsigAlgorithm},
        {"timeout", profile.timeout.count()},
        {"tls_verify", profile.verifyTls},
        {"ca_file", profile.caFile},
        {"success", profile.successWords},
        {"unchanged", profile.unchangedWords},
        {"failure", failures},
        {"families", families},
        {"detect_ipv4", agent.detectV4},
        {"detect_ipv6", agent.detectV6},
        {"agreement", agent.agreement},
        {"allow_private", agent.allowPrivate},
        {"poll_interval", agent.pollInterval.count()},
        {"refresh_after", agent.refreshAfter.count()},
        {"verify", agent.verify == config::VerifyMode::Off    ? nlohmann::ordered_json(false)
                   : agent.verify == config::VerifyMode::Auto ? nlohmann::ordered_json(true)
                                                              : nlohmann::ordered_json(agent.verifyServers)},
        {"on_change", agent.onChange},
        {"on_failure", agent.onFailure},
    };
}

class ShowCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("show", "Show every setting of one profile, defaults and provider values included");
        sub->add_option("NAME", m_name, "The profile")->required();
        sub->add_option("-c,--config", m_config, kConfigHelp);
        sub->add_flag("--json", m_json, "Print the settings as one JSON object");
        sub->footer("Passwords are never shown, only where they come from: inline, password_file PATH or\n"
                    "password_env NAME. Exit codes: 0 shown, 2 no such profile or the file does not load.");
        return sub;
    }

    int run(Streams& io) override {
        auto loaded = load(configPath(m_config), "profile show", io);
        if (!loaded) return kExitUsage;
        const config::Profile* profile = find(*loaded, m_name, "profile show", io);
        if (profile == nullptr) return kExitUsage;
        const auto rows = settingsOf(*profile, *loaded);
        if (m_json) {
            io.out << jsonOf(*profile, *loaded).dump(2) << '\n';
            return kExitOk;
        }
        io.out << std::left << std::setw(16) << "profile" << profile->name << " (" << profile->origin << ")\n";
        for (const auto& [key, value] : rows) {
            if (!value.empty()) io.out << std::left << std::setw(16) << key << value << '\n';
        }
        return kExitOk;
    }

private:
    std::string m_name;
    std::string m_config;
    bool m_json = false;
};

}  // namespace

std::unique_ptr<Command> makeShowCommand() { return std::make_unique<ShowCommand>(); }

}  // namespace qdyn::cli::profiles
