// Starting qdyn-server for a test and reading where it listens.
#include "server_process.hpp"

#include <regex>

namespace qdyn::test {

::testing::AssertionResult startServer(BackgroundProcess& process, const std::vector<std::string>& argv,
                                       ServerPorts& ports) {
    if (!process.start(argv)) return ::testing::AssertionFailure() << "cannot start " << argv.front();
    bool ready = false;
    const auto lines = process.readUntil("ready", std::chrono::seconds(20), ready);
    if (!ready) return ::testing::AssertionFailure() << "qdyn-server did not print ready";
    const std::regex listening(R"(listening ([a-z0-9-]+) (127\.0\.0\.1|\[::1\]):(\d+))");
    ports = {};
    for (const auto& line : lines) {
        std::smatch match;
        if (!std::regex_match(line, match, listening)) continue;
        const bool v6 = match[2] == "[::1]";
        if (!v6) ports.byKind.emplace(match[1].str(), match[3].str());
        if (match[1] != "http" && match[1] != "dns-tcp" && match[1] != "dns-udp") continue;
        std::string* port = nullptr;
        if (match[1] == "http") {
            port = v6 ? nullptr : &ports.http;
        } else if (match[1] == "dns-tcp") {
            port = v6 ? &ports.tcp6 : &ports.tcp;
        } else {
            port = v6 ? &ports.udp6 : &ports.udp;
        }
        if (port != nullptr && port->empty()) *port = match[3].str();
    }
    return ::testing::AssertionSuccess();
}

}  // namespace qdyn::test
