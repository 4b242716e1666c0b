// qdyn-server: the command line (commands/cli.cpp) decides; serving is here: load the config,
// start every listener, print where it listens (the exact lines tests and scripts parse), then
// serve until SIGINT/SIGTERM, re-reading the config on SIGHUP. Sockets handed over by systemd
// (socket activation) take the place of the configured ones.
#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "commands/cli.hpp"
#include "net/socket_activation.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/server.hpp"

namespace {

constexpr int kExitConfigError = 2;
constexpr int kExitStartError = 1;

int serve(const std::filesystem::path& configPath) {
    auto config = qdyn::server::Config::load(configPath);
    if (!config) {
        std::cerr << "qdyn-server: " << config.message() << '\n';
        return kExitConfigError;
    }
    // Sockets bound by systemd (qdyn-server-*.socket) replace [listen]'s entries for their
    // front ends, now and on every reload.
    auto activated = qdyn::server::takeActivatedSockets();
    if (!activated) {
        std::cerr << "qdyn-server: " << activated.message() << '\n';
        return kExitStartError;
    }
    qdyn::server::applyActivatedSockets(*activated, *config);

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
        std::cout << "listening " << listener.kind << ' '
                  << qdyn::server::formatEndpoint(listener.address, listener.port) << '\n';
    }
    std::cout << "ready" << std::endl;

    int received = 0;
    for (;;) {
        sigwait(&stopSignals, &received);
        if (received != SIGHUP) break;
        // The [accounts] file is read again with it, so account and tsig-key commands apply here.
        auto next = qdyn::server::Config::load(configPath);
        if (next) qdyn::server::applyActivatedSockets(*activated, *next);
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

}  // namespace

int main(int argc, char** argv) {
    qdyn::server::commands::CommandIo io{std::cin, std::cout, std::cerr, ::isatty(STDIN_FILENO) == 1};
    const auto outcome = qdyn::server::commands::runServerCli(argc, argv, io);
    return outcome.serve ? serve(outcome.configPath) : outcome.exitCode;
}
