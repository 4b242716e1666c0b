// A running qdyn-server (in process, free loopback ports on 127.0.0.1 and ::1) with every echo
// service the network detection sources ask: HTTP /ip, /ip.json and /checkip, the DNS whoami
// name, STUN and the miniDNS myip service; and a scripted UDP peer for the replies no honest
// server sends (forged ids, wrong transactions, a reply from another port).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "qdyn_server/server.hpp"
#include "socket_api.hpp"
#include "test_values.hpp"

namespace qdyn::test {

inline constexpr std::string_view kWhoami = "whoami.dyn.example.test";

inline server::Config echoServerConfig() {
    server::Config config;
    config.zone.origin = name("dyn.example.test");
    config.zone.nameserver = name("ns1.example.test");
    config.zone.email = "hostmaster@example.test";
    config.dns.whoami = name(kWhoami);
    const std::vector<server::ListenAddress> both{{ip("127.0.0.1"), 0}, {ip("::1"), 0}};
    config.dnsUdp = both;
    config.http = {{ip("127.0.0.1"), 0}};
    config.myip = both;
    config.stun = both;
    return config;
}

class EchoServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_server = std::make_unique<server::Server>(echoServerConfig());
        const auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
    }
    void TearDown() override {
        if (m_server) m_server->stop();
    }

    // The port of the listener of `kind` bound on `address` ("127.0.0.1" or "::1").
    [[nodiscard]] std::uint16_t port(const std::string& kind, std::string_view address = "127.0.0.1") const {
        for (const auto& bound : m_server->listeners()) {
            if (bound.kind == kind && bound.address == ip(address)) return bound.port;
        }
        ADD_FAILURE() << "no " << kind << " listener on " << address;
        return 0;
    }

    std::unique_ptr<server::Server> m_server;
};

// A UDP socket on 127.0.0.1 that hands each datagram it receives to a script, which answers
// through `send` (from this socket) or `sendFromOther` (from a second socket on another port).
class ScriptedUdpPeer {
public:
    struct Io {
        std::function<void(std::span<const std::uint8_t>)> send;
        std::function<void(std::span<const std::uint8_t>)> sendFromOther;
    };
    using Script = std::function<void(std::span<const std::uint8_t> request, const Io& io)>;

    explicit ScriptedUdpPeer(Script script) : m_script(std::move(script)) {
        m_fd = bindLoopback();
        m_other = bindLoopback();
        sockaddr_in address{};
        socklen_t length = sizeof address;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~ScriptedUdpPeer() {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
        closeSocket(m_fd);
        closeSocket(m_other);
    }
    ScriptedUdpPeer(const ScriptedUdpPeer&) = delete;
    ScriptedUdpPeer& operator=(const ScriptedUdpPeer&) = delete;

    [[nodiscard]] std::uint16_t port() const { return m_port; }
    [[nodiscard]] int requests() const { return m_requests; }

private:
    static SocketHandle bindLoopback() {
        const SocketHandle fd = openSocket(AF_INET, SOCK_DGRAM);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd == kNoSocket || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            ADD_FAILURE() << "cannot bind a UDP socket on 127.0.0.1";
        }
        return fd;
    }

    void serve() {
        std::uint8_t buffer[2048];
        while (!m_stop) {
            PollEntry ready{};
            ready.fd = m_fd;
            ready.events = POLLIN;
            if (pollSockets(&ready, 1, 20) <= 0) continue;
            sockaddr_in from{};
            socklen_t length = sizeof from;
            // On Windows a reply that drew an ICMP port unreachable fails the next receive
            // (WSAECONNRESET); like any other failed receive it is skipped.
            const auto got = receiveFrom(m_fd, buffer, sizeof buffer, reinterpret_cast<sockaddr*>(&from), &length);
            if (got < 0) continue;
            ++m_requests;
            const auto reply = [&](SocketHandle fd) {
                return [fd, from](std::span<const std::uint8_t> data) {
                    sendTo(fd, data.data(), data.size(), reinterpret_cast<const sockaddr*>(&from), sizeof from);
                };
            };
            m_script(std::span<const std::uint8_t>(buffer, static_cast<std::size_t>(got)),
                     Io{reply(m_fd), reply(m_other)});
        }
    }

    Script m_script;
    SocketHandle m_fd = kNoSocket;
    SocketHandle m_other = kNoSocket;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_requests{0};
    std::thread m_thread;
};

inline std::span<const std::uint8_t> bytesOf(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace qdyn::test
