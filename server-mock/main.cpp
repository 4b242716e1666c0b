// qdyn-server: load the config, start every listener, print where it listens (the exact lines
// tests and scripts parse), then serve until SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include <pthread.h>

#include <CLI/CLI.hpp>

#include "qdyn/version.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/server.hpp"

namespace {

constexpr int kExitConfigError = 2;
constexpr int kExitStartError = 1;

std::string zoneLabel(const qdyn::dns::Name& origin) {
    auto text = origin.toString();
    if (text.size() > 1 && text.back() == '.') text.pop_back();
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"qdyn-server: authoritative DNS and dynamic DNS update server", "qdyn-server"};
    std::string configPath;
    bool checkOnly = false;
    app.add_option("--config,-c", configPath, "server configuration file (TOML)")->required();
    app.add_flag("--check-config", checkOnly, "parse and validate the configuration, then exit");
    app.footer(
        "Once every listener is bound it prints one line per listener, 'listening KIND ADDRESS:PORT'\n"
        "(a port of 0 in the config picks a free port), then 'ready'. SIGTERM or SIGINT stops it;\n"
        "SIGHUP re-reads the config file and applies it without losing the dynamic records (a broken\n"
        "file, or a change of listeners, store or zone origin, is refused and the old config stays).\n"
        "Example config: packaging/examples/qdyn-server.toml\n\n"
        "Exit codes: 0 stopped cleanly or config OK, 1 could not start (e.g. a port in use),\n"
        "2 bad command line or configuration.");
    app.set_version_flag("--version", std::string("qdyn-server ") + qdyn::kVersion);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version end here with 0; usage errors share the config-error code.
        const int code = app.exit(e);
        return code == 0 ? 0 : kExitConfigError;
    }

    auto config = qdyn::server::Config::load(configPath);
    if (!config) {
        std::cerr << "qdyn-server: " << config.message() << '\n';
        return kExitConfigError;
    }
    if (checkOnly) {
        std::cout << "config OK: zone " << zoneLabel(config->zone.origin) << ", " << config->accounts.size()
                  << " accounts" << std::endl;
        return 0;
    }

    // Block the stop signals before any thread starts so every thread inherits the mask and
    // only sigwait below sees them.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    qdyn::server::Server server(std::move(*config));
    if (auto started = server.start(); !started) {
        std::cerr << "qdyn-server: " << started.message() << '\n';
        return kExitStartError;
    }
    for (const auto& listener : server.listeners()) {
        std::cout << "listening " << listener.kind << ' ' << qdyn::server::formatEndpoint(listener.address, listener.port)
                  << '\n';
    }
    std::cout << "ready" << std::endl;

    int received = 0;
    for (;;) {
        sigwait(&stopSignals, &received);
        if (received != SIGHUP) break;
        auto next = qdyn::server::Config::load(configPath);
        auto applied = next ? server.reload(std::move(*next)) : qdyn::Result<void>(next.error());
        if (applied) {
            std::cerr << "qdyn-server: SIGHUP: configuration reloaded" << std::endl;
        } else {
            std::cerr << "qdyn-server: SIGHUP: reload refused: " << applied.message() << std::endl;
        }
    }
    std::cerr << "qdyn-server: signal " << received << ", stopping\n";
    server.stop();
    return 0;
}
