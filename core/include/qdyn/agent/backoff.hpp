// How long the agent waits after a temporary failure (RetryLater): exponential backoff with
// jitter, never shorter than what the server asked for (Retry-After), and at least 30 minutes
// after a dyndns2 `911` (PROTOCOLS.md, "Outcome classes").
#pragma once

#include <chrono>

#include "qdyn/protocols/outcome.hpp"

namespace qdyn::agent {

struct BackoffPolicy {
    std::chrono::seconds initial{std::chrono::minutes(1)};  // after the first failure
    std::chrono::seconds max{std::chrono::hours(1)};        // doubling stops here
    double jitter = 0.25;                                   // +-25 %, so a fleet does not retry in step
    std::chrono::seconds serverFailureMinimum{std::chrono::minutes(30)};  // dyndns2 911
    std::chrono::seconds clockSkewWait{std::chrono::hours(1)};            // TSIG BADTIME: no loop
};

// The wait after the `failures`-th failure in a row (1 for the first). `random01` in [0, 1)
// picks the jitter; tests pass fixed values.
std::chrono::seconds retryDelay(const BackoffPolicy& policy, unsigned failures, const HostOutcome& outcome,
                                double random01);

}  // namespace qdyn::agent
