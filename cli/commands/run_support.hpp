// What the agent's commands (update, run, status, explain, reset) share: the --config and
// --state-dir options, loading and selecting profiles, --address, and the agent's options.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "commands/command.hpp"
#include "qdyn/agent/agent.hpp"
#include "qdyn/config/profile.hpp"

namespace qdyn::cli {

struct PathOptions {
    std::string config;
    std::string stateDir;

    [[nodiscard]] std::filesystem::path configPath() const;
    [[nodiscard]] std::filesystem::path statePath() const;
};

void addConfigOptions(CLI::App& command, PathOptions& paths);

// The profile file, with every name in `only` checked to exist; errors are printed.
std::optional<config::ProfileSet> loadSelectedProfiles(const PathOptions& paths, const std::vector<std::string>& only,
                                                       Streams& io);

// --address values into the cycle's options; false (after printing why) for a bad one.
bool addressesFromOptions(const std::vector<std::string>& texts, agent::CycleOptions& options, Streams& io);

// The agent's options: the state directory, and its log lines on stderr ("qdyn: ..."; Info and
// Debug only without `quiet`... Debug never).
agent::AgentOptions agentOptions(const PathOptions& paths, Streams& io, bool quiet);

}  // namespace qdyn::cli
