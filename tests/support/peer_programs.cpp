// Finding programs and free loopback ports for tests with third-party servers.
#include "peer_programs.hpp"

#include <cstdlib>
#include <filesystem>

#include "socket_api.hpp"

#ifndef _WIN32
#include <unistd.h>
#endif

namespace qdyn::test {

namespace {

#ifdef _WIN32
constexpr char kListSeparator = ';';
constexpr const char* kSystemDirectories = "";
constexpr const char* kSuffixes[] = {".exe", ""};
bool isExecutable(const std::filesystem::path& file) {
    std::error_code error;
    return std::filesystem::is_regular_file(file, error);
}
#else
constexpr char kListSeparator = ':';
constexpr const char* kSystemDirectories = ":/usr/sbin:/usr/bin:/sbin:/bin";
constexpr const char* kSuffixes[] = {""};
bool isExecutable(const std::filesystem::path& file) { return ::access(file.c_str(), X_OK) == 0; }
#endif

// Binds a socket to `address` (port 0: any free one) and reads back the port; false on failure.
bool bindLoopback(SocketHandle socket, sockaddr_in& address) {
    socklen_t length = sizeof address;
    return socket != kNoSocket && ::bind(socket, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
           ::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &length) == 0;
}

}  // namespace

std::string programPath(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "";
    dirs += kSystemDirectories;
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = dirs.find(kListSeparator, start);
        const std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
        for (const char* suffix : kSuffixes) {
            const std::filesystem::path file = std::filesystem::path(dir) / (name + suffix);
            if (!dir.empty() && isExecutable(file)) return file.string();
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return {};
}

std::uint16_t freeLoopbackPort() {
    for (int attempt = 0; attempt < 50; ++attempt) {
        const SocketHandle tcp = openSocket(AF_INET, SOCK_STREAM);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        std::uint16_t port = 0;
        if (bindLoopback(tcp, address)) {
            port = ntohs(address.sin_port);
            const SocketHandle udp = openSocket(AF_INET, SOCK_DGRAM);
            const bool udpFree = bindLoopback(udp, address);
            closeSocket(udp);
            if (!udpFree) port = 0;
        }
        closeSocket(tcp);
        if (port >= 1024) return port;
    }
    return 0;
}

}  // namespace qdyn::test
