// Printing the agent's cycle for people and scripts.
#include "agent_output.hpp"

#include "exit_codes.hpp"
#include "qdyn/agent/report_text.hpp"
#include "qdyn/agent/time_text.hpp"

namespace qdyn::cli {

void printHostReport(const agent::HostReport& report, const OutputOptions& options, std::ostream& out, std::ostream& err) {
    for (const auto& line : agent::describeHost(report)) {
        const bool attention = line.level >= agent::LogLevel::Warning;
        // --quiet keeps what needs attention, and the requests a dry run was asked to show.
        if (options.quiet && !attention && report.action != agent::HostAction::DryRun) continue;
        (attention ? err : out) << line.text << '\n';
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
