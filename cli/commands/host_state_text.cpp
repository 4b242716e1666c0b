// Text and JSON views of a host's state (host_state_text.hpp). Never a secret: the state holds none.
#include "commands/host_state_text.hpp"

#include "qdyn/agent/time_text.hpp"

namespace qdyn::cli {

namespace {

using agent::formatDuration;
using agent::formatTime;

std::chrono::seconds between(agent::TimePoint from, agent::TimePoint to) {
    return std::chrono::duration_cast<std::chrono::seconds>(to - from);
}

nlohmann::json stopJson(const agent::Stop& stop, const config::Profile& profile) {
    return {{"outcome", std::string(toString(stop.outcome))}, {"code", stop.code}, {"detail", stop.detail},
            {"since", formatTime(stop.since)}, {"lifted_by_profile_change", stop.fingerprint != profile.fingerprint()}};
}

}  // namespace

std::string nextAction(const config::Profile& profile, const agent::StateStore& state, const std::string& host,
                       agent::TimePoint now) {
    const agent::HostState* entry = state.find(host);
    const agent::Stop* stop = state.profileStop ? &*state.profileStop : entry != nullptr && entry->stop ? &*entry->stop : nullptr;
    if (stop != nullptr) {
        if (stop->fingerprint != profile.fingerprint()) return "try again at the next cycle: the profile changed since the stop";
        return "nothing: stopped after " + stop->code + " until the profile changes or `qdyn reset`";
    }
    if (entry != nullptr && entry->retryAt > now) {
        return "retry at " + formatTime(entry->retryAt) + " (in " + formatDuration(between(now, entry->retryAt)) + ")";
    }
    std::optional<agent::TimePoint> refresh;
    for (const auto* published : {entry ? &entry->v4 : nullptr, entry ? &entry->v6 : nullptr}) {
        if (published == nullptr || !*published) continue;
        const auto due = (*published)->when + profile.agent.refreshAfter;
        if (!refresh || due < *refresh) refresh = due;
    }
    if (!refresh) return "update at the next cycle: nothing published by qdyn yet";
    if (*refresh <= now) return "refresh at the next cycle (last sent " + formatDuration(between(*refresh - profile.agent.refreshAfter, now)) + " ago)";
    return "update when the address changes; refresh at " + formatTime(*refresh);
}

void printHostState(const config::Profile& profile, const agent::StateStore& state, const std::string& host,
                    agent::TimePoint now, std::ostream& out) {
    const agent::HostState* entry = state.find(host);
    for (const auto& [family, published] : {std::pair{"IPv4", entry ? entry->v4 : std::nullopt},
                                            std::pair{"IPv6", entry ? entry->v6 : std::nullopt}}) {
        if (!published) continue;
        out << "    " << family << ": " << published->address.toString() << " (sent " << formatTime(published->when) << ")\n";
    }
    if (entry == nullptr || (!entry->v4 && !entry->v6)) out << "    nothing published by qdyn yet\n";
    if (entry != nullptr && entry->lastChange != agent::TimePoint{}) {
        out << "    last change: " << formatTime(entry->lastChange) << '\n';
    }
    if (entry != nullptr && entry->lastOutcome) {
        out << "    last reply: " << toString(*entry->lastOutcome) << " (" << entry->lastCode << ") at "
            << formatTime(entry->lastAttempt);
        if (!entry->lastDetail.empty() && !isSuccess(*entry->lastOutcome)) out << ": " << entry->lastDetail;
        out << '\n';
    }
    if (entry != nullptr && entry->failures > 0) out << "    temporary failures in a row: " << entry->failures << '\n';
    if (state.profileStop) out << "    profile stopped since " << formatTime(state.profileStop->since) << " (" << state.profileStop->code << ")\n";
    if (entry != nullptr && entry->stop) out << "    host stopped since " << formatTime(entry->stop->since) << " (" << entry->stop->code << ")\n";
    out << "    next: " << nextAction(profile, state, host, now) << '\n';
}

nlohmann::json hostStateJson(const config::Profile& profile, const agent::StateStore& state, const std::string& host,
                             agent::TimePoint now) {
    const agent::HostState* entry = state.find(host);
    nlohmann::json out{{"profile", profile.name}, {"host", host}, {"next", nextAction(profile, state, host, now)}};
    for (const auto& [key, published] : {std::pair{"ipv4", entry ? entry->v4 : std::nullopt},
                                         std::pair{"ipv6", entry ? entry->v6 : std::nullopt}}) {
        out[key] = published ? nlohmann::json{{"address", published->address.toString()}, {"sent", formatTime(published->when)}}
                             : nlohmann::json(nullptr);
    }
    out["last_change"] = entry && entry->lastChange != agent::TimePoint{} ? nlohmann::json(formatTime(entry->lastChange))
                                                                           : nlohmann::json(nullptr);
    if (entry != nullptr && entry->lastOutcome) {
        out["last_reply"] = {{"outcome", std::string(toString(*entry->lastOutcome))}, {"code", entry->lastCode},
                             {"detail", entry->lastDetail}, {"at", formatTime(entry->lastAttempt)}};
    } else {
        out["last_reply"] = nullptr;
    }
    out["failures"] = entry ? entry->failures : 0U;
    out["retry_at"] = entry && entry->retryAt > now ? nlohmann::json(formatTime(entry->retryAt)) : nlohmann::json(nullptr);
    out["stop"] = state.profileStop ? stopJson(*state.profileStop, profile)
                  : entry && entry->stop ? stopJson(*entry->stop, profile)
                                         : nlohmann::json(nullptr);
    return out;
}

}  // namespace qdyn::cli
