// Detector: asks a profile's sources for one family in order, checks every answer, applies the
// IPv6 policy and the required agreement, and explains the outcome in a DetectionReport. A source
// that failed is skipped for a growing time (per-source backoff) so a dead echo service does not
// slow every round.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "qdyn/detect/address_check.hpp"
#include "qdyn/detect/ipv6_policy.hpp"
#include "qdyn/detect/source.hpp"

namespace qdyn::detect {

struct BackoffOptions {
    std::chrono::milliseconds initial{std::chrono::seconds(30)};  // after the first failure
    std::chrono::milliseconds max{std::chrono::minutes(30)};      // doubling stops here
};

struct DetectorOptions {
    std::size_t requiredAgreement = 1;  // N sources must report the same publishable address
    CheckOptions check;
    Ipv6Policy ipv6;
    BackoffOptions backoff;
    // Injectable for tests; steady_clock::now by default.
    std::function<std::chrono::steady_clock::time_point()> now;
};

struct CheckedCandidate {
    Candidate candidate;
    Checked check;
};

enum class SourceStatus {
    Answered,     // the source replied; `answer` may still be empty (nothing publishable)
    Failed,       // the source reported an error
    BackingOff,   // skipped: it failed recently
    NotAsked,     // enough sources had already agreed (or disagreed)
};
std::string_view toString(SourceStatus status) noexcept;

struct SourceReport {
    std::string kind;
    std::string description;
    SourceStatus status = SourceStatus::NotAsked;
    std::string error;                         // Failed / BackingOff: why
    std::vector<CheckedCandidate> candidates;  // Answered: everything it said, each with a verdict
    std::optional<IpAddress> answer;           // Answered: its publishable address after the policy
    std::optional<IpAddress> behindNat;        // Answered: it only had a private/CGNAT/ULA address
    std::string note;                          // Answered: the policy's reason
};

struct DetectionReport {
    AddressFamily family = AddressFamily::V4;
    std::vector<SourceReport> sources;  // in the order asked
    std::optional<IpAddress> chosen;    // publish this, or nothing
    bool behindNat = false;             // some source saw only a private/CGNAT address
    bool disagreement = false;          // N > 1 and the answers differed
    std::string reason;                 // plain language: why `chosen`, or why nothing
};

class Detector {
public:
    using SourceList = std::vector<std::shared_ptr<AddressSource>>;

    // The sources for each family, in the order to ask them; one object may serve both.
    Detector(SourceList v4Sources, SourceList v6Sources, DetectorOptions options = {});

    // One detection round for `family`. Blocking: each source is bounded by its own timeout.
    DetectionReport detect(AddressFamily family);

private:
    struct Slot {
        std::shared_ptr<AddressSource> source;
        unsigned failures = 0;
        std::chrono::steady_clock::time_point retryAt{};
    };

    void answer(SourceReport& report, AddressFamily family, std::vector<Candidate> candidates) const;
    [[nodiscard]] std::chrono::milliseconds backoffAfter(unsigned failures) const;

    std::vector<Slot> m_v4;
    std::vector<Slot> m_v6;
    DetectorOptions m_options;
};

}  // namespace qdyn::detect
