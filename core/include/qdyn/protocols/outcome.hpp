// Outcome classes: every reply of every update protocol is sorted into one of these, and the
// class alone decides what the agent does next (PROTOCOLS.md, "Outcome classes").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/ip_address.hpp"

namespace qdyn {

enum class OutcomeClass {
    Updated,       // the server changed the record
    Unchanged,     // the server already had it
    RetryLater,    // temporary: network, timeout, 5xx, 911, dnserr, 429
    AuthFailed,    // wrong credentials: stop the profile
    HostRejected,  // this host is unknown or not ours: stop this host only
    Abuse,         // the server blocked us: stop, never retry by itself
    ClockSkew,     // TSIG BADTIME: a clock problem, do not loop
};

std::string_view toString(OutcomeClass outcome) noexcept;
// The inverse of toString ("retry-later" -> RetryLater), nullopt for any other text.
std::optional<OutcomeClass> parseOutcomeClass(std::string_view text) noexcept;
// True for the classes after which nothing may be retried automatically.
bool isStopping(OutcomeClass outcome) noexcept;
// True for Updated and Unchanged.
bool isSuccess(OutcomeClass outcome) noexcept;

// The result for one host of one update request.
struct HostOutcome {
    std::string host;
    OutcomeClass outcome = OutcomeClass::RetryLater;
    std::string code;                   // the protocol's own word or status ("good", "nochg", "HTTP 503")
    std::string detail;                 // a human explanation
    std::vector<IpAddress> addresses;   // what the server reports it now publishes, when it says
    // RetryLater: how long the server asked to wait (HTTP Retry-After), when it said.
    std::optional<std::chrono::seconds> retryAfter;
};

}  // namespace qdyn
