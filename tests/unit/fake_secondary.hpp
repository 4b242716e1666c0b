// A DNS secondary on a loopback UDP port that a test drives datagram by datagram: it receives
// the NOTIFYs qdyn-server sends and answers them when, and how, the test says.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <gtest/gtest.h>
#include <optional>
#include <vector>

#include "qdyn/dns/message.hpp"

namespace qdyn::test {

class FakeSecondary {
public:
    // On a free port, or on `port` (to come back on a port that was closed).
    explicit FakeSecondary(std::uint16_t port = 0) { open(port); }
    ~FakeSecondary() { close(); }

    void open(std::uint16_t port) {
        m_fd = ::socket(AF_INET, SOCK_DGRAM, 0);
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
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }
    FakeSecondary(const FakeSecondary&) = delete;
    FakeSecondary& operator=(const FakeSecondary&) = delete;

    [[nodiscard]] std::uint16_t port() const { return m_port; }

    // The next NOTIFY, or nullopt after the timeout.
    std::optional<dns::Message> receive(int timeoutMs = 3000) {
        pollfd poller{m_fd, POLLIN, 0};
        if (::poll(&poller, 1, timeoutMs) != 1) return std::nullopt;
        std::vector<std::uint8_t> buffer(4096);
        socklen_t length = sizeof m_from;
        const auto size =
            ::recvfrom(m_fd, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&m_from), &length);
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
        ::sendto(m_fd, wire.data(), wire.size(), 0, reinterpret_cast<const sockaddr*>(&m_from), sizeof m_from);
    }
    [[nodiscard]] const std::vector<std::uint8_t>& lastWire() const { return m_last; }

private:
    int m_fd = -1;
    std::uint16_t m_port = 0;
    sockaddr_in m_from{};
    std::vector<std::uint8_t> m_last;
};

}  // namespace qdyn::test
