// Argument parsing with CLI11 and dispatch to the selected command.
#include "app.hpp"

#include <array>
#include <exception>
#include <string>
#include <vector>

#include "exit_codes.hpp"
#include "qdyn/version.hpp"

namespace qdyn::cli {

namespace {

// to_array counts the entries, so adding a command is one line.
constexpr auto kCommands = std::to_array<CommandFactory>({
    makeUpdateCommand,
    makeRunCommand,
    makeStatusCommand,
    makeExplainCommand,
    makeResetCommand,
    makeProvidersCommand,
    makeDetectCommand,
    makeProfileCommand,
    makeImportCommand,
    makeQueryCommand,
    makeCompletionCommand,
    makeServiceCommand,
});

}  // namespace

std::span<const CommandFactory> commandFactories() { return kCommands; }

int runCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    CLI::App app{"qdyn keeps DNS names pointed at a machine whose public address changes."};
    app.name("qdyn");
    app.set_version_flag("-V,--version", std::string("qdyn ") + kVersion);
    app.footer(std::string(exitCodeHelp()));
    app.require_subcommand(0, 1);

    std::vector<std::unique_ptr<Command>> commands;
    std::vector<CLI::App*> subcommands;
    for (CommandFactory factory : kCommands) {
        commands.push_back(factory());
        subcommands.push_back(commands.back()->add(app));
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        out << app.help();
        return kExitOk;
    } catch (const CLI::CallForAllHelp&) {
        out << app.help("", CLI::AppFormatMode::All);
        return kExitOk;
    } catch (const CLI::CallForVersion&) {
        out << "qdyn " << kVersion << '\n';
        return kExitOk;
    } catch (const CLI::ParseError& error) {
        err << "qdyn: " << error.what() << "\n";
        err << "Run 'qdyn --help' for usage.\n";
        return kExitUsage;
    }

    Streams streams{out, err};
    for (std::size_t i = 0; i < commands.size(); ++i) {
        if (subcommands[i]->parsed()) {
            try {
                return commands[i]->run(streams);
            } catch (const std::exception& error) {
                err << "qdyn: internal error: " << error.what() << '\n';
                return kExitInternal;
            }
        }
    }
    out << app.help();
    return kExitUsage;
}

}  // namespace qdyn::cli
