// Backoff after RetryLater and ClockSkew outcomes.
#include "qdyn/agent/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace qdyn::agent {

std::chrono::seconds retryDelay(const BackoffPolicy& policy, unsigned failures, const HostOutcome& outcome,
                                double random01) {
    using std::chrono::seconds;
    if (outcome.outcome == OutcomeClass::ClockSkew) return policy.clockSkewWait;
    const unsigned doublings = std::min(failures == 0 ? 0U : failures - 1, 30U);
    const double base = std::min(static_cast<double>(policy.initial.count()) * std::ldexp(1.0, static_cast<int>(doublings)),
                                 static_cast<double>(policy.max.count()));
    const double factor = 1.0 - policy.jitter + 2.0 * policy.jitter * std::clamp(random01, 0.0, 1.0);
    seconds delay{static_cast<seconds::rep>(std::llround(base * factor))};
    delay = std::max(delay, seconds(1));
    if (outcome.retryAfter) delay = std::max(delay, *outcome.retryAfter);
    if (outcome.code == "911") delay = std::max(delay, policy.serverFailureMinimum);
    return delay;
}

}  // namespace qdyn::agent
