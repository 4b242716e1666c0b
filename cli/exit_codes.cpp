// Mapping outcome classes onto process exit codes.
#include "exit_codes.hpp"

namespace qdyn::cli {

namespace {

// Higher is more serious: what a user must act on comes before what heals by itself.
int rank(int code) noexcept {
    switch (code) {
        case kExitAuthFailed: return 6;
        case kExitAbuse: return 5;
        case kExitClockSkew: return 4;
        case kExitHostRejected: return 3;
        case kExitRetryLater: return 2;
        default: return 0;
    }
}

}  // namespace

int exitCodeFor(OutcomeClass outcome) noexcept {
    switch (outcome) {
        case OutcomeClass::Updated:
        case OutcomeClass::Unchanged: return kExitOk;
        case OutcomeClass::RetryLater: return kExitRetryLater;
        case OutcomeClass::AuthFailed: return kExitAuthFailed;
        case OutcomeClass::HostRejected: return kExitHostRejected;
        case OutcomeClass::Abuse: return kExitAbuse;
        case OutcomeClass::ClockSkew: return kExitClockSkew;
    }
    return kExitInternal;
}

int exitCodeFor(std::span<const HostOutcome> outcomes) noexcept {
    int worst = kExitOk;
    for (const auto& outcome : outcomes) {
        const int code = exitCodeFor(outcome.outcome);
        if (rank(code) > rank(worst)) worst = code;
    }
    return worst;
}

std::string_view exitCodeHelp() noexcept {
    return "Exit codes:\n"
           "  0  every host updated or already up to date\n"
           "  1  internal error\n"
           "  2  bad command line or configuration\n"
           "  3  temporary failure (network, server busy): try again later\n"
           "  4  authentication failed: fix the credentials\n"
           "  5  a host was rejected (unknown or not yours)\n"
           "  6  the provider blocked this client (abuse): do not retry by hand\n"
           "  7  clock skew (TSIG BADTIME): fix the system clock\n"
           "With several hosts the most serious outcome decides.\n";
}

}  // namespace qdyn::cli
