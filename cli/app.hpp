// The qdyn command-line application: parses arguments and runs one command.
#pragma once

#include <ostream>
#include <span>
#include <string_view>

#include "commands/command.hpp"

namespace qdyn::cli {

// The explicit list of commands.
std::span<const CommandFactory> commandFactories();

// Runs qdyn with the given arguments (argv[0] included); output goes to the given streams.
int runCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace qdyn::cli
