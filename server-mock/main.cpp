// qdyn-server: the command line (commands/cli.cpp) decides; serving is here: load the config,
// start every listener, print where it listens (the exact lines tests and scripts parse), then
// serve until SIGINT/SIGTERM (Ctrl+C or the console closing on Windows), re-reading the config
// on SIGHUP. Sockets handed over by systemd (socket activation) take the place of the
// configured ones.
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <iostream>
#include <mutex>
#include <string>

#include "commands/cli.hpp"
#include "commands/terminal.hpp"
#include "net/socket_activation.hpp"
#include "qdyn/run_signals.hpp"
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

    // Taken before any thread starts, so that every thread inherits the blocked signals and only
    // RunSignals' own thread sees them; the requests wait here for the loop below.
    std::mutex mutex;
    std::condition_variable requested;
    std::deque<qdyn::RunSignal> requests;
    const qdyn::RunSignals signals([&](qdyn::RunSignal request) {
        {
            const std::lock_guard lock(mutex);
            requests.push_back(request);
        }
        requested.notify_one();
    });

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

    for (;;) {
        qdyn::RunSignal request = qdyn::RunSignal::Stop;
        {
            std::unique_lock lock(mutex);
            requested.wait(lock, [&] { return !requests.empty(); });
            request = requests.front();
            requests.pop_front();
        }
        if (request == qdyn::RunSignal::Stop) break;
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
    std::cerr << "qdyn-server: asked to stop, stopping\n";
    server.stop();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    qdyn::server::commands::CommandIo io{std::cin, std::cout, std::cerr, qdyn::server::commands::stdinIsTerminal()};
    const auto outcome = qdyn::server::commands::runServerCli(argc, argv, io);
    return outcome.serve ? serve(outcome.configPath) : outcome.exitCode;
}
