#include "tray_status.hpp"

#include "qdyn/agent/state_store.hpp"
#include "qdyn/agent/time_text.hpp"

namespace qdyn::gui {

namespace {

std::string withReason(std::string_view label, const std::string& reason) {
    std::string text(label);
    if (!reason.empty()) text += ": " + reason;
    return text;
}

// What the state file alone says is wrong, for hosts no cycle has reported on yet.
std::string problemFromState(const agent::StateStore& state, const std::string& host) {
    if (state.profileStop) {
        return "stopped: the server answered " + state.profileStop->code + " (" + state.profileStop->detail + ")";
    }
    const agent::HostState* hostState = state.find(host);
    if (hostState == nullptr) return {};
    if (hostState->stop) return "stopped: the server answered " + hostState->stop->code;
    if (hostState->lastOutcome && !isSuccess(*hostState->lastOutcome)) {
        return "the last update failed (" + hostState->lastCode + ")";
    }
    return {};
}

std::size_t problemCount(const StatusSnapshot& snapshot) {
    std::size_t count = 0;
    for (const auto& host : snapshot.hosts)
        count += host.ok() ? 0U : 1U;
    return count;
}

std::string names(std::size_t count) {
    return std::to_string(count) + (count == 1 ? " name" : " names");
}

}  // namespace

std::string addressList(const std::vector<IpAddress>& addresses, std::string_view separator) {
    std::string text;
    for (const auto& address : addresses) {
        if (!text.empty()) text += separator;
        text += address.toString();
    }
    return text;
}

std::string_view toString(TrayState state) noexcept {
    switch (state) {
        case TrayState::UpToDate:
            return "up-to-date";
        case TrayState::Updating:
            return "updating";
        case TrayState::Attention:
            return "attention";
        case TrayState::Paused:
            return "paused";
    }
    return "attention";
}

TrayState trayState(const StatusSnapshot& snapshot, bool paused, bool updating) {
    if (paused) return TrayState::Paused;
    if (updating) return TrayState::Updating;
    if (!snapshot.profileError.empty() || snapshot.hosts.empty() || problemCount(snapshot) != 0) {
        return TrayState::Attention;
    }
    return TrayState::UpToDate;
}

std::string problemOf(const agent::HostReport& host) {
    switch (host.action) {
        case agent::HostAction::Updated:
        case agent::HostAction::Unchanged:
        case agent::HostAction::Current:
        case agent::HostAction::DryRun:
            for (const auto& check : host.verification) {
                if (check.status == "mismatch") return withReason("verification mismatch", check.summary);
            }
            return {};
        case agent::HostAction::Failed:
            return withReason("update failed", host.reason);
        case agent::HostAction::Stopped:
            return withReason("stopped", host.reason);
        case agent::HostAction::BackingOff:
            return withReason("waiting to retry", host.reason);
        case agent::HostAction::NoAddress:
            return withReason("no address", host.reason);
        case agent::HostAction::Broken:
            return withReason("profile unusable", host.reason);
    }
    return host.reason;
}

StatusSnapshot makeSnapshot(const config::ProfileSet& profiles, const std::filesystem::path& stateDir,
                            const agent::CycleReport* report) {
    StatusSnapshot snapshot;
    snapshot.profilePath = profiles.path;
    snapshot.cycleDone = report != nullptr;
    for (const auto& profile : profiles.profiles) {
        const agent::StateStore state = agent::StateStore::open(agent::stateFile(stateDir, profile.name));
        for (const auto& host : profile.hosts) {
            HostLine line;
            line.profile = profile.name;
            line.host = host;
            if (const agent::HostState* hostState = state.find(host)) {
                for (const auto* published : {&hostState->v4, &hostState->v6}) {
                    if (*published) line.published.push_back((*published)->address);
                }
                line.lastChange = hostState->lastChange;
            }
            bool reported = false;
            if (report != nullptr) {
                for (const auto& hostReport : report->hosts) {
                    if (hostReport.profile != profile.name || hostReport.host != host) continue;
                    reported = true;
                    if (line.problem.empty()) line.problem = problemOf(hostReport);
                }
            }
            if (!reported) line.problem = problemFromState(state, host);
            snapshot.hosts.push_back(std::move(line));
        }
    }
    return snapshot;
}

std::string headline(const StatusSnapshot& snapshot, TrayState state) {
    if (state == TrayState::Paused) return "Paused: no updates until resumed";
    if (state == TrayState::Updating) return "Updating...";
    if (!snapshot.profileError.empty()) return "The profile file has an error";
    if (snapshot.hosts.empty()) return "No profiles yet: add one under Profiles...";
    const std::size_t problems = problemCount(snapshot);
    if (problems == 0) {
        return snapshot.hosts.size() == 1 ? "The name is up to date"
                                          : "All " + names(snapshot.hosts.size()) + " up to date";
    }
    return names(problems) + (problems == 1 ? " needs" : " need") + " attention";
}

std::string tooltipText(const StatusSnapshot& snapshot, TrayState state, agent::TimePoint now, std::size_t maxHosts) {
    std::string text = "qdyn: " + headline(snapshot, state);
    if (!snapshot.profileError.empty()) text += "\n" + snapshot.profileError;
    std::size_t shown = 0;
    // Problems first: they are what the user opened the tooltip for.
    for (const bool problems : {true, false}) {
        for (const auto& host : snapshot.hosts) {
            if (host.ok() == problems) continue;
            if (shown == maxHosts) break;
            ++shown;
            text += "\n" + host.host + ": ";
            if (!host.ok()) {
                text += host.problem;
                continue;
            }
            text += host.published.empty() ? "nothing published yet" : addressList(host.published, ", ");
            if (host.lastChange != agent::TimePoint{}) {
                text += ", changed " +
                        agent::formatDuration(std::chrono::duration_cast<std::chrono::seconds>(now - host.lastChange)) +
                        " ago";
            }
        }
    }
    if (shown < snapshot.hosts.size()) text += "\nand " + std::to_string(snapshot.hosts.size() - shown) + " more";
    return text;
}

}  // namespace qdyn::gui
