// The TCP transport and the UDP-to-TCP fallback against a scripted loopback server: UDP answers
// with TC set, TCP answers in full (or not at all, for the timeout).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "closed_port.hpp"
#include "qdyn/dns/transport.hpp"
#include "socket_api.hpp"
#include "test_values.hpp"

namespace qdyn::dns {
namespace {
namespace dns_tcp_client_test {

using test::name;
using test::PollEntry;
using test::SocketHandle;

// UDP and TCP on one loopback port. Every UDP query gets an empty reply with TC set; every TCP
// query gets one A record, unless the server is told to stay silent on TCP.
class ScriptedServer {
public:
    explicit ScriptedServer(bool tcpSilent = false) : m_tcpSilent(tcpSilent) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        m_tcp = test::openSocket(AF_INET, SOCK_STREAM);
        ::bind(m_tcp, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(m_tcp, 4);
        ::getsockname(m_tcp, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
        m_udp = test::openSocket(AF_INET, SOCK_DGRAM);
        ::bind(m_udp, reinterpret_cast<sockaddr*>(&address), sizeof address);
        m_thread = std::thread([this] { run(); });
    }
    ~ScriptedServer() {
        m_stop = true;
        m_thread.join();
        test::closeSocket(m_tcp);
        test::closeSocket(m_udp);
    }
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    [[nodiscard]] ServerAddress address() const { return {test::ip("127.0.0.1"), m_port}; }
    int udpQueries() const { return m_udpQueries; }
    int tcpQueries() const { return m_tcpQueries; }

private:
    static std::vector<std::uint8_t> answer(std::span<const std::uint8_t> query, bool truncated) {
        auto decoded = decodeMessage(query);
        if (!decoded) return {};
        Message reply;
        reply.header = decoded->header;
        reply.header.qr = true;
        reply.header.tc = truncated;
        reply.questions = decoded->questions;
        if (!truncated && !reply.questions.empty()) {
            reply.answers.push_back(ResourceRecord{reply.questions[0].name, rrtype::A, rrclass::Internet, 60,
                                                   AData{{203, 0, 113, 9}}});
        }
        return encodeMessage(reply);
    }

    static bool readAll(SocketHandle fd, std::uint8_t* data, std::size_t size) {
        while (size > 0) {
            const std::ptrdiff_t n = test::receiveBytes(fd, data, size);
            if (n <= 0) return false;
            data += n;
            size -= static_cast<std::size_t>(n);
        }
        return true;
    }

    void serveTcp(SocketHandle fd) {
        std::uint8_t prefix[2];
        if (!readAll(fd, prefix, 2)) return;
        std::vector<std::uint8_t> query((std::size_t{prefix[0]} << 8) | prefix[1]);
        if (!readAll(fd, query.data(), query.size())) return;
        ++m_tcpQueries;
        if (m_tcpSilent) {
            while (!m_stop) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            return;
        }
        const auto reply = answer(query, false);
        std::vector<std::uint8_t> framed{static_cast<std::uint8_t>(reply.size() >> 8),
                                         static_cast<std::uint8_t>(reply.size() & 0xff)};
        framed.insert(framed.end(), reply.begin(), reply.end());
        (void)test::sendBytes(fd, framed.data(), framed.size());
    }

    void run() {
        while (!m_stop) {
            PollEntry fds[2] = {{m_udp, POLLIN, 0}, {m_tcp, POLLIN, 0}};
            if (test::pollSockets(fds, 2, 20) <= 0) continue;
            if ((fds[0].revents & POLLIN) != 0) {
                std::vector<std::uint8_t> buffer(65535);
                sockaddr_in from{};
                socklen_t length = sizeof from;
                const std::ptrdiff_t n =
                    test::receiveFrom(m_udp, buffer.data(), buffer.size(), reinterpret_cast<sockaddr*>(&from), &length);
                if (n > 0) {
                    ++m_udpQueries;
                    const auto reply = answer(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)), true);
                    (void)test::sendTo(m_udp, reply.data(), reply.size(), reinterpret_cast<sockaddr*>(&from), length);
                }
            }
            if ((fds[1].revents & POLLIN) != 0) {
                const SocketHandle fd = ::accept(m_tcp, nullptr, nullptr);
                if (fd != test::kNoSocket) {
                    serveTcp(fd);
                    test::closeSocket(fd);
                }
            }
        }
    }

    bool m_tcpSilent;
    SocketHandle m_tcp = test::kNoSocket;
    SocketHandle m_udp = test::kNoSocket;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_udpQueries{0};
    std::atomic<int> m_tcpQueries{0};
    std::thread m_thread;
};

TEST(DnsTcpClientTest, ExchangeOverTcp) {
    ScriptedServer server;
    const Message query = makeQuery(name("home.dyn.example.test"), rrtype::A);
    const auto reply = exchangeTcp(server.address(), query);
    ASSERT_TRUE(reply) << reply.message();
    ASSERT_EQ(reply->answers.size(), 1U);
    EXPECT_EQ(reply->answers[0].data, RData(AData{{203, 0, 113, 9}}));
    EXPECT_EQ(server.udpQueries(), 0);
    EXPECT_EQ(server.tcpQueries(), 1);
}

TEST(DnsTcpClientTest, TruncatedUdpAnswerFallsBackToTcp) {
    ScriptedServer server;
    const auto reply = exchange(server.address(), makeQuery(name("home.dyn.example.test"), rrtype::A));
    ASSERT_TRUE(reply) << reply.message();
    EXPECT_FALSE(reply->header.tc);
    EXPECT_EQ(reply->answers.size(), 1U);
    EXPECT_EQ(server.udpQueries(), 1);
    EXPECT_EQ(server.tcpQueries(), 1);
}

TEST(DnsTcpClientTest, LargeRequestGoesStraightToTcp) {
    ScriptedServer server;
    Message query = makeQuery(name("home.dyn.example.test"), rrtype::A);
    query.additional.push_back(ResourceRecord{name("pad.example.test"), 65280, rrclass::Internet, 0,
                                              RawData{std::vector<std::uint8_t>(600, 0x41)}});
    const std::vector<std::uint8_t> wire = encodeMessage(query);
    ASSERT_GT(wire.size(), 512U);
    const auto reply = exchangeWire(server.address(), query, wire);
    ASSERT_TRUE(reply) << reply.message();
    EXPECT_EQ(server.udpQueries(), 0);
    EXPECT_EQ(server.tcpQueries(), 1);
    EXPECT_EQ(reply->wire, encodeMessage(reply->message));  // the exact octets come back too
}

TEST(DnsTcpClientTest, SilentServerTimesOutAndRefusedPortFails) {
    ScriptedServer server(true);
    const auto start = std::chrono::steady_clock::now();
    const auto reply = exchangeTcp(server.address(), makeQuery(name("home.dyn.example.test"), rrtype::A),
                                   QueryOptions{std::chrono::milliseconds(200), 2});
    ASSERT_FALSE(reply);
    EXPECT_NE(reply.message().find("timed out"), std::string::npos) << reply.message();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));

    test::ClosedPort closed;
    const auto refused = exchangeTcp(ServerAddress{test::ip("127.0.0.1"), closed.port()},
                                     makeQuery(name("home.dyn.example.test"), rrtype::A),
                                     QueryOptions{std::chrono::milliseconds(500), 1});
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.message().find("connect"), std::string::npos) << refused.message();
}

}  // namespace dns_tcp_client_test
}  // namespace
}  // namespace qdyn::dns
