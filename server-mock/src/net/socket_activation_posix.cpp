// Taking over the sockets systemd binds (socket_activation.hpp), on POSIX.
#include "net/socket_activation.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace qdyn::server {

namespace {

constexpr int kListenFdsStart = 3;  // SD_LISTEN_FDS_START
constexpr int kMaxListenFds = 64;

std::optional<long> envNumber(const char* text) {
    if (text == nullptr) return std::nullopt;
    long value = 0;
    const std::string_view view(text);
    const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
    if (error != std::errc() || end != view.data() + view.size()) return std::nullopt;
    return value;
}

std::vector<std::string> splitFdNames(const char* text) {
    std::vector<std::string> names;
    if (text == nullptr) return names;
    std::string_view rest(text);
    for (;;) {
        const auto colon = rest.find(':');
        names.emplace_back(rest.substr(0, colon));
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
    }
    return names;
}

int socketIntOption(int fd, int level, int option) {
    int value = 0;
    socklen_t size = sizeof value;
    if (::getsockopt(fd, level, option, &value, &size) != 0) return -1;
    return value;
}

// Where the socket is bound, for the log line and for a reload's comparison.
Result<ListenAddress> socketBoundAddress(int fd) {
    sockaddr_storage storage{};
    socklen_t size = sizeof storage;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &size) != 0) {
        return makeError(std::string("getsockname: ") + std::strerror(errno));
    }
    ListenAddress where;
    where.fd = fd;
    if (storage.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
        IpAddress::V4Bytes bytes{};
        std::memcpy(bytes.data(), &in->sin_addr, bytes.size());
        where.address = IpAddress::fromV4(bytes);
        where.port = ntohs(in->sin_port);
    } else if (storage.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
        IpAddress::V6Bytes bytes{};
        std::memcpy(bytes.data(), &in6->sin6_addr, bytes.size());
        where.address = IpAddress::fromV6(bytes);
        where.port = ntohs(in6->sin6_port);
    } else {
        return makeError("not an IPv4 or IPv6 socket");
    }
    return where;
}

}  // namespace

Result<std::vector<ActivatedSocket>> takeActivatedSockets() {
    std::vector<ActivatedSocket> sockets;
    const auto pid = envNumber(std::getenv("LISTEN_PID"));
    const auto count = envNumber(std::getenv("LISTEN_FDS"));
    const auto names = splitFdNames(std::getenv("LISTEN_FDNAMES"));
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");
    if (!pid || !count || *pid != static_cast<long>(::getpid()) || *count <= 0) return sockets;
    if (*count > kMaxListenFds)
        return makeError("socket activation: " + std::to_string(*count) + " sockets handed over, at most " +
                         std::to_string(kMaxListenFds));

    for (int i = 0; i < static_cast<int>(*count); ++i) {
        const int fd = kListenFdsStart + i;
        const std::string name =
            static_cast<std::size_t>(i) < names.size() ? names[static_cast<std::size_t>(i)] : "unknown";
        const auto fail = [&](const std::string& why) {
            return makeError("socket activation: socket " + std::to_string(fd) + " (FileDescriptorName=" + name +
                             "): " + why);
        };
        const int flags = ::fcntl(fd, F_GETFD);
        if (flags < 0 || ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) return fail("not an open descriptor");
        const int type = socketIntOption(fd, SOL_SOCKET, SO_TYPE);
        if (type != SOCK_DGRAM && type != SOCK_STREAM) return fail("not a UDP or TCP socket");
        const bool datagram = type == SOCK_DGRAM;
        std::string kind = name;
        if (name == "dns") kind = datagram ? "dns-udp" : "dns-tcp";
        const ActivatableFrontEnd* target = activatableFrontEnd(kind);
        if (target == nullptr) {
            return fail(
                "no such front end (dns, dns-udp, dns-tcp, http, https, qdns, qdns-tls, miniupdate, gnudip, myip, "
                "stun, natpmp)");
        }
        if (target->datagram != datagram)
            return fail(std::string(kind) + " needs a " + (target->datagram ? "datagram" : "stream") + " socket");
        if (!datagram && socketIntOption(fd, SOL_SOCKET, SO_ACCEPTCONN) != 1)
            return fail("the stream socket is not listening (Accept=no is needed)");
        auto where = socketBoundAddress(fd);
        if (!where) return fail(where.message());
        sockets.push_back({kind, *where});
    }
    return sockets;
}

}  // namespace qdyn::server
