// `qdyn detect`: asks every address source, checks what each says, and shows the address the
// policy chooses for each family and why (or why none), for people or as JSON.
#include <iomanip>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands/command.hpp"
#include "exit_codes.hpp"
#include "qdyn/detect/detector.hpp"
#include "qdyn/detect/source_spec.hpp"

namespace qdyn::cli {

namespace {

std::string_view familyName(AddressFamily family) { return family == AddressFamily::V4 ? "IPv4" : "IPv6"; }

class DetectCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override {
        CLI::App* sub = app.add_subcommand("detect", "Ask every address source and show the public address each family would publish, and why");
        sub->add_option("-s,--source", m_specs,
                        "A source to ask, in order (repeatable): interface[:NAME], static:ADDR, file:PATH, "
                        "command:PROGRAM [ARG...], http[:URL], http-json:URL, checkip:URL, dns[:opendns|google|cloudflare], "
                        "dns:SERVER[:PORT]/NAME[/txt], stun[:HOST[:PORT]], myip:HOST[:PORT], upnp[:ROOT-DESC-URL], "
                        "natpmp[:GATEWAY]");
        sub->add_flag("-4,--ipv4", m_only4, "Only IPv4");
        sub->add_flag("-6,--ipv6", m_only6, "Only IPv6");
        sub->add_option("--agree", m_agree, "How many sources must report the same address before it is chosen")
            ->check(CLI::Range(1, 16));
        sub->add_flag("--allow-private", m_allowPrivate,
                      "Accept private (RFC 1918), CGNAT and unique local addresses (a LAN-only zone)");
        sub->add_flag("--json", m_json, "Print the reports as JSON");
        sub->footer(
            "Without --source: the local interfaces, then public STUN, DNS and HTTP echo services.\n"
            "The router (upnp, natpmp; IPv4 only) is asked only when named.\n"
            "Addresses that are never published (loopback, link-local, documentation, ...) are shown\n"
            "and rejected; private and CGNAT ones are reported as \"behind NAT\".\n"
            "Exit code 0 when some family has an address to publish, 3 when none has.\n"
            "Example: qdyn detect -4 --source interface:eth0 --source stun --agree 1");
        return sub;
    }

    int run(Streams& io) override {
        std::vector<std::string> specs = m_specs;
        if (specs.empty()) {
            for (const auto spec : detect::defaultSourceSpecs()) specs.emplace_back(spec);
        }
        detect::Detector::SourceList sources;
        for (const auto& spec : specs) {
            auto made = detect::sourcesFromSpec(spec);
            if (!made) {
                io.err << "qdyn detect: --source " << spec << ": " << made.message() << '\n';
                return kExitUsage;
            }
            sources.insert(sources.end(), made->begin(), made->end());
        }
        detect::DetectorOptions options;
        options.requiredAgreement = m_agree;
        options.check.allowPrivate = m_allowPrivate;
        detect::Detector detector(sources, sources, options);

        std::vector<detect::DetectionReport> reports;
        if (!m_only6) reports.push_back(detector.detect(AddressFamily::V4));
        if (!m_only4) reports.push_back(detector.detect(AddressFamily::V6));
        bool any = false;
        for (const auto& report : reports) any = any || report.chosen.has_value();
        if (m_json) {
            printJson(io.out, reports);
        } else {
            for (const auto& report : reports) printText(io.out, report);
        }
        return any ? kExitOk : kExitRetryLater;
    }

private:
    static void printText(std::ostream& out, const detect::DetectionReport& report) {
        out << familyName(report.family) << ": " << (report.chosen ? report.chosen->toString() : std::string("none"))
            << " (" << report.reason << ")\n";
        for (const auto& source : report.sources) {
            out << "  " << std::left << std::setw(40) << source.description << ' ' << std::setw(11)
                << detect::toString(source.status);
            if (source.status == detect::SourceStatus::Failed || source.status == detect::SourceStatus::BackingOff) {
                out << ' ' << source.error;
            }
            for (const auto& candidate : source.candidates) {
                out << ' ' << candidate.candidate.address.toString();
                if (candidate.check.verdict != detect::Verdict::Publishable) {
                    out << " [" << detect::toString(candidate.check.verdict) << ": " << candidate.check.why << ']';
                }
            }
            if (!source.note.empty()) out << " (" << source.note << ')';
            out << '\n';
        }
    }

    static void printJson(std::ostream& out, const std::vector<detect::DetectionReport>& reports) {
        auto list = nlohmann::ordered_json::array();
        for (const auto& report : reports) {
            auto sources = nlohmann::ordered_json::array();
            for (const auto& source : report.sources) {
                auto candidates = nlohmann::ordered_json::array();
                for (const auto& candidate : source.candidates) {
                    candidates.push_back({{"address", candidate.candidate.address.toString()},
                                          {"interface", candidate.candidate.interfaceName},
                                          {"verdict", detect::toString(candidate.check.verdict)},
                                          {"why", candidate.check.why}});
                }
                sources.push_back({{"kind", source.kind},
                                   {"source", source.description},
                                   {"status", detect::toString(source.status)},
                                   {"error", source.error},
                                   {"candidates", candidates},
                                   {"answer", source.answer ? source.answer->toString() : ""},
                                   {"note", source.note}});
            }
            list.push_back({{"family", familyName(report.family)},
                            {"chosen", report.chosen ? report.chosen->toString() : ""},
                            {"behind_nat", report.behindNat},
                            {"disagreement", report.disagreement},
                            {"reason", report.reason},
                            {"sources", sources}});
        }
        out << list.dump(2) << '\n';
    }

    std::vector<std::string> m_specs;
    bool m_only4 = false;
    bool m_only6 = false;
    std::size_t m_agree = 1;
    bool m_allowPrivate = false;
    bool m_json = false;
};

}  // namespace

std::unique_ptr<Command> makeDetectCommand() { return std::make_unique<DetectCommand>(); }

}  // namespace qdyn::cli
