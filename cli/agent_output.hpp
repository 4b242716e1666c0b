// How `qdyn update` and `qdyn run` print the agent's cycle: one line per host, successes on
// stdout and what needs attention on stderr, and the exit code a cycle earns.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

#include "qdyn/agent/agent.hpp"

namespace qdyn::cli {

struct OutputOptions {
    bool quiet = false;  // only what needs attention
};

// agent::describeHost's lines: what needs attention on `err` (also under --quiet), the rest on `out`.
void printHostReport(const agent::HostReport& report, const OutputOptions& options, std::ostream& out, std::ostream& err);

// One host's report for --json: action, reason, addresses, the server's reply, verification,
// the end of a backoff. Never a secret (reports hold none; wouldSend has them left out).
nlohmann::json hostReportJson(const agent::HostReport& report);

// The most serious outcome of the cycle as an exit code (exit_codes.hpp); a stop counts as the
// class that caused it, a backoff and a missing address as a temporary failure.
int exitCodeFor(const agent::CycleReport& report);

}  // namespace qdyn::cli
