// Finding programs and free loopback ports for tests with third-party servers.
#include "peer_programs.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

namespace qdyn::test {

std::string programPath(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "";
    dirs += ":/usr/sbin:/usr/bin:/sbin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = dirs.find(':', start);
        const std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return {};
}

std::uint16_t freeLoopbackPort() {
    for (int attempt = 0; attempt < 50; ++attempt) {
        const int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        std::uint16_t port = 0;
        if (::bind(tcp, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
            ::getsockname(tcp, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
            port = ntohs(address.sin_port);
            const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
            const bool udpFree = ::bind(udp, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
            ::close(udp);
            if (!udpFree) port = 0;
        }
        ::close(tcp);
        if (port >= 1024) return port;
    }
    return 0;
}

}  // namespace qdyn::test
