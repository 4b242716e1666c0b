// qdyn-server's command line: serving (the default), --check-config, and the account and
// tsig-key commands. main.cpp runs the server when this says so; everything else ends here, so
// the tests can run every command in-process with their own streams.
#pragma once

#include <filesystem>

#include "commands/command_support.hpp"

namespace qdyn::server::commands {

struct CliOutcome {
    bool serve = false;      // start the server with `configPath`
    int exitCode = kExitOk;  // when not serving
    std::filesystem::path configPath;
};

CliOutcome runServerCli(int argc, const char* const* argv, CommandIo& io);

}  // namespace qdyn::server::commands
