// The exit codes of qdyn, documented in README.md and `qdyn --help`; scripts depend on them.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "qdyn/protocols/outcome.hpp"

namespace qdyn::cli {

enum ExitCode : int {
    kExitOk = 0,             // every host updated or unchanged (or --dry-run)
    kExitInternal = 1,       // an unexpected internal error
    kExitUsage = 2,          // bad command line or configuration
    kExitRetryLater = 3,     // a temporary failure: try again later
    kExitAuthFailed = 4,     // wrong credentials
    kExitHostRejected = 5,   // a host is unknown or not ours
    kExitAbuse = 6,          // the provider blocked us
    kExitClockSkew = 7,      // the clock is off (TSIG BADTIME)
};

int exitCodeFor(OutcomeClass outcome) noexcept;
// The code for a whole run: the most serious outcome of any host decides.
int exitCodeFor(std::span<const HostOutcome> outcomes) noexcept;
// The table printed by --help.
std::string_view exitCodeHelp() noexcept;

}  // namespace qdyn::cli
