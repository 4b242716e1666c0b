// A running qdyn-server (in process, loopback, free ports) with every line-protocol listener,
// and a plain blocking line client, for the tests of QDNS, miniupdate and GnuDIP over TCP.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopback_socket.hpp"
#include "qdyn/crypto/digest.hpp"
#include "qdyn_server/server.hpp"
#include "qdyn_server/zone.hpp"
#include "socket_api.hpp"
#include "temp_dir.hpp"
#include "test_values.hpp"

namespace qdyn::test {

// alice (password s3cret, token alice-token-1, legacy MD5 verifier of s3cret) has home and
// office; bob (password pw, no MD5 verifier set: derived from the plain password) has bob;
// a static AAAA sits on home. Listeners: qdns, miniupdate, gnudip (TCP) and myip (UDP).
inline server::Config lineServerConfig() {
    server::Config config;
    config.zone.origin = name("dyn.example.test");
    config.zone.nameserver = name("ns1.example.test");
    config.zone.email = "hostmaster@example.test";
    server::Account alice{"alice", "s3cret", {name("home.dyn.example.test"), name("office.dyn.example.test")}};
    alice.token = "alice-token-1";
    alice.gnudipMd5 = crypto::md5Hex("s3cret").value();
    const server::Account bob{"bob", "pw", {name("bob.dyn.example.test")}};
    config.accounts = {alice, bob};
    config.records.push_back(server::StaticRecord{name("home.dyn.example.test"), dns::rrtype::AAAA, 300,
                                                  server::addressRData(ip("2001:db8::1"))});
    const server::ListenAddress loopback{ip("127.0.0.1"), 0};
    config.dnsUdp = {loopback};
    config.qdns = {loopback};
    config.miniupdate = {loopback};
    config.gnudip = {loopback};
    config.myip = {loopback};
    config.lineOptions.idleTimeout = 2;  // seconds: the idle tests wait for it
    config.throttle = {0, 600, 900, 0};  // off unless a test turns it on
    return config;
}

class LineServerTest : public ::testing::Test {
protected:
    // Override to change the configuration before the server starts.
    virtual server::Config makeConfig() { return lineServerConfig(); }

    void SetUp() override {
        m_server = std::make_unique<server::Server>(makeConfig());
        const auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
    }

    void TearDown() override {
        if (m_server) m_server->stop();
    }

    [[nodiscard]] std::uint16_t port(const std::string& kind) const { return m_server->port(kind); }

    // What the server publishes for a host now, as text, IPv4 first.
    [[nodiscard]] std::vector<std::string> published(std::string_view host) const {
        std::vector<std::string> out;
        for (const auto& address : m_server->addressesOf(name(host))) out.push_back(address.toString());
        return out;
    }

    std::unique_ptr<server::Server> m_server;
};

// A blocking client over one loopback TCP connection: raw sends, one line per read.
class LineClient {
public:
    explicit LineClient(std::uint16_t port, int timeoutMs = 5000)
        : m_fd(std::make_unique<Fd>(connectTcp(port))), m_timeoutMs(timeoutMs) {}

    void send(std::string_view bytes) { sendAll(m_fd->get(), bytes); }

    // The next line without its LF; nullopt when the server closed first or nothing came in
    // time (the client's timeout unless one is given).
    std::optional<std::string> line(std::optional<int> timeoutMs = std::nullopt) {
        for (;;) {
            if (const auto end = m_buffer.find('\n'); end != std::string::npos) {
                auto out = m_buffer.substr(0, end);
                m_buffer.erase(0, end + 1);
                return out;
            }
            if (!waitReadable(m_fd->get(), timeoutMs.value_or(m_timeoutMs))) return std::nullopt;
            char chunk[2048];
            const auto got = receiveBytes(m_fd->get(), chunk, sizeof chunk);
            if (got <= 0) return std::nullopt;
            m_buffer.append(chunk, static_cast<std::size_t>(got));
        }
    }

    // Sends `command` and a LF, returns the reply line ("<closed>" when none came).
    std::string exchange(std::string_view command) {
        send(std::string(command) + "\n");
        return line().value_or("<closed>");
    }

    // True when the server has closed the connection (EOF within the timeout, nothing unread).
    bool closedByPeer() {
        if (!m_buffer.empty()) return false;
        if (!waitReadable(m_fd->get(), m_timeoutMs)) return false;
        char byte = 0;
        return receiveBytes(m_fd->get(), &byte, 1) <= 0;
    }

    [[nodiscard]] SocketHandle fd() const { return m_fd->get(); }

private:
    std::unique_ptr<Fd> m_fd;  // behind a pointer so a client can be returned from a helper
    int m_timeoutMs;
    std::string m_buffer;
};

}  // namespace qdyn::test
