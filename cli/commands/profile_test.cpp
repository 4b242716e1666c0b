// `qdyn profile test NAME`: what the profile would publish and whether its credentials work,
// without changing any record. Detection uses the profile's own sources, agreement and IPv6
// policy; the credentials are asked through UpdateProtocol::checkCredentials, which only the
// protocols with a request that changes nothing implement (QDNS, miniupdate, RFC 2136).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands/profile_common.hpp"
#include "exit_codes.hpp"
#include "qdyn/detect/detector.hpp"
#include "qdyn/detect/source_spec.hpp"
#include "qdyn/protocols/registry.hpp"

namespace qdyn::cli::profiles {

namespace {

std::string_view familyName(AddressFamily family) { return family == AddressFamily::V4 ? "IPv4" : "IPv6"; }

Result<detect::Detector::SourceList> sourcesOf(const std::vector<std::string>& specs) {
    std::vector<std::string> names = specs;
    if (names.empty()) {
        for (const auto spec : detect::defaultSourceSpecs()) names.emplace_back(spec);
    }
    detect::Detector::SourceList sources;
    for (const auto& spec : names) {
        auto made = detect::sourcesFromSpec(spec);
        if (!made) return makeError(spec + ": " + made.message());
        sources.insert(sources.end(), made->begin(), made->end());
    }
    return sources;
}

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
        std::vector<detect::DetectionReport> reports;
        if (!m_noDetect) {
            auto detected = detectAll(*profile);
            if (!detected) {
                io.err << "qdyn profile test: " << detected.message() << '\n';
                return kExitUsage;
            }
            reports = std::move(*detected);
        }
        auto protocol = makeProtocol(*profile);
        if (!protocol) {
            io.err << "qdyn profile test: " << protocol.message() << '\n';
            return kExitUsage;
        }
        const std::string host = profile->hosts.empty() ? std::string() : profile->hosts.front();
        const CredentialCheck check = (*protocol)->checkCredentials(host);

        std::vector<HostOutcome> verdicts;  // what decides the exit code
        for (const auto& report : reports) {
            if (report.chosen) continue;
            HostOutcome none;  // no address for a family: try again later
            none.host = familyName(report.family);
            verdicts.push_back(std::move(none));
        }
        if (check.status == CredentialCheck::Status::Invalid || check.status == CredentialCheck::Status::Unknown) {
            verdicts.push_back(check.outcome);
        }
        if (m_json) {
            printJson(io.out, *profile, reports, check);
        } else {
            printText(io.out, *profile, reports, check);
        }
        return exitCodeFor(verdicts);
    }

private:
    Result<std::vector<detect::DetectionReport>> detectAll(const config::Profile& profile) const {
        const config::AgentSettings& agent = profile.agent;
        auto v4 = sourcesOf(agent.detectV4);
        if (!v4) return v4.error();
        auto v6 = sourcesOf(agent.detectV6);
        if (!v6) return v6.error();
        detect::DetectorOptions options;
        options.requiredAgreement = agent.agreement;
        options.check.allowPrivate = agent.allowPrivate;
        options.ipv6 = agent.ipv6Policy;
        detect::Detector detector(std::move(*v4), std::move(*v6), options);
        std::vector<detect::DetectionReport> reports;
        if (agent.ipv4) reports.push_back(detector.detect(AddressFamily::V4));
        if (agent.ipv6) reports.push_back(detector.detect(AddressFamily::V6));
        return reports;
    }

    static std::string credentialsLine(const CredentialCheck& check) {
        switch (check.status) {
            case CredentialCheck::Status::Valid: return "valid: " + check.outcome.detail;
            case CredentialCheck::Status::NotSupported: return "not checked: " + check.reason;
            case CredentialCheck::Status::Invalid:
                return "refused (" + std::string(toString(check.outcome.outcome)) + ", " + check.outcome.code +
                       "): " + check.outcome.detail;
            case CredentialCheck::Status::Unknown:
                return "could not be checked (" + std::string(toString(check.outcome.outcome)) + ", " +
                       check.outcome.code + "): " + check.outcome.detail;
        }
        return {};
    }

    static void printText(std::ostream& out, const config::Profile& profile,
                          const std::vector<detect::DetectionReport>& reports, const CredentialCheck& check) {
        out << "profile " << profile.name << ": " << endpointOf(profile) << '\n';
        for (const auto& report : reports) {
            out << familyName(report.family) << ": " << (report.chosen ? report.chosen->toString() : std::string("none"))
                << " (" << report.reason << ")\n";
            // Why a source gave nothing: its error, or what it said and why that cannot be published.
            for (const auto& source : report.sources) {
                if (source.status == detect::SourceStatus::Failed) {
                    out << "  " << source.description << ": " << source.error << '\n';
                    continue;
                }
                for (const auto& candidate : source.candidates) {
                    if (candidate.check.verdict == detect::Verdict::Publishable) continue;
                    out << "  " << source.description << ": " << candidate.candidate.address.toString() << " ["
                        << detect::toString(candidate.check.verdict) << ": " << candidate.check.why << "]\n";
                }
            }
        }
        out << "credentials: " << credentialsLine(check) << '\n';
    }

    static void printJson(std::ostream& out, const config::Profile& profile,
                          const std::vector<detect::DetectionReport>& reports, const CredentialCheck& check) {
        auto detection = nlohmann::ordered_json::array();
        for (const auto& report : reports) {
            auto sources = nlohmann::ordered_json::array();
            for (const auto& source : report.sources) {
                sources.push_back({{"source", source.description},
                                   {"status", detect::toString(source.status)},
                                   {"answer", source.answer ? source.answer->toString() : ""},
                                   {"error", source.error}});
            }
            detection.push_back({{"family", familyName(report.family)},
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
