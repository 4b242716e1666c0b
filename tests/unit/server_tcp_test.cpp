// DNS over TCP in qdyn::server::Server on loopback: framing, pipelining, byte-by-byte input,
// garbage, timeouts for idle and slow clients, the connection cap's eviction of the oldest
// connection and stop(), all with plain socket clients.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn_server/server.hpp"
#include "demo_server_config.hpp"
#include "loopback_socket.hpp"
#include "socket_api.hpp"
#include "test_values.hpp"

namespace {
namespace server_tcp_test {

using namespace qdyn::server;
namespace dns = qdyn::dns;
using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::steady_clock;

using qdyn::test::ip;
using qdyn::test::name;

using qdyn::test::connectTcp;
using qdyn::test::Fd;
using qdyn::test::receiveBytes;
using qdyn::test::sendAll;
using qdyn::test::sendBytes;
using qdyn::test::SocketHandle;
using qdyn::test::waitReadable;

// shutdown(2)'s "no more sending" under its name on each platform, so the test can check the
// call's result (shutdownSending() of the socket layer returns none).
#ifdef _WIN32
constexpr int kShutWrite = SD_SEND;
#else
constexpr int kShutWrite = SHUT_WR;
#endif




// Exactly `size` bytes, or nothing on EOF, error or timeout.
std::optional<Bytes> readExact(SocketHandle fd, std::size_t size, int timeoutMs = 5000) {
    Bytes out(size);
    std::size_t got = 0;
    while (got < size) {
        if (!waitReadable(fd, timeoutMs)) return std::nullopt;
        const auto n = receiveBytes(fd, out.data() + got, size - got);
        if (n <= 0) return std::nullopt;
        got += static_cast<std::size_t>(n);
    }
    return out;
}

// One length-prefixed DNS message, decoded.
dns::Message readFrame(SocketHandle fd) {
    const auto prefix = readExact(fd, 2);
    if (!prefix) {
        ADD_FAILURE() << "no length prefix";
        return {};
    }
    const auto size = static_cast<std::size_t>((*prefix)[0]) << 8U | (*prefix)[1];
    const auto body = readExact(fd, size);
    if (!body) {
        ADD_FAILURE() << "message cut short";
        return {};
    }
    auto decoded = dns::decodeMessage(*body);
    if (!decoded) {
        ADD_FAILURE() << decoded.message();
        return {};
    }
    return *decoded;
}

// recv()'s result once the socket is readable: 0 is an orderly close by the server.
std::optional<std::ptrdiff_t> nextRecv(SocketHandle fd, int timeoutMs = 5000) {
    if (!waitReadable(fd, timeoutMs)) return std::nullopt;
    std::uint8_t byte = 0;
    return receiveBytes(fd, &byte, 1);
}

bool closedByServer(SocketHandle fd, int timeoutMs = 5000) {
    const auto got = nextRecv(fd, timeoutMs);
    return got && *got <= 0;
}

Bytes frame(const Bytes& message) {
    Bytes out{static_cast<std::uint8_t>(message.size() >> 8U), static_cast<std::uint8_t>(message.size() & 0xFFU)};
    out.insert(out.end(), message.begin(), message.end());
    return out;
}

Bytes query(std::uint16_t id, std::string_view qname, std::uint16_t type) {
    dns::Message message;
    message.header.id = id;
    message.questions.push_back({name(qname), type, dns::rrclass::Internet});
    return frame(dns::encodeMessage(message));
}

Config tcpConfig(std::uint32_t idleTimeout = 10, std::uint32_t maxConnections = 256) {
    Config config = qdyn::test::demoServerConfig();
    config.http.clear();
    config.dns.tcpIdleTimeout = idleTimeout;
    config.dns.tcpMaxConnections = maxConnections;
    return config;
}

// The name server's glue: a positive answer that exists without any update.
void expectGlueAnswer(const dns::Message& reply, std::uint16_t id) {
    EXPECT_EQ(reply.header.id, id);
    EXPECT_TRUE(reply.header.qr);
    EXPECT_TRUE(reply.header.aa);
    EXPECT_FALSE(reply.header.tc);
    EXPECT_EQ(reply.header.rcode, dns::Rcode::NoError);
    ASSERT_EQ(reply.answers.size(), 1U);
    EXPECT_EQ(std::get<dns::AData>(reply.answers[0].data).address, ip("127.0.0.1").v4Bytes());
}

class ServerTcp : public ::testing::Test {
protected:
    void SetUp() override { startServer(m_server); }

    static void startServer(Server& server) {
        auto started = server.start();
        ASSERT_TRUE(started) << started.message();
        ASSERT_NE(server.port("dns-tcp"), 0);
    }

