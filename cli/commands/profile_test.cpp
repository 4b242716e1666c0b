// `qdyn profile test NAME`: what the profile would publish and whether its credentials work,
// without changing any record. The trying is agent::checkProfile (shared with the tray app); this
// file only prints it and maps it to an exit code.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands/profile_common.hpp"
#include "exit_codes.hpp"
#include "qdyn/agent/profile_check.hpp"

namespace qdyn::cli::profiles {

namespace {

class TestCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand(
            "test", "Detect the addresses a profile would publish and check its credentials, changing nothing");
        sub->add_option("NAME", m_name, "The profile")->required();
        sub->add_option("-c,--config", m_config, kConfigHelp);
        sub->add_flag("--no-detect", m_noDetect, "Only check the credentials");
        sub->add_flag("--json", m_json, "Print the result as JSON (never a secret)");
        sub->footer(
            "Detection asks the profile's sources (detect, detect_ipv4, detect_ipv6) for each of its\n"
            "families, with its agreement and IPv6 policy. The credentials are checked where the protocol\n"
            "has a request that changes nothing: QDNS (AUTH or TOKEN, then QUIT), miniupdate (the MD5\n"
            "login, then EXIT) and RFC 2136 (a TSIG-signed UPDATE holding only a prerequisite that cannot\n"
            "hold, so the server answers without changing anything; it proves the key, not each host's\n"
            "grant). dyndns2, the other HTTP APIs and GnuDIP have no such request: nothing is sent.\n"
            "Exit codes: 0 every family has an address and the credentials are good or not checkable,\n"
            "3 no address, or the server could not be asked, 4 the credentials were refused, 6 blocked,\n"
            "7 clock skew (TSIG); 2 for a bad profile.");
        return sub;
    }

    int run(Streams& io) override {
        auto loaded = load(configPath(m_config), "profile test", io);
        if (!loaded) return kExitUsage;
        const config::Profile* profile = find(*loaded, m_name, "profile test", io);
        if (profile == nullptr) return kExitUsage;
        if (const std::string warning = config::insecureTlsWarning(*profile); !warning.empty()) {
            io.err << "qdyn: " << warning << '\n';
        }
        agent::ProfileCheckOptions options;
        options.detect = !m_noDetect;
        auto check = agent::checkProfile(*profile, options);
        if (!check) {
            io.err << "qdyn profile test: " << check.message() << '\n';
            return kExitUsage;
        }

        std::vector<HostOutcome> verdicts;  // what decides the exit code
        for (const AddressFamily family : check->familiesWithoutAddress()) {
            HostOutcome none;  // no address for a family: try again later
            none.host = agent::familyName(family);
            verdicts.push_back(std::move(none));
        }
        if (check->credentialsFailed()) verdicts.push_back(check->credentials.outcome);
        if (m_json) {
            printJson(io.out, *profile, *check);
        } else {
            printText(io.out, *profile, *check);
        }
        return exitCodeFor(verdicts);
    }

private:
    static void printText(std::ostream& out, const config::Profile& profile, const agent::ProfileCheck& check) {
        out << "profile " << profile.name << ": " << endpointOf(profile) << '\n';
        for (const auto& line : agent::describeCheck(check)) out << line << '\n';
    }

    static void printJson(std::ostream& out, const config::Profile& profile, const agent::ProfileCheck& tried) {
        const CredentialCheck& check = tried.credentials;
        auto detection = nlohmann::ordered_json::array();
        for (const auto& report : tried.detection) {
            auto sources = nlohmann::ordered_json::array();
            for (const auto& source : report.sources) {
                sources.push_back({{"source", source.description},
                                   {"status", detect::toString(source.status)},
                                   {"answer", source.answer ? source.answer->toString() : ""},
                                   {"error", source.error}});
            }
            detection.push_back({{"family", agent::familyName(report.family)},
                                 {"chosen", report.chosen ? report.chosen->toString() : ""},
                                 {"reason", report.reason},
                                 {"sources", sources}});
        }
        nlohmann::ordered_json credentials{{"status", toString(check.status)}};
        if (check.status == CredentialCheck::Status::NotSupported) {
            credentials["reason"] = check.reason;
        } else {
            if (check.status != CredentialCheck::Status::Valid) credentials["class"] = toString(check.outcome.outcome);
            credentials["code"] = check.outcome.code;
            credentials["detail"] = check.outcome.detail;
        }
        const nlohmann::ordered_json result{{"profile", profile.name},
                                            {"protocol", profile.protocol},
                                            {"server", profile.server},
                                            {"detection", detection},
                                            {"credentials", credentials}};
        out << result.dump(2) << '\n';
    }

    std::string m_name;
    std::string m_config;
    bool m_noDetect = false;
    bool m_json = false;
};

}  // namespace

std::unique_ptr<Command> makeTestCommand() { return std::make_unique<TestCommand>(); }

}  // namespace qdyn::cli::profiles
