// The subcommands of qdyn-server that edit the [accounts] file, one group per file:
// account_commands.cpp and tsig_key_commands.cpp. Each group adds its CLI11 subcommands and,
// after parsing, runs the one that was chosen.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>

#include "commands/command_support.hpp"

namespace qdyn::server::commands {

class CommandGroup {
public:
    virtual ~CommandGroup() = default;
    // The exit code of the chosen subcommand when it belongs to this group; nullopt otherwise.
    virtual std::optional<int> runSelected(CommandIo& io, const std::filesystem::path& configPath) = 0;
};

std::unique_ptr<CommandGroup> addAccountCommands(CLI::App& app);
std::unique_ptr<CommandGroup> addTsigKeyCommands(CLI::App& app);

}  // namespace qdyn::server::commands
