// Loopback socket helpers over the test socket layer (socket_api.hpp).
#include "loopback_socket.hpp"

#include <gtest/gtest.h>

namespace qdyn::test {

namespace {

void sendRaw(SocketHandle fd, const char* data, std::size_t size) {
    std::size_t sent = 0;
    while (sent < size) {
        const auto n = sendBytes(fd, data + sent, size - sent);
        ASSERT_GT(n, 0) << lastSocketError();
        sent += static_cast<std::size_t>(n);
    }
}

}  // namespace

SilentListener::SilentListener() {
    m_fd = openSocket(AF_INET, SOCK_STREAM);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    const bool ready = m_fd != kNoSocket &&
                       ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                       ::listen(m_fd, 4) == 0 &&
                       ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    EXPECT_TRUE(ready) << "silent listener: " << lastSocketError();
    if (ready) m_port = ntohs(address.sin_port);
}

SilentListener::~SilentListener() { closeSocket(m_fd); }

Fd::~Fd() { closeSocket(m_fd); }

SocketHandle connectTcp(std::uint16_t port) {
    const SocketHandle fd = openSocket(AF_INET, SOCK_STREAM);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0) << lastSocketError();
    setIntOption(fd, IPPROTO_TCP, TCP_NODELAY, 1);
    return fd;
}

bool waitReadable(SocketHandle fd, int timeoutMs) {
    PollEntry entry{};
    entry.fd = fd;
    entry.events = POLLIN;
    return pollSockets(&entry, 1, timeoutMs) == 1;
}

void sendAll(SocketHandle fd, std::span<const std::uint8_t> data) {
    sendRaw(fd, reinterpret_cast<const char*>(data.data()), data.size());
}

void sendAll(SocketHandle fd, std::string_view data) { sendRaw(fd, data.data(), data.size()); }

}  // namespace qdyn::test
