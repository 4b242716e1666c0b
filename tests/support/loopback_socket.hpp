// Raw loopback sockets for tests that speak to a server byte by byte (framing, slow clients,
// half messages), where a client library would hide exactly what is being tested.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "socket_api.hpp"

namespace qdyn::test {

// Owns a socket; closes it on destruction.
class Fd {
public:
    explicit Fd(SocketHandle fd) : m_fd(fd) {}
    ~Fd();
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] SocketHandle get() const { return m_fd; }

private:
    SocketHandle m_fd;
};

// A TCP socket on 127.0.0.1 that listens but never accepts: a connection completes in the
// backlog and then nothing comes, the server that never answers. Closed on destruction; port()
// is 0 (and a test failure recorded) when it could not be set up.
class SilentListener {
public:
    SilentListener();
    ~SilentListener();
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;
    [[nodiscard]] std::uint16_t port() const { return m_port; }

private:
    SocketHandle m_fd = kNoSocket;
    std::uint16_t m_port = 0;
};

// A TCP connection to 127.0.0.1:port with Nagle off, so each send leaves as its own segment.
// Records a test failure when the connection is refused.
SocketHandle connectTcp(std::uint16_t port);
// True when fd becomes readable (data or EOF) within the timeout.
bool waitReadable(SocketHandle fd, int timeoutMs);
// Sends everything, recording a test failure on error.
void sendAll(SocketHandle fd, std::span<const std::uint8_t> data);
void sendAll(SocketHandle fd, std::string_view data);

}  // namespace qdyn::test
