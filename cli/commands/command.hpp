// Command: one `qdyn` subcommand. Every command is one class in its own file, listed once in
// commandFactories() (app.cpp), which a test checks.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>
#include <span>

namespace qdyn::cli {

struct Streams {
    std::ostream& out;
    std::ostream& err;
};

class Command {
public:
    virtual ~Command() = default;
    // Adds the subcommand and its options to the application.
    virtual CLI::App* add(CLI::App& app) = 0;
    // Runs after a successful parse; returns the process exit code.
    virtual int run(Streams& streams) = 0;
};

using CommandFactory = std::unique_ptr<Command> (*)();

std::unique_ptr<Command> makeUpdateCommand();
std::unique_ptr<Command> makeRunCommand();
std::unique_ptr<Command> makeStatusCommand();
std::unique_ptr<Command> makeExplainCommand();
std::unique_ptr<Command> makeResetCommand();
std::unique_ptr<Command> makeProvidersCommand();
std::unique_ptr<Command> makeDetectCommand();
std::unique_ptr<Command> makeProfileCommand();  // list, show, add, remove, test (profile_*.cpp)
std::unique_ptr<Command> makeImportCommand();
std::unique_ptr<Command> makeQueryCommand();
std::unique_ptr<Command> makeCompletionCommand();
std::unique_ptr<Command> makeServiceCommand();  // Windows services; elsewhere points at systemd

}  // namespace qdyn::cli
