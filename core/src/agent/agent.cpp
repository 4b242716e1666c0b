// The agent's cycle: per profile, lift stops the profile's changes invalidate, skip what a stop or
// a backoff forbids, detect, decide per host, send one request for the hosts that need it, and
// record every outcome durably before anything else happens.
#include "qdyn/agent/agent.hpp"

#include <algorithm>
#include <random>

#include "decision.hpp"
#include "qdyn/agent/verifier.hpp"
#include "qdyn/detect/source_spec.hpp"
#include "qdyn/protocols/registry.hpp"

namespace qdyn::agent {

namespace {

constexpr std::size_t kMaxStoredText = 300;

std::string cut(std::string text) {
    if (text.size() > kMaxStoredText) text.resize(kMaxStoredText);
    return text;
}

std::unique_ptr<detect::Detector> makeDetector(const config::Profile& profile, const detect::CheckOptions& check,
                                               std::vector<std::string>& problems) {
    auto sourcesFor = [&](const std::vector<std::string>& specs) {
        detect::Detector::SourceList sources;
        std::vector<std::string> names(specs.begin(), specs.end());
        if (names.empty()) {
            for (auto spec : detect::defaultSourceSpecs()) names.emplace_back(spec);
        }
        for (const auto& spec : names) {
            auto made = detect::sourcesFromSpec(spec);
            if (!made) {
                problems.push_back(spec + ": " + made.message());
                continue;
            }
            for (auto& source : *made) sources.push_back(std::move(source));
        }
        return sources;
    };
    detect::DetectorOptions options;
    options.requiredAgreement = profile.agent.agreement;
    options.check = check;
    options.check.allowPrivate = profile.agent.allowPrivate || check.allowPrivate;
    options.ipv6 = profile.agent.ipv6Policy;
    return std::make_unique<detect::Detector>(sourcesFor(profile.agent.detectV4), sourcesFor(profile.agent.detectV6),
                                              options);
}

double defaultRandom() {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace

std::string_view toString(Trigger trigger) noexcept {
    switch (trigger) {
        case Trigger::Start: return "start";
        case Trigger::Poll: return "poll";
        case Trigger::NetworkChange: return "network-change";
        case Trigger::Manual: return "manual";
    }
    return "manual";
}

std::string_view toString(HostAction action) noexcept {
    switch (action) {
        case HostAction::Updated: return "updated";
        case HostAction::Unchanged: return "unchanged";
        case HostAction::Current: return "current";
        case HostAction::Failed: return "failed";
        case HostAction::Stopped: return "stopped";
        case HostAction::BackingOff: return "backing-off";
        case HostAction::NoAddress: return "no-address";
        case HostAction::DryRun: return "dry-run";
        case HostAction::Broken: return "broken";
    }
    return "broken";
}

Agent::Agent(config::ProfileSet profiles, AgentOptions options)
    : m_profiles(std::move(profiles)), m_options(std::move(options)) {
    if (!m_options.clock) m_options.clock = std::make_shared<SystemClock>();
    if (!m_options.makeProtocol) m_options.makeProtocol = [](const config::Profile& p) { return makeProtocol(p); };
    if (!m_options.runHook) {
        m_options.runHook = [](const std::vector<std::string>& argv, const HookEvent& event) { return runHook(argv, event); };
    }
    if (!m_options.random) m_options.random = defaultRandom;
    if (!m_options.verify) {
        m_options.verify = [](const config::Profile& profile, const std::string& host, const IpAddress& expected,
                              const std::optional<IpAddress>& previous) {
            auto verifierOptions = verifierOptionsFor(profile.agent);
            if (!verifierOptions) return VerifyReport{"unverifiable", verifierOptions.message()};
            const Verification verification = Verifier(std::move(*verifierOptions)).verify(host, expected, previous);
            return VerifyReport{std::string(toString(verification.status)), verification.summary};
        };
    }
    if (!m_options.detect) {
        m_options.detect = [this](const config::Profile& profile, AddressFamily family) {
            return detectFamily(profile, family);
        };
    }
}

Agent::~Agent() = default;

void Agent::setProfiles(config::ProfileSet profiles) {
    m_profiles = std::move(profiles);
    std::erase_if(m_detectors, [&](const auto& entry) {
        const config::Profile* profile = m_profiles.find(entry.first);
        return profile == nullptr || profile->definition != entry.second.definition;
    });
}

detect::DetectionReport Agent::detectFamily(const config::Profile& profile, AddressFamily family) {
    DetectorSlot& slot = m_detectors[profile.name];
    if (!slot.detector || slot.definition != profile.definition) {
        std::vector<std::string> problems;
        slot.detector = makeDetector(profile, m_options.check, problems);
        slot.definition = profile.definition;
        for (const auto& problem : problems) log(LogLevel::Warning, "[" + profile.name + "] detection source " + problem);
    }
    return slot.detector->detect(family);
}

CycleReport Agent::cycle(Trigger trigger, const CycleOptions& options) {
    CycleReport report;
    report.trigger = trigger;
    for (const auto& profile : m_profiles.profiles) {
        if (!options.onlyProfiles.empty() &&
            std::find(options.onlyProfiles.begin(), options.onlyProfiles.end(), profile.name) == options.onlyProfiles.end()) {
            continue;
        }
        runProfile(profile, trigger, options, report);
    }
    return report;
}

TimePoint Agent::nextDue() const {
    std::optional<TimePoint> earliest;
    auto consider = [&](TimePoint when) {
        if (!earliest || when < *earliest) earliest = when;
    };
    for (const auto& profile : m_profiles.profiles) {
        const auto poll = m_nextPoll.find(profile.name);
        consider(poll == m_nextPoll.end() ? clock().now() : poll->second);
        const auto retry = m_retryAt.find(profile.name);
        if (retry != m_retryAt.end()) consider(retry->second);
    }
    return earliest.value_or(clock().now() + std::chrono::minutes(5));
}

void Agent::runProfile(const config::Profile& profile, Trigger trigger, const CycleOptions& options, CycleReport& report) {
    const TimePoint now = clock().now();
    m_nextPoll[profile.name] = now + profile.agent.pollInterval;
    m_retryAt.erase(profile.name);
    StateStore state = StateStore::open(stateFile(m_options.stateDir, profile.name));
    if (!state.warning().empty()) log(LogLevel::Warning, state.warning());

    const std::size_t first = report.hosts.size();
    for (const auto& host : profile.hosts) {
        HostReport entry;
        entry.profile = profile.name;
        entry.host = host;
        report.hosts.push_back(std::move(entry));
    }
    std::span<HostReport> hosts(report.hosts.data() + first, profile.hosts.size());

    // Before the stops are looked at: the empty password would change the profile's fingerprint
    // and lift them, and sending it would only earn a badauth stop.
    if (const std::string problem = config::keychainPasswordProblem(profile); !problem.empty()) {
        for (auto& host : hosts) {
            host.action = HostAction::Broken;
            host.reason = problem;
        }
        return;
    }

    bool dirty = liftStaleStops(profile, state, [this](const std::string& line) { log(LogLevel::Info, line); });
    if (applyStops(state, now, options.force, hosts)) {
        if (dirty && !options.dryRun) (void)state.save();
        return;
    }

    // Addresses: given ones win; the rest are detected once per family for the whole profile.
    Addresses addresses;
    const bool given = options.ipv4 || options.ipv6;
    for (AddressFamily family : {AddressFamily::V4, AddressFamily::V6}) {
        const auto& override = family == AddressFamily::V4 ? options.ipv4 : options.ipv6;
        auto& slot = family == AddressFamily::V4 ? addresses.ipv4 : addresses.ipv6;
        if (given) {
            slot = override;
            continue;
        }
        if (!(family == AddressFamily::V4 ? profile.agent.ipv4 : profile.agent.ipv6)) continue;
        detect::DetectionReport detection = m_options.detect(profile, family);
        slot = detection.chosen;
        if (!slot) addresses.missing.push_back(std::string(toString(family)) + ": " + detection.reason);
        report.detections.push_back(std::move(detection));
    }

    UpdateRequest request = decideHosts(profile, state, addresses, now, options.force, hosts);
    request.ipv4 = addresses.ipv4;
    request.ipv6 = addresses.ipv6;
    if (request.hosts.empty()) {
        if (dirty && !options.dryRun) (void)state.save();
        return;
    }

    const auto pending = [&](const HostReport& host) {
        return std::find(request.hosts.begin(), request.hosts.end(), host.host) != request.hosts.end();
    };
    auto protocol = m_options.makeProtocol(profile);
    if (!protocol) {
        for (auto& host : hosts) {
            if (!pending(host)) continue;
            host.action = HostAction::Broken;
            host.reason = protocol.message();
        }
        return;
    }
    if (options.dryRun) {
        const auto lines = (*protocol)->describe(request);
        for (auto& host : hosts) {
            if (!pending(host)) continue;
            host.action = HostAction::DryRun;
            host.wouldSend = lines;
        }
        return;
    }

    log(LogLevel::Debug, "[" + profile.name + "] sending an update for " + std::to_string(request.hosts.size()) +
                             " host(s) (" + std::string(toString(trigger)) + ")");
    std::vector<HostOutcome> outcomes = (*protocol)->update(request);
    for (auto& host : hosts) {
        if (!pending(host)) continue;
        auto match = std::find_if(outcomes.begin(), outcomes.end(), [&](const HostOutcome& o) { return o.host == host.host; });
        HostOutcome outcome = match != outcomes.end()
                                  ? std::move(*match)
                                  : HostOutcome{host.host, OutcomeClass::RetryLater, "no-reply",
                                                "the protocol returned no outcome for this host", {}, {}};
        if (match != outcomes.end()) outcomes.erase(match);
        applyOutcome(profile, state, request, std::move(outcome), host);
    }
    for (const auto& host : hosts) {
        if (host.retryAt != TimePoint{} && host.retryAt > now) {
            auto [it, inserted] = m_retryAt.emplace(profile.name, host.retryAt);
            if (!inserted) it->second = std::min(it->second, host.retryAt);
        }
    }
    if (auto saved = state.save(); !saved) log(LogLevel::Error, "[" + profile.name + "] " + saved.message());
}

void Agent::applyOutcome(const config::Profile& profile, StateStore& state, const UpdateRequest& request,
                         HostOutcome outcome, HostReport& host) {
    const TimePoint now = clock().now();
    HostState& hostState = state.host(host.host);
    hostState.lastOutcome = outcome.outcome;
    hostState.lastCode = cut(outcome.code);
    hostState.lastDetail = cut(outcome.detail);
    hostState.lastAttempt = now;
    if (isSuccess(outcome.outcome)) {
        host.outcome = std::move(outcome);
        afterSuccess(profile, state, request, *host.outcome, host);
        return;
    }

    host.action = HostAction::Failed;
    HookEvent event{"failure", profile.name, host.host, std::string(toString(outcome.outcome)), outcome.code,
                    outcome.detail, {}, {}, {}, {}};
    if (request.ipv4) event.newIpv4 = request.ipv4->toString();
    if (request.ipv6) event.newIpv6 = request.ipv6->toString();
    bool firstOfStreak = true;
    switch (outcome.outcome) {
        case OutcomeClass::AuthFailed:
        case OutcomeClass::Abuse:
            state.profileStop = Stop{outcome.outcome, hostState.lastCode, hostState.lastDetail, now, profile.fingerprint()};
            host.reason = stopReason(*state.profileStop, true);
            break;
        case OutcomeClass::HostRejected:
            hostState.stop = Stop{outcome.outcome, hostState.lastCode, hostState.lastDetail, now, profile.fingerprint()};
            host.reason = stopReason(*hostState.stop, false);
            break;
        default: {  // RetryLater, ClockSkew
            hostState.failures = std::min(hostState.failures + 1, 1000U);
            firstOfStreak = hostState.failures == 1;
            const auto delay = retryDelay(m_options.backoff, hostState.failures, outcome, m_options.random());
            hostState.retryAt = now + delay;
            host.retryAt = hostState.retryAt;
            host.reason = backoffReason(outcome, hostState.failures, delay);
            break;
        }
    }
    host.outcome = std::move(outcome);
    // Once per failure streak, not on every retry: a hook must not become a pager storm.
    if (firstOfStreak && !profile.agent.onFailure.empty()) runHookFor(profile, profile.agent.onFailure, event);
}

void Agent::afterSuccess(const config::Profile& profile, StateStore& state, const UpdateRequest& request,
                         const HostOutcome& outcome, HostReport& host) {
    const TimePoint now = clock().now();
    HostState& hostState = state.host(host.host);
    const auto oldV4 = hostState.v4;
    const auto oldV6 = hostState.v6;
    bool changed = false;
    for (const auto& address : {request.ipv4, request.ipv6}) {
        if (!address) continue;
        const auto& before = hostState.published(address->family());
        changed = changed || !before || before->address != *address;
        state.recordPublished(host.host, *address, now);
    }
    hostState.failures = 0;
    hostState.retryAt = TimePoint{};
    const std::string where = "[" + profile.name + "] " + host.host + ": ";
    if (outcome.outcome == OutcomeClass::Updated) {
        host.action = HostAction::Updated;
        hostState.unchangedReplies = 0;
        if (changed) hostState.lastChange = now;
    } else {
        host.action = HostAction::Unchanged;
        hostState.unchangedReplies = std::min(hostState.unchangedReplies + 1, 1000U);
        if (hostState.unchangedReplies >= 2 && host.addressChanged) {
            log(LogLevel::Warning, where + "the server said again that it already had this address (" + outcome.code +
                                       "); qdyn's state was out of date. Providers treat repeated no-change "
                                       "updates as abuse: is another client updating this host?");
        }
    }
    if (outcome.outcome == OutcomeClass::Updated && m_options.verify && profile.agent.verify != config::VerifyMode::Off) {
        for (const auto& [address, before] : {std::pair{request.ipv4, oldV4}, std::pair{request.ipv6, oldV6}}) {
            if (!address) continue;
            const std::optional<IpAddress> previous = before ? std::optional<IpAddress>(before->address) : std::nullopt;
            host.verification.push_back(m_options.verify(profile, host.host, *address, previous));
        }
    }
    if (changed && outcome.outcome == OutcomeClass::Updated && !profile.agent.onChange.empty()) {
        HookEvent event{"change", profile.name, host.host, std::string(toString(outcome.outcome)), outcome.code,
                        outcome.detail, oldV4 ? oldV4->address.toString() : "", request.ipv4 ? request.ipv4->toString() : "",
                        oldV6 ? oldV6->address.toString() : "", request.ipv6 ? request.ipv6->toString() : ""};
        runHookFor(profile, profile.agent.onChange, event);
    }
}

void Agent::runHookFor(const config::Profile& profile, const std::vector<std::string>& argv, const HookEvent& event) {
    if (auto ran = m_options.runHook(argv, event); !ran) {
        log(LogLevel::Warning, "[" + profile.name + "] " + event.event + " hook: " + ran.message());
    }
}

void Agent::log(LogLevel level, const std::string& text) const {
    if (m_options.log) m_options.log(level, text);
}

}  // namespace qdyn::agent
