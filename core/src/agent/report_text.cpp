// One host's part of a cycle in plain words (report_text.hpp).
#include "qdyn/agent/report_text.hpp"

namespace qdyn::agent {

namespace {

std::string addressList(const std::vector<IpAddress>& addresses) {
    std::string text;
    for (std::size_t i = 0; i < addresses.size(); ++i) text += (i == 0 ? " " : ",") + addresses[i].toString();
    return text;
}

LogLevel verificationLevel(const VerifyReport& verified) {
    if (verified.status == "verified") return LogLevel::Info;
    return verified.status == "mismatch" ? LogLevel::Error : LogLevel::Warning;
}

}  // namespace

std::vector<ReportLine> describeHost(const HostReport& report) {
    const std::string prefix = "[" + report.profile + "] " + report.host + ": ";
    std::vector<ReportLine> lines;
    switch (report.action) {
        case HostAction::Updated:
        case HostAction::Unchanged: {
            const HostOutcome& outcome = *report.outcome;
            const auto& shown = outcome.addresses.empty() ? report.addresses : outcome.addresses;
            lines.push_back({LogLevel::Info, prefix + std::string(toString(outcome.outcome)) + " (" + outcome.code +
                                                 addressList(shown) + ")"});
            for (const auto& verified : report.verification) {
                lines.push_back({verificationLevel(verified),
                                 prefix + "verification " + verified.status + ": " + verified.summary});
            }
            break;
        }
        case HostAction::Current:
            lines.push_back({LogLevel::Debug, prefix + "unchanged (nothing sent): " + report.reason});
            break;
        case HostAction::DryRun:
            for (const auto& request : report.wouldSend) {
                lines.push_back({LogLevel::Info, "[" + report.profile + "] would send: " + request});
            }
            break;
        case HostAction::Failed: {
            const HostOutcome& outcome = *report.outcome;
            const auto outcomeName = std::string(toString(outcome.outcome));
            // A backoff's reason already starts with the class and the code.
            lines.push_back({LogLevel::Error, report.reason.starts_with(outcomeName)
                                                  ? prefix + report.reason
                                                  : prefix + outcomeName + " (" + outcome.code + "): " + report.reason});
            break;
        }
        case HostAction::Stopped:
        case HostAction::Broken:
        case HostAction::BackingOff:
        case HostAction::NoAddress: {
            // A stop or a broken profile needs the user; a backoff or a missing address passes.
            const bool needsUser = report.action == HostAction::Stopped || report.action == HostAction::Broken;
            lines.push_back({needsUser ? LogLevel::Error : LogLevel::Warning,
                             prefix + std::string(toString(report.action)) + ": " + report.reason});
            break;
        }
    }
    return lines;
}

}  // namespace qdyn::agent
