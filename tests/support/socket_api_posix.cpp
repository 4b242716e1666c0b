// The test socket layer over the POSIX socket API.
#include "socket_api.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "qdyn/posix_socket_flags.hpp"

namespace qdyn::test {

SocketHandle openSocket(int family, int type, int protocol) {
    const SocketHandle socket = ::socket(family, type | posix::kSocketCloseOnExec, protocol);
    if (socket == kNoSocket) return socket;
    if (posix::kSocketCloseOnExec == 0) ::fcntl(socket, F_SETFD, FD_CLOEXEC);
#ifdef SO_NOSIGPIPE  // macOS: no MSG_NOSIGNAL, so the socket itself raises no SIGPIPE
    setIntOption(socket, SOL_SOCKET, SO_NOSIGPIPE, 1);
#endif
    return socket;
}

void closeSocket(SocketHandle socket) noexcept {
    if (socket != kNoSocket) ::close(socket);
}

int pollSockets(PollEntry* entries, std::size_t count, int timeoutMs) {
    return ::poll(entries, static_cast<nfds_t>(count), timeoutMs);
}

std::ptrdiff_t sendBytes(SocketHandle socket, const void* data, std::size_t size) {
    return ::send(socket, data, size, posix::kSendNoSignal);
}

std::ptrdiff_t receiveBytes(SocketHandle socket, void* data, std::size_t size) { return ::recv(socket, data, size, 0); }

std::ptrdiff_t sendTo(SocketHandle socket, const void* data, std::size_t size, const sockaddr* to, socklen_t length) {
    return ::sendto(socket, data, size, posix::kSendNoSignal, to, length);
}

std::ptrdiff_t receiveFrom(SocketHandle socket, void* data, std::size_t size, sockaddr* from, socklen_t* length) {
    return ::recvfrom(socket, data, size, 0, from, length);
}

bool setIntOption(SocketHandle socket, int level, int name, int value) {
    return ::setsockopt(socket, level, name, &value, sizeof value) == 0;
}

void shutdownSending(SocketHandle socket) { ::shutdown(socket, SHUT_WR); }

std::string lastSocketError() { return std::strerror(errno); }

}  // namespace qdyn::test
