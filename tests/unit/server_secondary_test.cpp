// qdyn::server::Server with a [[secondary]], on loopback: the NOTIFY at start and after an
// update reaches a fake secondary, and an AXFR of a zone that needs several messages streams
// through the real TCP listener, with a query pipelined behind it answered after its last
// message.
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

#include "demo_server_config.hpp"
#include "fake_secondary.hpp"
#include "loopback_socket.hpp"
#include "qdyn/dns/message.hpp"
#include "qdyn/dns/transport.hpp"
#include "qdyn/dns/tsig.hpp"
#include "qdyn/protocols/rfc2136.hpp"
#include "qdyn_server/server.hpp"
#include "socket_api.hpp"
#include "test_values.hpp"

namespace {
namespace secondary_test {

using namespace qdyn::server;
namespace dns = qdyn::dns;
using qdyn::test::ip;
using qdyn::test::name;
using Bytes = std::vector<std::uint8_t>;

constexpr const char* kAliceSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";
constexpr std::uint16_t kAxfr = 252;
constexpr int kStaticNames = 3000;

std::uint32_t serialIn(const dns::Message& message) {
    return dns::soaOf(message.answers.at(0).data)->serial;
}

Bytes framed(const dns::Message& message) {
    const auto wire = dns::encodeMessage(message);
    Bytes out{static_cast<std::uint8_t>(wire.size() >> 8U), static_cast<std::uint8_t>(wire.size() & 0xFFU)};
    out.insert(out.end(), wire.begin(), wire.end());
    return out;
}

std::optional<Bytes> readExact(qdyn::test::SocketHandle fd, std::size_t size) {
    Bytes out(size);
    std::size_t got = 0;
    while (got < size) {
        if (!qdyn::test::waitReadable(fd, 5000)) return std::nullopt;
        const auto n = qdyn::test::receiveBytes(fd, out.data() + got, size - got);
        if (n <= 0) return std::nullopt;
        got += static_cast<std::size_t>(n);
    }
    return out;
}

std::optional<dns::Message> readFrame(qdyn::test::SocketHandle fd) {
    const auto prefix = readExact(fd, 2);
    if (!prefix) return std::nullopt;
    const auto body = readExact(fd, static_cast<std::size_t>((*prefix)[0]) << 8U | (*prefix)[1]);
    if (!body) return std::nullopt;
    return dns::decodeMessage(*body).value();
}

class ServerSecondaryTest : public ::testing::Test {
protected:
    void SetUp() override {
        Config config = baseConfig();
        server = std::make_unique<Server>(std::move(config));
        const auto started = server->start();
        ASSERT_TRUE(started) << started.message();
    }

    Config baseConfig() {
        Config config = qdyn::test::demoServerConfig();
        config.tsigKeys.push_back({name("alice-key"), "hmac-sha256", kAliceSecret, "alice"});
        config.secondaries.push_back({ip("127.0.0.1"), secondary.port(), std::nullopt});
        for (int i = 0; i < kStaticNames; ++i) {
            config.records.push_back({name("t" + std::to_string(i) + ".dyn.example.test"), dns::rrtype::TXT, 300,
                                      dns::TxtData{{"static text number " + std::to_string(i)}}});
        }
        return config;
    }
    void TearDown() override {
        if (server) server->stop();
    }

    std::uint32_t currentSerial() {
        const dns::ServerAddress where{ip("127.0.0.1"), server->port("dns-udp")};
        const auto reply = dns::exchange(where, dns::makeQuery(name("dyn.example.test"), dns::rrtype::SOA));
        return reply ? serialIn(*reply) : 0;
    }

    qdyn::test::FakeSecondary secondary;
    std::unique_ptr<Server> server;
};

TEST_F(ServerSecondaryTest, NotifiesAtStartAndAfterAnUpdate) {
    const auto atStart = secondary.receive();
    ASSERT_TRUE(atStart) << "no NOTIFY at start";
    EXPECT_EQ(atStart->header.opcode, dns::Opcode::Notify);
    EXPECT_EQ(serialIn(*atStart), currentSerial());
    secondary.answer(*atStart);

    const auto key = dns::TsigKey::make("alice-key", dns::TsigAlgorithm::HmacSha256, kAliceSecret).value();
    const auto update = qdyn::rfc2136::buildUpdate(name("dyn.example.test"), name("home.dyn.example.test"),
                                                   ip("203.0.113.7"), std::nullopt, 60, 0x2222);
    const auto request = dns::signRequest(update, key, dns::tsigNow()).value();
    const dns::ServerAddress where{ip("127.0.0.1"), server->port("dns-udp")};
    const auto reply = dns::exchangeUdpWire(where, request.message, request.wire);
    ASSERT_TRUE(reply) << reply.message();
    ASSERT_EQ(reply->message.header.rcode, dns::Rcode::NoError);

    const auto afterUpdate = secondary.receive();
    ASSERT_TRUE(afterUpdate) << "no NOTIFY after the update";
    EXPECT_EQ(serialIn(*afterUpdate), currentSerial());
    EXPECT_NE(serialIn(*afterUpdate), serialIn(*atStart));
    secondary.answer(*afterUpdate);
}

TEST_F(ServerSecondaryTest, AxfrStreamsOverTcpAndAPipelinedQueryFollowsIt) {
    const qdyn::test::Fd fd(qdyn::test::connectTcp(server->port("dns-tcp")));
    dns::Message axfr;
    axfr.header.id = 1;
    axfr.questions.push_back({name("dyn.example.test"), kAxfr, dns::rrclass::Internet});
    auto both = framed(axfr);
    auto soa = dns::makeQuery(name("dyn.example.test"), dns::rrtype::SOA);
    soa.header.id = 2;
    const auto second = framed(soa);
    both.insert(both.end(), second.begin(), second.end());
    qdyn::test::sendAll(fd.get(), both);

    std::size_t messages = 0;
    std::size_t records = 0;
    int soas = 0;
    while (soas < 2) {
        const auto message = readFrame(fd.get());
        ASSERT_TRUE(message) << "the transfer ended after " << messages << " messages";
        ASSERT_EQ(message->header.id, 1) << "nothing may come between the messages of a transfer";
        ASSERT_EQ(message->header.rcode, dns::Rcode::NoError);
        ++messages;
        for (const auto& rr : message->answers) {
            ++records;
            if (rr.type == dns::rrtype::SOA) ++soas;
        }
    }
    EXPECT_GE(messages, 2U);
    EXPECT_GT(records, static_cast<std::size_t>(kStaticNames));
    const auto after = readFrame(fd.get());
    ASSERT_TRUE(after);
    EXPECT_EQ(after->header.id, 2);
    EXPECT_EQ(after->answers.size(), 1U);
}

TEST_F(ServerSecondaryTest, AReloadNotifiesTheNewListOfSecondaries) {
    const auto atStart = secondary.receive();
    ASSERT_TRUE(atStart);
    secondary.answer(*atStart);

    qdyn::test::FakeSecondary added;
    Config next = baseConfig();
    next.secondaries.push_back({ip("127.0.0.1"), added.port(), std::nullopt});
    const auto reloaded = server->reload(std::move(next));
    ASSERT_TRUE(reloaded) << reloaded.message();
    // The reload moved the serial on: both secondaries hear of it.
    for (auto* peer : {&secondary, &added}) {
        const auto notify = peer->receive();
        ASSERT_TRUE(notify) << "no NOTIFY after the reload";
        EXPECT_EQ(serialIn(*notify), currentSerial());
        peer->answer(*notify);
    }
}

}  // namespace secondary_test
}  // namespace
