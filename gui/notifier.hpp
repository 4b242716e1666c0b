// The notifier decides which of the agent's results become desktop notifications, and how
// often: an address change, a failed update, a stop on a fatal reply, a verification mismatch.
// The tray only shows what it is given. Qt-free, with the time passed in, so the policy is
// tested without a desktop or a clock.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "qdyn/agent/agent.hpp"

namespace qdyn::gui {

struct Notification {
    enum class Kind { AddressChanged, UpdateFailed, Stopped, VerificationMismatch, Summary };
    enum class Severity { Information, Warning, Critical };
    Kind kind = Kind::Summary;
    Severity severity = Severity::Information;
    std::string title;
    std::string body;
};

struct NotifierPolicy {
    bool addressChanges = true;  // address changes are good news; some users want silence
    // The same failure or mismatch of the same host is shown again only after this long.
    std::chrono::seconds repeatAfter{std::chrono::hours(1)};
    // At most this many notifications per window; the rest of a cycle's become one summary.
    std::size_t burst = 3;
    std::chrono::seconds burstWindow{std::chrono::minutes(1)};
};

class Notifier {
public:
    explicit Notifier(NotifierPolicy policy = {}) : m_policy(policy) {}

    // The notifications one cycle's results call for, at time `now`.
    std::vector<Notification> onCycle(const agent::CycleReport& report, agent::TimePoint now);

    [[nodiscard]] const NotifierPolicy& policy() const noexcept { return m_policy; }
    void setPolicy(const NotifierPolicy& policy) { m_policy = policy; }

private:
    bool repeatAllowed(const std::string& key, agent::TimePoint now);
    std::vector<Notification> limitBurst(std::vector<Notification> wanted, agent::TimePoint now);

    NotifierPolicy m_policy;
    std::map<std::string, agent::TimePoint> m_lastShown;  // "kind|profile|host" -> when
    std::set<std::string> m_stopped;                      // "profile|host" known to be stopped
    std::vector<agent::TimePoint> m_recent;               // shown inside the burst window
};

}  // namespace qdyn::gui
