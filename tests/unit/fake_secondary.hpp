// A DNS secondary on a loopback UDP port that a test drives datagram by datagram: it receives
// the NOTIFYs qdyn-server sends and answers them when, and how, the test says.
#pragma once

#include <cstdint>
#include <gtest/gtest.h>
#include <optional>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "socket_api.hpp"

namespace qdyn::test {

class FakeSecondary {
public:
    // On a free port, or on `port` (to come back on a port that was closed).
    explicit FakeSecondary(std::uint16_t port = 0) { open(port); }
    ~FakeSecondary() { close(); }

    void open(std::uint16_t port) {
        m_fd = openSocket(AF_INET, SOCK_DGRAM);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(port);
        socklen_t length = sizeof address;
        EXPECT_EQ(::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
    }
    // The port is closed: datagrams to it draw ICMP port-unreachable, as from a stopped server.
    void close() {
        closeSocket(m_fd);
        m_fd = kNoSocket;
    }
    FakeSecondary(const FakeSecondary&) = delete;
    FakeSecondary& operator=(const FakeSecondary&) = delete;

    [[nodiscard]] std::uint16_t port() const { return m_port; }

    // The next NOTIFY, or nullopt after the timeout.
    std::optional<dns::Message> receive(int timeoutMs = 3000) {
        PollEntry poller{};
        poller.fd = m_fd;
        poller.events = POLLIN;
        if (pollSockets(&poller, 1, timeoutMs) != 1) return std::nullopt;
        std::vector<std::uint8_t> buffer(4096);
        socklen_t length = sizeof m_from;
        const auto size =
            receiveFrom(m_fd, buffer.data(), buffer.size(), reinterpret_cast<sockaddr*>(&m_from), &length);
        if (size <= 0) return std::nullopt;
        buffer.resize(static_cast<std::size_t>(size));
        m_last = buffer;
        return dns::decodeMessage(buffer).value();
    }
    void answer(const dns::Message& notify) {
        dns::Message reply;
        reply.header = notify.header;
        reply.header.qr = true;
        reply.questions = notify.questions;
        const auto wire = dns::encodeMessage(reply);
        answerWire(wire);
    }
    void answerWire(const std::vector<std::uint8_t>& wire) {
        sendTo(m_fd, wire.data(), wire.size(), reinterpret_cast<const sockaddr*>(&m_from), sizeof m_from);
    }
    [[nodiscard]] const std::vector<std::uint8_t>& lastWire() const { return m_last; }

private:
    SocketHandle m_fd = kNoSocket;
    std::uint16_t m_port = 0;
    sockaddr_in m_from{};
    std::vector<std::uint8_t> m_last;
};

}  // namespace qdyn::test
