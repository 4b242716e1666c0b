// CLI11 set-up of qdyn-server and the dispatch to the command groups.
#include "commands/cli.hpp"

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "commands/commands.hpp"
#include "qdyn/version.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server::commands {

namespace {

std::string zoneLabel(const dns::Name& origin) {
    auto text = origin.toString();
    if (text.size() > 1 && text.back() == '.') text.pop_back();
    return text;
}

}  // namespace

CliOutcome runServerCli(int argc, const char* const* argv, CommandIo& io) {
    CLI::App app{"qdyn-server: authoritative DNS and dynamic DNS update server", "qdyn-server"};
    std::string configPath;
    bool checkOnly = false;
    app.add_option("--config,-c", configPath, "server configuration file (TOML)")->required();
    app.add_flag("--check-config", checkOnly, "parse and validate the configuration, then exit");
    app.set_version_flag("--version", std::string("qdyn-server ") + kVersion);
    // --config may also follow a command ("account list --config F"): options a subcommand does
    // not know fall through to here. Set before the subcommands, which inherit it.
    app.fallthrough();
    app.require_subcommand(0, 1);
    app.footer(
        "Without a command it serves: once every listener is bound it prints one line per listener,\n"
        "'listening KIND ADDRESS:PORT' (a port of 0 in the config picks a free port), then 'ready'.\n"
        "SIGTERM or SIGINT stops it; SIGHUP re-reads the config file and its [accounts] file and\n"
        "applies them without losing the dynamic records (a broken file, or a change of listeners,\n"
        "store or zone origin, is refused and the old config stays).\n"
        "Example config: packaging/examples/qdyn-server.toml\n\n"
        "Commands (each edits only the [accounts] file; see COMMAND --help):\n"
        "  account add|remove|grant|revoke|passwd|list   dyndns2 accounts, password hashes, hosts\n"
        "  tsig-key add|remove|list                      TSIG keys for nsupdate and certbot\n\n"
        "Exit codes: 0 stopped cleanly, config OK or command done; 1 could not start (e.g. a port\n"
        "in use) or a file could not be read or written; 2 bad command line, configuration or change.");

    std::vector<std::unique_ptr<CommandGroup>> groups;
    groups.push_back(addAccountCommands(app));
    groups.push_back(addTsigKeyCommands(app));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version end here with 0; usage errors share the config-error code.
        const int code = app.exit(e, io.out, io.err);
        return CliOutcome{false, code == 0 ? kExitOk : kExitInvalid, {}};
    }
    if (checkOnly && !app.get_subcommands().empty()) {
        io.err << "qdyn-server: --check-config does not go with a command\n";
        return CliOutcome{false, kExitInvalid, {}};
    }
    for (auto& group : groups) {
        if (auto code = group->runSelected(io, configPath)) return CliOutcome{false, *code, {}};
    }
    if (checkOnly) {
        auto config = Config::load(configPath);
        if (!config) {
            io.err << "qdyn-server: " << config.message() << '\n';
            return CliOutcome{false, kExitInvalid, {}};
        }
        io.out << "config OK: zone " << zoneLabel(config->zone.origin) << ", " << config->accounts.size() << " accounts"
               << std::endl;
        return CliOutcome{false, kExitOk, {}};
    }
    return CliOutcome{true, kExitOk, configPath};
}

}  // namespace qdyn::server::commands
