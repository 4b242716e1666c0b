// A command as a source: a program the user names prints the address. It is run with an argv
// vector, never through a shell, so nothing in an argument is interpreted; it is killed (with its
// process group) after a timeout and its output is capped.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/detect/source.hpp"

namespace qdyn::detect {

struct CommandOptions {
    // argv[0] is the program (looked up on PATH when it has no '/'); the rest are its arguments,
    // passed as they are.
    std::vector<std::string> argv;
    std::chrono::milliseconds timeout{5000};
    std::size_t maxOutputBytes = 4096;  // stdout beyond this is an error (and the command is killed)
};

// The address in a command's stdout: the first line, with its LF (and an optional CR) removed,
// must be exactly one address; later lines are ignored. Pure, so it can be tested on its own.
Result<IpAddress> parseCommandOutput(std::string_view stdoutText);

std::unique_ptr<AddressSource> makeCommandSource(CommandOptions options);

}  // namespace qdyn::detect
