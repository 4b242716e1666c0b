// Hooks: a profile's on_change and on_failure commands, run with argv (never through a shell)
// and these environment variables, for scripts that notify, reload a firewall or log:
//   QDYN_EVENT         change | failure
//   QDYN_PROFILE       the profile's name
//   QDYN_HOST          the host name
//   QDYN_OUTCOME       updated, unchanged, retry-later, auth-failed, host-rejected, abuse, clock-skew
//   QDYN_CODE          the server's word or status ("good", "badauth", "HTTP 503")
//   QDYN_DETAIL        a one-line explanation
//   QDYN_OLD_ADDRESS   the address published before (the first family sent), may be empty
//   QDYN_NEW_ADDRESS   the address sent (the first family sent), may be empty
//   QDYN_OLD_IPV4, QDYN_NEW_IPV4, QDYN_OLD_IPV6, QDYN_NEW_IPV6   per family, may be empty
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "qdyn/result.hpp"

namespace qdyn::agent {

struct HookEvent {
    std::string event;  // "change" or "failure"
    std::string profile;
    std::string host;
    std::string outcome;
    std::string code;
    std::string detail;
    std::string oldIpv4, newIpv4, oldIpv6, newIpv6;
};

// The environment entries ("NAME=value") for an event; control characters in server text are
// replaced so a hostile reply cannot smuggle lines into a script's input.
std::vector<std::string> hookEnvironment(const HookEvent& event);

// Runs argv with the event's environment, waits at most `timeout` (then kills its process
// group). An Error says why it could not run or how it failed (exit status, signal, stderr).
Result<void> runHook(const std::vector<std::string>& argv, const HookEvent& event,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace qdyn::agent
