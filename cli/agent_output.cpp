// Printing the agent's cycle for people and scripts.
#include "agent_output.hpp"

#include "exit_codes.hpp"
#include "qdyn/agent/time_text.hpp"

namespace qdyn::cli {

namespace {

void printAddresses(const std::vector<IpAddress>& addresses, std::ostream& stream) {
    for (std::size_t i = 0; i < addresses.size(); ++i) stream << (i == 0 ? " " : ",") << addresses[i].toString();
}

}  // namespace

void printHostReport(const agent::HostReport& report, const OutputOptions& options, std::ostream& out, std::ostream& err) {
    const std::string prefix = "[" + report.profile + "] " + report.host + ": ";
    using agent::HostAction;
    switch (report.action) {
        case HostAction::Updated:
        case HostAction::Unchanged: {
            if (options.quiet) break;
            const HostOutcome& outcome = *report.outcome;
            out << prefix << toString(outcome.outcome) << " (" << outcome.code;
            printAddresses(outcome.addresses.empty() ? report.addresses : outcome.addresses, out);
            out << ")\n";
            for (const auto& verified : report.verification) {
                (verified.status == "verified" ? out : err) << prefix << "verification " << verified.status << ": "
                                                            << verified.summary << '\n';
            }
            break;
        }
        case HostAction::Current:
            if (!options.quiet) out << prefix << "unchanged (nothing sent): " << report.reason << '\n';
            break;
        case HostAction::DryRun:
            for (const auto& line : report.wouldSend) out << "[" << report.profile << "] would send: " << line << '\n';
            break;
        case HostAction::Failed: {
            const HostOutcome& outcome = *report.outcome;
            // A backoff's reason already starts with the class and the code.
            if (report.reason.starts_with(toString(outcome.outcome))) {
                err << prefix << report.reason << '\n';
            } else {
                err << prefix << toString(outcome.outcome) << " (" << outcome.code << "): " << report.reason << '\n';
            }
            break;
        }
        case HostAction::Stopped:
        case HostAction::BackingOff:
        case HostAction::NoAddress:
        case HostAction::Broken:
            err << prefix << toString(report.action) << ": " << report.reason << '\n';
            break;
    }
}

nlohmann::json hostReportJson(const agent::HostReport& report) {
    nlohmann::json out{{"profile", report.profile}, {"host", report.host},
                       {"action", std::string(toString(report.action))}, {"reason", report.reason}};
    auto& addresses = out["addresses"] = nlohmann::json::array();
    for (const auto& address : report.addresses) addresses.push_back(address.toString());
    if (report.outcome) {
        out["reply"] = {{"outcome", std::string(toString(report.outcome->outcome))},
                        {"code", report.outcome->code},
                        {"detail", report.outcome->detail}};
    }
    if (report.stoppedBy) out["stopped_by"] = std::string(toString(*report.stoppedBy));
    if (report.retryAt != agent::TimePoint{}) out["retry_at"] = agent::formatTime(report.retryAt);
    if (!report.wouldSend.empty()) out["would_send"] = report.wouldSend;
    for (const auto& verified : report.verification) {
        out["verification"].push_back({{"status", verified.status}, {"summary", verified.summary}});
    }
    return out;
}

int exitCodeFor(const agent::CycleReport& report) {
    std::vector<HostOutcome> outcomes;
    bool broken = false;
    for (const auto& host : report.hosts) {
        using agent::HostAction;
        switch (host.action) {
            case HostAction::Updated:
            case HostAction::Unchanged:
            case HostAction::Failed: outcomes.push_back(*host.outcome); break;
            case HostAction::Stopped:
                outcomes.push_back(HostOutcome{host.host, host.stoppedBy.value_or(OutcomeClass::AuthFailed), "", "", {}, {}});
                break;
            case HostAction::BackingOff:
            case HostAction::NoAddress:
                outcomes.push_back(HostOutcome{host.host, OutcomeClass::RetryLater, "", "", {}, {}});
                break;
            case HostAction::Broken: broken = true; break;
            case HostAction::Current:
            case HostAction::DryRun: break;
        }
    }
    const int code = exitCodeFor(outcomes);
    return code == kExitOk && broken ? kExitUsage : code;
}

}  // namespace qdyn::cli
