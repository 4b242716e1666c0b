// qdyn::server::Server on loopback: real UDP and HTTP sockets on free ports, plain socket
// clients, so the listeners' framing, keep-alive, limits and stop are covered end to end.
#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>
#include <cstring>
#include <string>
#include <vector>

#include "accounts/password_hash.hpp"
#include "qdyn/dns/message.hpp"
#include "qdyn_server/server.hpp"
#include "demo_server_config.hpp"
#include "loopback_socket.hpp"
#include "socket_api.hpp"
#include "test_values.hpp"

namespace {

using qdyn::IpAddress;
using namespace qdyn::server;
namespace dns = qdyn::dns;

using qdyn::test::ip;
using qdyn::test::name;

using qdyn::test::connectTcp;
using qdyn::test::Fd;
using qdyn::test::openSocket;
using qdyn::test::receiveBytes;
using qdyn::test::sendAll;
using qdyn::test::sendTo;
using qdyn::test::SocketHandle;
using qdyn::test::waitReadable;

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}


std::vector<std::uint8_t> udpExchange(std::uint16_t port, const std::vector<std::uint8_t>& query) {
    Fd fd(openSocket(AF_INET, SOCK_DGRAM));
    auto to = loopback(port);
    EXPECT_EQ(sendTo(fd.get(), query.data(), query.size(), reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<std::ptrdiff_t>(query.size()));
    if (!waitReadable(fd.get(), 5000)) return {};
    std::vector<std::uint8_t> buffer(65536);
    const auto got = receiveBytes(fd.get(), buffer.data(), buffer.size());
    buffer.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    return buffer;
}



// Reads one HTTP response (headers + Content-Length body), or until EOF/timeout.
std::string readResponse(SocketHandle fd) {
    std::string data;
    char buffer[4096];
    while (waitReadable(fd, 5000)) {
        const auto n = receiveBytes(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        data.append(buffer, static_cast<std::size_t>(n));
        const auto end = data.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        const auto lengthAt = data.find("Content-Length: ");
        if (lengthAt == std::string::npos || lengthAt > end) continue;
        const auto length = std::stoul(data.substr(lengthAt + 16));
        if (data.size() >= end + 4 + length) break;
    }
    return data;
}

bool closedByPeer(SocketHandle fd) {
    if (!waitReadable(fd, 5000)) return false;
    char byte = 0;
    return receiveBytes(fd, &byte, 1) == 0;
}

// The demo zone with DNS over UDP and HTTP only.
Config loopbackConfig() {
    Config config = qdyn::test::demoServerConfig();
    config.dnsTcp.clear();
    return config;
}

const std::string kUpdate =
    "GET /nic/update?hostname=home.dyn.example.test&myip=203.0.113.7 HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\nAuthorization: Basic YWxpY2U6czNjcmV0\r\nUser-Agent: test/1.0\r\n\r\n";

class ServerLoopback : public ::testing::Test {
protected:
    void SetUp() override {
        auto started = m_server.start();
        ASSERT_TRUE(started) << started.message();
        m_dns = m_server.port("dns-udp");
        m_http = m_server.port("http");
        ASSERT_NE(m_dns, 0);
        ASSERT_NE(m_http, 0);
    }

    Server m_server{loopbackConfig()};
    std::uint16_t m_dns = 0;
    std::uint16_t m_http = 0;
};

TEST_F(ServerLoopback, ReportsItsListeners) {
    ASSERT_EQ(m_server.listeners().size(), 2U);
    EXPECT_EQ(m_server.listeners()[0].kind, "dns-udp");
    EXPECT_EQ(m_server.listeners()[1].kind, "http");
    EXPECT_EQ(formatEndpoint(ip("127.0.0.1"), 53), "127.0.0.1:53");
    EXPECT_EQ(formatEndpoint(ip("::1"), 5353), "[::1]:5353");
    EXPECT_EQ(m_server.port("nope"), 0);
}

TEST_F(ServerLoopback, UpdateOverHttpIsVisibleOverDns) {
    Fd http(connectTcp(m_http));
    sendAll(http.get(), kUpdate);
    const auto response = readResponse(http.get());
    EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << response;
    EXPECT_NE(response.find("\r\n\r\ngood 203.0.113.7\n"), std::string::npos) << response;
    EXPECT_EQ(m_server.addressesOf(name("home.dyn.example.test")), std::vector<IpAddress>{ip("203.0.113.7")});

    dns::Message query;
    query.header.id = 99;
    query.questions.push_back({name("home.dyn.example.test"), dns::rrtype::A, dns::rrclass::Internet});
    const auto reply = dns::decodeMessage(udpExchange(m_dns, dns::encodeMessage(query)));
    ASSERT_TRUE(reply) << reply.message();
    EXPECT_EQ(reply->header.id, 99);
    EXPECT_TRUE(reply->header.aa);
    ASSERT_EQ(reply->answers.size(), 1U);
    EXPECT_EQ(std::get<dns::AData>(reply->answers[0].data).address, ip("203.0.113.7").v4Bytes());
}

// Many datagrams at once from two clients: they arrive in batches (recvmmsg on Linux), and each
// gets exactly one answer with its own id, to the socket it came from, the cached answers too.
TEST_F(ServerLoopback, ABurstOfUdpQueriesGetsEveryAnswerToItsSender) {
    constexpr int kQueries = 120;  // well inside the default receive buffers: UDP may drop beyond
    Fd first(openSocket(AF_INET, SOCK_DGRAM));
    Fd second(openSocket(AF_INET, SOCK_DGRAM));
    auto to = loopback(m_dns);
    for (int i = 0; i < kQueries; ++i) {
        dns::Message query;
        query.header.id = static_cast<std::uint16_t>(i);
        query.questions.push_back({name(i % 3 == 0 ? "dyn.example.test" : "nx.dyn.example.test"),
                                   i % 3 == 0 ? dns::rrtype::SOA : dns::rrtype::A, dns::rrclass::Internet});
        const auto wire = dns::encodeMessage(query);
        const SocketHandle fd = i % 2 == 0 ? first.get() : second.get();
        ASSERT_EQ(sendTo(fd, wire.data(), wire.size(), reinterpret_cast<sockaddr*>(&to), sizeof to),
                  static_cast<std::ptrdiff_t>(wire.size()));
    }
    for (const SocketHandle fd : {first.get(), second.get()}) {
        std::vector<bool> seen(kQueries, false);
        int answers = 0;
        std::vector<std::uint8_t> buffer(65536);
        while (answers < kQueries / 2 && waitReadable(fd, 5000)) {
            const auto got = receiveBytes(fd, buffer.data(), buffer.size());
            ASSERT_GT(got, 0);
            const auto reply = dns::decodeMessage(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(got)));
            ASSERT_TRUE(reply) << reply.message();
            const int id = reply->header.id;
            ASSERT_LT(id, kQueries);
            EXPECT_EQ(id % 2, fd == first.get() ? 0 : 1) << "an answer reached the wrong client";
            EXPECT_FALSE(seen[static_cast<std::size_t>(id)]) << "answered twice: " << id;
            seen[static_cast<std::size_t>(id)] = true;
            EXPECT_EQ(reply->header.rcode, id % 3 == 0 ? dns::Rcode::NoError : dns::Rcode::NxDomain);
            ++answers;
        }
        EXPECT_EQ(answers, kQueries / 2);
    }
}

TEST_F(ServerLoopback, KeepAliveServesSeveralRequestsOnOneConnection) {
    Fd http(connectTcp(m_http));
    sendAll(http.get(), kUpdate);
    EXPECT_NE(readResponse(http.get()).find("good 203.0.113.7"), std::string::npos);
    sendAll(http.get(), kUpdate);
    EXPECT_NE(readResponse(http.get()).find("nochg 203.0.113.7"), std::string::npos);
    sendAll(http.get(), "POST /nic/update HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    const auto post = readResponse(http.get());
    EXPECT_EQ(post.rfind("HTTP/1.1 405", 0), 0U) << post;
    EXPECT_NE(post.find("Allow: GET\r\n"), std::string::npos);
    sendAll(http.get(), "GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(readResponse(http.get()).rfind("HTTP/1.1 404", 0), 0U);
    EXPECT_TRUE(closedByPeer(http.get()));
}

TEST_F(ServerLoopback, Http10ClosesAfterTheReplyAndUnauthenticatedGetsAChallenge) {
    Fd http(connectTcp(m_http));
    sendAll(http.get(), "GET /nic/update?hostname=home.dyn.example.test HTTP/1.0\r\nUser-Agent: t\r\n\r\n");
    const auto response = readResponse(http.get());
    EXPECT_EQ(response.rfind("HTTP/1.0 401", 0), 0U) << response;
    EXPECT_NE(response.find("WWW-Authenticate: Basic realm=\"qdyn\"\r\n"), std::string::npos);
    EXPECT_NE(response.find("\r\n\r\nbadauth\n"), std::string::npos);
    EXPECT_TRUE(closedByPeer(http.get()));
}

TEST_F(ServerLoopback, OversizedHeadersAreRefused) {
    Fd http(connectTcp(m_http));
    sendAll(http.get(), "GET /nic/update HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n");
    const auto response = readResponse(http.get());
    EXPECT_EQ(response.rfind("HTTP/1.1 431", 0), 0U) << response.substr(0, 100);
    EXPECT_TRUE(closedByPeer(http.get()));
}

TEST_F(ServerLoopback, AnOverlongTargetIs414AndCloses) {
    Fd http(connectTcp(m_http));
    sendAll(http.get(), "GET /nic/update?hostname=" + std::string(5000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto response = readResponse(http.get());
    EXPECT_EQ(response.rfind("HTTP/1.1 414", 0), 0U) << response.substr(0, 100);
    EXPECT_TRUE(closedByPeer(http.get()));
}

// The APIs beyond dyndns2 through the real listener: the nanodnsd route under a configured
// prefix with a form POST, the echo of the connecting port, and HEAD without a body.
TEST(ServerLoopbackApis, NanodnsdUnderAPrefixWithAFormPostAndTheEchoServices) {
    Config config = loopbackConfig();
    config.accounts[0].token = "alice-token-1";
    config.httpOptions.nanodnsdPrefixes = {"/dns"};
    Server server(config);
    ASSERT_TRUE(server.start());
    const auto port = server.port("http");

    Fd http(connectTcp(port));
    const std::string form = "hostname=home.dyn.example.test&ipv4=198.51.100.61&token=alice-token-1";
    sendAll(http.get(), "POST /dns/api/update HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        "Content-Length: " + std::to_string(form.size()) + "\r\n\r\n" + form);
    const auto posted = readResponse(http.get());
    EXPECT_EQ(posted.rfind("HTTP/1.1 200", 0), 0U) << posted;
    EXPECT_NE(posted.find("\r\n\r\nok\n"), std::string::npos) << posted;
    EXPECT_EQ(server.addressesOf(name("home.dyn.example.test")), std::vector<IpAddress>{ip("198.51.100.61")});
    sendAll(http.get(), "PUT /api/update HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(readResponse(http.get()).rfind("HTTP/1.1 501", 0), 0U);

    sockaddr_in local{};
    socklen_t length = sizeof local;
    ASSERT_EQ(::getsockname(http.get(), reinterpret_cast<sockaddr*>(&local), &length), 0);
    sendAll(http.get(), "GET /socket HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(readResponse(http.get()).find("\r\n\r\n127.0.0.1:" + std::to_string(ntohs(local.sin_port)) + "\n"),
              std::string::npos);
    sendAll(http.get(), "HEAD /ip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string head;
    char buffer[512];
    while (waitReadable(http.get(), 5000)) {
        const auto n = receiveBytes(http.get(), buffer, sizeof buffer);
        if (n <= 0) break;
        head.append(buffer, static_cast<std::size_t>(n));
    }
    EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0U) << head;
    EXPECT_NE(head.find("Content-Length: 10\r\n"), std::string::npos) << head;  // "127.0.0.1\n"
    EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "");
    server.stop();
}

TEST_F(ServerLoopback, StopClosesIdleConnectionsPromptlyAndIsIdempotent) {
    Fd idle(connectTcp(m_http));
    sendAll(idle.get(), kUpdate);
    EXPECT_NE(readResponse(idle.get()).find("good"), std::string::npos);
    const auto before = std::chrono::steady_clock::now();
    m_server.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
    EXPECT_TRUE(closedByPeer(idle.get()));
    m_server.stop();
    EXPECT_FALSE(m_server.start());  // a stopped server does not come back
}

TEST(ServerStart, BindErrorsNameTheListener) {
    Server first(loopbackConfig());
    ASSERT_TRUE(first.start());
    auto clash = loopbackConfig();
    clash.http = {ListenAddress{ip("127.0.0.1"), first.port("http")}};
    Server second(std::move(clash));
    auto started = second.start();
    ASSERT_FALSE(started);
    // The system's own words for EADDRINUSE (WSAEADDRINUSE on Windows).
    const std::string inUse = boost::system::error_code(boost::asio::error::address_in_use).message();
    EXPECT_EQ(started.message(), "http 127.0.0.1:" + std::to_string(first.port("http")) + ": " + inUse);
    EXPECT_TRUE(second.listeners().empty());
    // UDP too: a second server never shares the first one's DNS port (on Windows SO_REUSEADDR
    // would allow that, so the listeners claim their address exclusively there).
    auto udpClash = loopbackConfig();
    udpClash.dnsUdp = {ListenAddress{ip("127.0.0.1"), first.port("dns-udp")}};
    Server third(std::move(udpClash));
    started = third.start();
    ASSERT_FALSE(started);
    EXPECT_EQ(started.message(), "dns-udp 127.0.0.1:" + std::to_string(first.port("dns-udp")) + ": " + inUse);
}

}  // namespace

// stop() must return even when the expiry timer (every second) comes due while the io thread is
// busy and stop() is already waiting in line: the timer's completion then runs after the
// listeners were stopped, and once re-armed itself, so the io thread never ran out of work.
// A login whose scrypt check takes over a second (p = 16 runs the 0.1 s hash 16 times) keeps
// the io thread busy across the timer's deadline.
TEST(ServerStop, ReturnsWhenTheExpiryTimerComesDueWhileTheIoThreadIsBusy) {
    qdyn::server::accounts::ScryptParams slow{15, 8, 16};
    // Making the hash costs what checking it does: longer when that is fast on this machine,
    // since the check must outlast the first second.
    const auto began = std::chrono::steady_clock::now();
    auto hash = qdyn::server::accounts::hashPassword("s3cret", slow);
    ASSERT_TRUE(hash) << hash.message();
    if (std::chrono::steady_clock::now() - began < std::chrono::milliseconds(1400)) {
        slow.logN = 16;
        hash = qdyn::server::accounts::hashPassword("s3cret", slow);
        ASSERT_TRUE(hash) << hash.message();
    }
    Config config = qdyn::test::demoServerConfig();
    config.accounts[0].password.clear();
    config.accounts[0].passwordHash = *hash;
    Server server(std::move(config));
    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(server.start());

    Fd http(connectTcp(server.port("http")));
    sendAll(http.get(), kUpdate);  // alice: the io thread now checks the scrypt hash
    std::this_thread::sleep_until(started + std::chrono::milliseconds(1250));
    auto stopped = std::async(std::launch::async, [&server] { server.stop(); });
    if (stopped.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
        ADD_FAILURE() << "Server::stop() did not return within 20 s";
        std::_Exit(1);  // the io thread would never end: the test process cannot finish otherwise
    }
}
