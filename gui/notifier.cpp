#include "notifier.hpp"

#include <algorithm>

#include "tray_status.hpp"

namespace qdyn::gui {

namespace {

std::string serverWord(const agent::HostReport& host) {
    if (!host.outcome || host.outcome->code.empty()) return {};
    return " (the server answered " + host.outcome->code + ")";
}

}  // namespace

bool Notifier::repeatAllowed(const std::string& key, agent::TimePoint now) {
    const auto found = m_lastShown.find(key);
    if (found != m_lastShown.end() && now - found->second < m_policy.repeatAfter) return false;
    m_lastShown[key] = now;
    return true;
}

std::vector<Notification> Notifier::onCycle(const agent::CycleReport& report, agent::TimePoint now) {
    std::vector<Notification> wanted;
    for (const auto& host : report.hosts) {
        const std::string id = host.profile + "|" + host.host;
        const bool fatalReply =
            host.action == agent::HostAction::Failed && host.outcome && isStopping(host.outcome->outcome);
        if (fatalReply || host.action == agent::HostAction::Stopped) {
            // Once per stop: the stop holds until the profile changes, so repeating it says nothing new.
            if (m_stopped.insert(id).second) {
                wanted.push_back(
                    {Notification::Kind::Stopped, Notification::Severity::Critical, host.host + ": updates stopped",
                     host.reason + serverWord(host) + ". Nothing more is sent until the profile is changed or reset."});
            }
            continue;
        }
        m_stopped.erase(id);
        if (host.action == agent::HostAction::Failed) {
            if (repeatAllowed("failed|" + id, now)) {
                wanted.push_back({Notification::Kind::UpdateFailed, Notification::Severity::Warning,
                                  host.host + ": update failed", host.reason + serverWord(host)});
            }
            continue;
        }
        if (host.action == agent::HostAction::Updated && host.addressChanged) {
            // A success ends the failure's silence: the next failure is news again.
            m_lastShown.erase("failed|" + id);
            if (m_policy.addressChanges) {
                wanted.push_back({Notification::Kind::AddressChanged, Notification::Severity::Information,
                                  host.host + " updated",
                                  host.host + " now points to " + addressList(host.addresses, " and ")});
            }
        }
        for (const auto& check : host.verification) {
            if (check.status != "mismatch") continue;
            if (repeatAllowed("mismatch|" + id, now)) {
                wanted.push_back({Notification::Kind::VerificationMismatch, Notification::Severity::Warning,
                                  host.host + ": DNS does not match", check.summary});
            }
            break;
        }
    }
    return limitBurst(std::move(wanted), now);
}

std::vector<Notification> Notifier::limitBurst(std::vector<Notification> wanted, agent::TimePoint now) {
    std::erase_if(m_recent, [&](agent::TimePoint shown) { return now - shown >= m_policy.burstWindow; });
    const std::size_t allowance = m_policy.burst > m_recent.size() ? m_policy.burst - m_recent.size() : 0;
    if (wanted.size() > allowance) {
        // Everything is in the log window; a flood of bubbles helps nobody. The most severe first.
        std::stable_sort(wanted.begin(), wanted.end(),
                         [](const Notification& a, const Notification& b) { return a.severity > b.severity; });
        if (allowance == 0) return {};
        const std::size_t rest = wanted.size() - (allowance - 1);
        wanted.resize(allowance - 1);
        wanted.push_back({Notification::Kind::Summary, Notification::Severity::Warning,
                          std::to_string(rest) + " more qdyn events", "See Log... in the tray menu for the details."});
    }
    for (std::size_t i = 0; i < wanted.size(); ++i)
        m_recent.push_back(now);
    return wanted;
}

}  // namespace qdyn::gui
