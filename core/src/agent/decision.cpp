// The agent's per-host decisions (decision.hpp).
#include "decision.hpp"

#include <optional>
#include <string>

#include "qdyn/agent/profile_check.hpp"  // familyName
#include "qdyn/agent/time_text.hpp"

namespace qdyn::agent {

namespace {

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : std::string(separator)) + part;
    return out;
}

}  // namespace

bool liftStaleStops(const config::Profile& profile, StateStore& state, const std::function<void(const std::string&)>& note) {
    bool changed = false;
    // Hashed once, and only when there is a stop to compare it with.
    std::optional<std::string> fingerprint;
    const auto current = [&]() -> const std::string& {
        if (!fingerprint) fingerprint = profile.fingerprint();
        return *fingerprint;
    };
    if (state.profileStop && state.profileStop->fingerprint != current()) {
        note("[" + profile.name + "] the profile changed since it was stopped (" + state.profileStop->code +
             "); trying again");
        state.profileStop.reset();
        changed = true;
    }
    for (const auto& name : profile.hosts) {
        const HostState* host = state.find(name);
        if (host == nullptr || !host->stop || host->stop->fingerprint == current()) continue;
        note("[" + profile.name + "] " + name + ": the profile changed since the host was stopped (" + host->stop->code +
             "); trying again");
        state.host(name).stop.reset();
        changed = true;
    }
    return changed;
}

bool applyStops(const StateStore& state, TimePoint now, bool force, std::span<HostReport> hosts) {
    bool anyMaySend = false;
    for (auto& report : hosts) {
        const HostState* host = state.find(report.host);
        if (state.profileStop) {
            report.action = HostAction::Stopped;
            report.stoppedBy = state.profileStop->outcome;
            report.reason = stopReason(*state.profileStop, true);
        } else if (host != nullptr && host->stop) {
            report.action = HostAction::Stopped;
            report.stoppedBy = host->stop->outcome;
            report.reason = stopReason(*host->stop, false);
        } else if (host != nullptr && host->retryAt > now && !force) {
            report.action = HostAction::BackingOff;
            report.retryAt = host->retryAt;
            report.reason = "waiting after " + std::to_string(host->failures) + " temporary failure(s) (last: " +
                            host->lastCode + "); next try at " + formatTime(host->retryAt) + ", in " +
                            formatDuration(std::chrono::duration_cast<std::chrono::seconds>(host->retryAt - now));
        } else {
            anyMaySend = true;
        }
    }
    return !anyMaySend;
}

UpdateRequest decideHosts(const config::Profile& profile, const StateStore& state, const Addresses& addresses,
                          TimePoint now, bool force, std::span<HostReport> hosts) {
    UpdateRequest request;
    for (auto& report : hosts) {
        if (report.action == HostAction::Stopped || report.action == HostAction::BackingOff) continue;
        if (!addresses.ipv4 && !addresses.ipv6) {
            report.action = HostAction::NoAddress;
            report.reason = addresses.missing.empty() ? "no address family is enabled" : joined(addresses.missing, "; ");
            continue;
        }
        std::vector<std::string> reasons;
        std::vector<std::string> current;
        for (const auto& address : {addresses.ipv4, addresses.ipv6}) {
            if (!address) continue;
            report.addresses.push_back(*address);
            const std::string family(familyName(address->family()));
            const auto published = state.published(report.host, address->family());
            if (force) {
                if (reasons.empty()) reasons.push_back("forced");
            } else if (!published) {
                reasons.push_back("first update: no " + family + " address published by qdyn yet");
                report.addressChanged = true;
            } else if (published->address != *address) {
                reasons.push_back(family + " changed from " + published->address.toString() + " to " + address->toString());
                report.addressChanged = true;
            } else if (now - published->when >= profile.agent.refreshAfter) {
                reasons.push_back("refresh: " + family + " " + address->toString() + " was last sent " +
                                  formatDuration(std::chrono::duration_cast<std::chrono::seconds>(now - published->when)) +
                                  " ago");
            } else {
                current.push_back(family + " " + address->toString() + " published at " + formatTime(published->when));
            }
        }
        if (reasons.empty()) {
            report.action = HostAction::Current;
            report.reason = joined(current, ", ");
            if (!addresses.missing.empty()) report.reason += "; " + joined(addresses.missing, "; ");
            continue;
        }
        report.reason = joined(reasons, "; ");
        request.hosts.push_back(report.host);
    }
    return request;
}

std::string stopReason(const Stop& stop, bool wholeProfile) {
    std::string text = std::string(wholeProfile ? "profile stopped" : "host stopped") + " since " + formatTime(stop.since) +
                       ": the server answered " + stop.code + " (" + std::string(toString(stop.outcome)) + ")";
    if (!stop.detail.empty()) text += ": " + stop.detail;
    text += ". Nothing is sent until the profile changes or `qdyn reset` is run.";
    return text;
}

std::string backoffReason(const HostOutcome& outcome, unsigned failures, std::chrono::seconds delay) {
    std::string text = std::string(toString(outcome.outcome)) + " (" + outcome.code + ")";
    if (!outcome.detail.empty()) text += ": " + outcome.detail;
    if (outcome.outcome == OutcomeClass::ClockSkew) {
        text += "; this machine's clock is off: fix it (NTP); next try in " + formatDuration(delay);
    } else {
        text += "; failure " + std::to_string(failures) + " in a row, next try in " + formatDuration(delay);
    }
    return text;
}

}  // namespace qdyn::agent
