// Running a command for the command source: argv only (no shell), a timeout that kills its whole
// process group, capped output. One implementation per platform family
// (command_runner_posix.cpp, command_runner_windows.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "qdyn/result.hpp"

namespace qdyn::detect {

struct CommandRun {
    int exitCode = -1;   // when it exited
    int signal = 0;      // when a signal ended it
    std::string out;     // stdout, at most maxOutputBytes
    std::string errHead; // the first bytes of stderr, for the error message
};

// An Error when the command could not be started, overran `timeout` (it is killed), or wrote
// more than `maxOutputBytes` to stdout (it is killed).
// `environment` entries ("NAME=value") are added to the inherited environment, replacing
// variables of the same name (the agent's hooks get QDYN_HOST and friends this way).
Result<CommandRun> runCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                              std::size_t maxOutputBytes, const std::vector<std::string>& environment = {});

}  // namespace qdyn::detect