    Server m_server{tcpConfig()};
};

TEST_F(ServerTcp, ReportsTheListener) {
    ASSERT_EQ(m_server.listeners().size(), 2U);
    EXPECT_EQ(m_server.listeners()[1].kind, "dns-tcp");
    EXPECT_EQ(m_server.listeners()[1].address, ip("127.0.0.1"));
    EXPECT_NE(m_server.port("dns-tcp"), m_server.port("nope"));
}

TEST_F(ServerTcp, AnswersOneQuery) {
    Fd client(connectTcp(m_server.port("dns-tcp")));
    sendAll(client.get(), query(4242, "ns1.dyn.example.test", dns::rrtype::A));
    expectGlueAnswer(readFrame(client.get()), 4242);
}

TEST_F(ServerTcp, AnswersPipelinedQueriesInOrder) {
    Fd client(connectTcp(m_server.port("dns-tcp")));
    Bytes batch = query(1, "ns1.dyn.example.test", dns::rrtype::A);
    const auto soa = query(2, "dyn.example.test", dns::rrtype::SOA);
    const auto missing = query(3, "nothere.dyn.example.test", dns::rrtype::A);
    batch.insert(batch.end(), soa.begin(), soa.end());
    batch.insert(batch.end(), missing.begin(), missing.end());
    sendAll(client.get(), batch);

    expectGlueAnswer(readFrame(client.get()), 1);
    const auto second = readFrame(client.get());
    EXPECT_EQ(second.header.id, 2);
    ASSERT_EQ(second.answers.size(), 1U);
    EXPECT_EQ(second.answers[0].type, dns::rrtype::SOA);
    const auto third = readFrame(client.get());
    EXPECT_EQ(third.header.id, 3);
    EXPECT_EQ(third.header.rcode, dns::Rcode::NxDomain);

    // The connection stays open for more.
    sendAll(client.get(), query(4, "ns1.dyn.example.test", dns::rrtype::A));
    expectGlueAnswer(readFrame(client.get()), 4);
}

TEST_F(ServerTcp, AClientThatReadsLateStillGetsEveryAnswerInOrder) {
    Fd client(connectTcp(m_server.port("dns-tcp")));
    constexpr std::uint16_t kQueries = 5000;
    // More replies than the server queues before it pauses reading, sent while nobody reads:
    // the server must neither drop nor reorder them once the client catches up.
    std::thread sender([&] {
        Bytes batch;
        for (std::uint16_t id = 1; id <= kQueries; ++id) {
            const auto one = query(id, "ns1.dyn.example.test", dns::rrtype::A);
            batch.insert(batch.end(), one.begin(), one.end());
        }
        sendAll(client.get(), batch);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::uint16_t mismatches = 0;
    for (std::uint16_t id = 1; id <= kQueries; ++id) {
        if (readFrame(client.get()).header.id != id) ++mismatches;
    }
    sender.join();
    EXPECT_EQ(mismatches, 0);
}

TEST_F(ServerTcp, AnswersAClientThatHalfClosesAfterItsQueries) {
    Fd client(connectTcp(m_server.port("dns-tcp")));
    Bytes batch = query(11, "ns1.dyn.example.test", dns::rrtype::A);
    const auto second = query(12, "ns1.dyn.example.test", dns::rrtype::A);
    batch.insert(batch.end(), second.begin(), second.end());
    sendAll(client.get(), batch);
    ASSERT_EQ(::shutdown(client.get(), kShutWrite), 0);
    expectGlueAnswer(readFrame(client.get()), 11);
    expectGlueAnswer(readFrame(client.get()), 12);
    EXPECT_EQ(nextRecv(client.get()), 0);
}

TEST_F(ServerTcp, ReassemblesAQuerySentByteByByte) {
    Fd client(connectTcp(m_server.port("dns-tcp")));
    for (const auto byte : query(77, "ns1.dyn.example.test", dns::rrtype::A)) {
        sendAll(client.get(), Bytes{byte});
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    expectGlueAnswer(readFrame(client.get()), 77);
}

TEST_F(ServerTcp, GarbageClosesOnlyThatConnection) {
    const auto port = m_server.port("dns-tcp");
    {
        // A length prefix promising more than ever comes, then the client goes away.
        Fd half(connectTcp(port));
        sendAll(half.get(), Bytes{0xFF, 0xFF, 1, 2, 3, 4, 5});
    }
    {
        Fd zero(connectTcp(port));
        sendAll(zero.get(), Bytes{0, 0});
        EXPECT_EQ(nextRecv(zero.get()), 0) << "a zero length ends the connection";
    }
    {
        // Too short for a header: the responder drops it, TCP closes instead of stalling.
        Fd junk(connectTcp(port));
        sendAll(junk.get(), frame(Bytes{'h', 'e', 'l', 'l', 'o'}));
        EXPECT_EQ(nextRecv(junk.get()), 0);
    }
    {
        // A valid query before the junk is still answered first.
        Fd mixed(connectTcp(port));
        Bytes data = query(5, "ns1.dyn.example.test", dns::rrtype::A);
        const auto junk = frame(Bytes{1, 2, 3});
        data.insert(data.end(), junk.begin(), junk.end());
        sendAll(mixed.get(), data);
        expectGlueAnswer(readFrame(mixed.get()), 5);
        EXPECT_EQ(nextRecv(mixed.get()), 0);
    }
    Fd next(connectTcp(port));
    sendAll(next.get(), query(6, "ns1.dyn.example.test", dns::rrtype::A));
    expectGlueAnswer(readFrame(next.get()), 6);
}

TEST(ServerTcpLimits, IdleConnectionsTimeOut) {
    Server server(tcpConfig(1));
    auto started = server.start();
    ASSERT_TRUE(started) << started.message();
    Fd client(connectTcp(server.port("dns-tcp")));
    sendAll(client.get(), query(8, "ns1.dyn.example.test", dns::rrtype::A));
    expectGlueAnswer(readFrame(client.get()), 8);
    const auto answered = Clock::now();
    EXPECT_EQ(nextRecv(client.get(), 4000), 0);
    const auto idle = Clock::now() - answered;
    EXPECT_GE(idle, std::chrono::milliseconds(800));
    EXPECT_LT(idle, std::chrono::milliseconds(3000));
}

TEST(ServerTcpLimits, TricklingAHalfMessageDoesNotKeepTheConnection) {
    Server server(tcpConfig(1));
    auto started = server.start();
    ASSERT_TRUE(started) << started.message();
    Fd client(connectTcp(server.port("dns-tcp")));
    const auto message = query(9, "ns1.dyn.example.test", dns::rrtype::A);
    const auto begun = Clock::now();
    bool closed = false;
    // One byte every 300 ms would reset a naive per-read idle timer forever.
    for (std::size_t i = 0; i + 1 < message.size() && !closed; ++i) {
        static_cast<void>(sendBytes(client.get(), &message[i], 1));
        const auto got = nextRecv(client.get(), 300);
        closed = got && *got <= 0;
    }
    ASSERT_TRUE(closed);
    EXPECT_LT(Clock::now() - begun, std::chrono::milliseconds(2500));
}

TEST(ServerTcpLimits, TheCapEvictsTheOldestConnection) {
    Server server(tcpConfig(10, 2));
    auto started = server.start();
    ASSERT_TRUE(started) << started.message();
    const auto port = server.port("dns-tcp");
    // Each connection is answered once, so the server has surely accepted it before the next.
    Fd first(connectTcp(port));
    sendAll(first.get(), query(1, "ns1.dyn.example.test", dns::rrtype::A));
    expectGlueAnswer(readFrame(first.get()), 1);
    Fd second(connectTcp(port));
    sendAll(second.get(), query(2, "ns1.dyn.example.test", dns::rrtype::A));
    expectGlueAnswer(readFrame(second.get()), 2);
    Fd third(connectTcp(port));
    sendAll(third.get(), query(3, "ns1.dyn.example.test", dns::rrtype::A));
    expectGlueAnswer(readFrame(third.get()), 3);

    EXPECT_EQ(nextRecv(first.get()), 0) << "the oldest connection makes room";
    sendAll(second.get(), query(4, "ns1.dyn.example.test", dns::rrtype::A));
    expectGlueAnswer(readFrame(second.get()), 4);
    sendAll(third.get(), query(5, "ns1.dyn.example.test", dns::rrtype::A));
    expectGlueAnswer(readFrame(third.get()), 5);
}

TEST_F(ServerTcp, StopClosesOpenConnectionsPromptly) {
    const auto port = m_server.port("dns-tcp");
    Fd idle(connectTcp(port));
    Fd answered(connectTcp(port));
    sendAll(answered.get(), query(1, "ns1.dyn.example.test", dns::rrtype::A));
    expectGlueAnswer(readFrame(answered.get()), 1);
    Fd half(connectTcp(port));
    sendAll(half.get(), Bytes{0, 40, 1, 2});
    std::this_thread::sleep_for(std::chrono::milliseconds(50));

    const auto before = Clock::now();
    m_server.stop();
    EXPECT_LT(Clock::now() - before, std::chrono::seconds(1));
    EXPECT_TRUE(closedByServer(idle.get(), 2000));
    EXPECT_TRUE(closedByServer(answered.get(), 2000));
    EXPECT_TRUE(closedByServer(half.get(), 2000));
}

}  // namespace server_tcp_test
}  // namespace
