// The agent: for each profile and host, detect the addresses, compare them with the durable
// state, update through the profile's protocol only when something changed (or a refresh is
// due), classify the reply and decide what comes next: nothing, a backoff, or a stop that holds
// until the profile changes. It never sends a request a stop or a backoff forbids.
// One cycle is synchronous; the caller (qdyn update, qdyn run, the tray's worker) decides when.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/agent/backoff.hpp"
#include "qdyn/agent/clock.hpp"
#include "qdyn/agent/hooks.hpp"
#include "qdyn/agent/state_store.hpp"
#include "qdyn/config/profile.hpp"
#include "qdyn/detect/detector.hpp"
#include "qdyn/protocols/protocol.hpp"

namespace qdyn::agent {

enum class Trigger {
    Start,          // the first cycle of `qdyn run`
    Poll,           // the periodic poll
    NetworkChange,  // the network monitor saw a change
    Manual,         // `qdyn update`, Update now
};
std::string_view toString(Trigger trigger) noexcept;

enum class HostAction {
    Updated,     // sent; the server changed the record
    Unchanged,   // sent; the server already had it
    Current,     // nothing sent: what is published is what was detected
    Failed,      // sent; the reply was a failure (outcome says which)
    Stopped,     // nothing sent: a fatal reply stopped the profile or the host
    BackingOff,  // nothing sent: waiting after a temporary failure
    NoAddress,   // nothing sent: no publishable address was found
    DryRun,      // nothing sent: what would be sent is in wouldSend
    Broken,      // nothing sent: the profile cannot be used (its protocol refused it)
};
std::string_view toString(HostAction action) noexcept;

// What verification found; produced by the VerifyFunction (Verifier in production).
struct VerifyReport {
    std::string status;   // "verified", "propagating", "mismatch", "unverifiable"
    std::string summary;  // one sentence
};

struct HostReport {
    std::string profile;
    std::string host;
    HostAction action = HostAction::Current;
    std::optional<HostOutcome> outcome;  // the server's reply, when a request was sent
    std::vector<IpAddress> addresses;    // the addresses this cycle published, would publish or found current
    std::string reason;                  // plain words: why this action
    std::vector<std::string> wouldSend;  // DryRun: the requests, secrets left out
    std::vector<VerifyReport> verification;  // one per family updated, when the profile verifies
    TimePoint retryAt{};                     // BackingOff / Failed with RetryLater: when the next try may go out
    std::optional<OutcomeClass> stoppedBy;   // Stopped: the class of the reply that stopped it
    bool addressChanged = false;             // sent because an address differs from (or was never) published
};

struct CycleReport {
    Trigger trigger = Trigger::Manual;
    std::vector<HostReport> hosts;
    std::vector<detect::DetectionReport> detections;  // one per profile and family detected
    // Hosts the cycle had to skip for reasons worth a line in the log (profile broken, ...).
    std::vector<std::string> notes;
};

struct CycleOptions {
    bool force = false;   // send even when current, and despite a backoff (never despite a stop)
    bool dryRun = false;  // detect and decide, send nothing, change no state
    // Given addresses replace detection for their family (qdyn update --address).
    std::optional<IpAddress> ipv4;
    std::optional<IpAddress> ipv6;
    std::vector<std::string> onlyProfiles;  // empty: all
};

enum class LogLevel { Debug, Info, Warning, Error };
// What the reports do not carry: lifted stops, state and source problems, hook failures, warnings.
using AgentLog = std::function<void(LogLevel, std::string_view)>;
using ProtocolFactory = std::function<Result<std::unique_ptr<UpdateProtocol>>(const config::Profile&)>;
using DetectFunction = std::function<detect::DetectionReport(const config::Profile&, AddressFamily)>;
using VerifyFunction = std::function<VerifyReport(const config::Profile&, const std::string& host,
                                                  const IpAddress& expected, const std::optional<IpAddress>& previous)>;
using HookFunction = std::function<Result<void>(const std::vector<std::string>& argv, const HookEvent& event)>;

struct AgentOptions {
    std::filesystem::path stateDir;
    std::shared_ptr<const Clock> clock;  // default: the system clock
    ProtocolFactory makeProtocol;        // default: qdyn::makeProtocol
    DetectFunction detect;               // default: a Detector per profile over its sources
    VerifyFunction verify;               // default: the Verifier (SOA/NS or the profile's servers)
    HookFunction runHook;                // default: agent::runHook
    AgentLog log;                        // default: silent
    BackoffPolicy backoff;
    std::function<double()> random;      // [0, 1) for the jitter; default: a seeded generator
    detect::CheckOptions check;          // tests only: documentation addresses on loopback
};

class Agent {
public:
    Agent(config::ProfileSet profiles, AgentOptions options);
    ~Agent();
    Agent(const Agent&) = delete;
    Agent& operator=(const Agent&) = delete;

    // Replaces the profiles (a reload). Stops recorded under an older fingerprint are lifted at
    // the next cycle; detectors of unchanged profiles keep their per-source backoff.
    void setProfiles(config::ProfileSet profiles);
    [[nodiscard]] const config::ProfileSet& profiles() const noexcept { return m_profiles; }

    CycleReport cycle(Trigger trigger, const CycleOptions& options = {});

    // When the next cycle is due: the next poll of any profile, or the end of a backoff,
    // whichever comes first. Only meaningful after a cycle.
    [[nodiscard]] TimePoint nextDue() const;

    [[nodiscard]] const Clock& clock() const noexcept { return *m_options.clock; }

private:
    struct ProfileRun;
    void runProfile(const config::Profile& profile, Trigger trigger, const CycleOptions& options, CycleReport& report);
    detect::DetectionReport detectFamily(const config::Profile& profile, AddressFamily family);
    void applyOutcome(const config::Profile& profile, StateStore& state, const UpdateRequest& request,
                      HostOutcome outcome, HostReport& host);
    void afterSuccess(const config::Profile& profile, StateStore& state, const UpdateRequest& request,
                      const HostOutcome& outcome, HostReport& host);
    void runHookFor(const config::Profile& profile, const std::vector<std::string>& argv, const HookEvent& event);
    void log(LogLevel level, const std::string& text) const;

    config::ProfileSet m_profiles;
    AgentOptions m_options;
    struct DetectorSlot {
        std::string definition;  // the profile's (the detector reads nothing else): a change rebuilds it
        std::unique_ptr<detect::Detector> detector;
    };
    std::map<std::string, DetectorSlot> m_detectors;
    std::map<std::string, TimePoint> m_nextPoll;   // per profile
    std::map<std::string, TimePoint> m_retryAt;    // per profile: the earliest backoff end
};

}  // namespace qdyn::agent
