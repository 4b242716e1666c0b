// Times and durations in the words the agent's reports, logs and `qdyn status` use.
#pragma once

#include <chrono>
#include <string>

namespace qdyn::agent {

// "2026-12-04 17:03:09 UTC"; "never" for the epoch.
std::string formatTime(std::chrono::system_clock::time_point when);
// "45 s", "4 min", "2 h 5 min", "3 days"
std::string formatDuration(std::chrono::seconds duration);

}  // namespace qdyn::agent
