// The STUN source (RFC 8489) and its message codec: the RFC 5769 sample response, the parser's
// refusals, and the source against qdyn-server's STUN listener and scripted peers that answer
// with another transaction, a wrong cookie or garbage before (or instead of) the right reply.
#include <algorithm>
#include <chrono>
#include <gtest/gtest.h>
#include <vector>

#include "echo_server_fixture.hpp"
#include "qdyn/detect/stun_message.hpp"
#include "qdyn/detect/stun_source.hpp"

namespace qdyn::test {
namespace {
namespace detect_stun_test {

namespace stun = detect::stun;
using namespace std::chrono_literals;

constexpr stun::TransactionId kRfcId{0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

// RFC 5769 2.2: the sample IPv4 response (SOFTWARE, XOR-MAPPED-ADDRESS 192.0.2.1:32853,
// MESSAGE-INTEGRITY, FINGERPRINT), written by a third party, not by qdyn's encoder.
const std::vector<std::uint8_t> kRfc5769Ipv4Response{
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
    0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
    0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96};

// RFC 5769 2.3's XOR-MAPPED-ADDRESS for 2001:db8:1234:5678:11:2233:4455:6677 port 32853.
std::vector<std::uint8_t> rfc5769Ipv6Response() {
    std::vector<std::uint8_t> message{0x01, 0x01, 0x00, 0x18, 0x21, 0x12, 0xa4, 0x42};
    message.insert(message.end(), kRfcId.begin(), kRfcId.end());
    const std::uint8_t attribute[] = {0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
                                      0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9};
    message.insert(message.end(), std::begin(attribute), std::end(attribute));
    return message;
}

TEST(StunMessage, ReadsTheRfc5769SampleResponses) {
    const auto v4 = stun::parseBindingResponse(kRfc5769Ipv4Response, kRfcId);
    ASSERT_TRUE(v4) << v4.message();
    EXPECT_EQ(v4->address, ip("192.0.2.1"));
    EXPECT_EQ(v4->port, 32853);
    const auto v6 = stun::parseBindingResponse(rfc5769Ipv6Response(), kRfcId);
    ASSERT_TRUE(v6) << v6.message();
    EXPECT_EQ(v6->address, ip("2001:db8:1234:5678:11:2233:4455:6677"));
    EXPECT_EQ(v6->port, 32853);
}

TEST(StunMessage, EncoderMatchesTheRfcLayout) {
    const auto encoded = stun::encodeBindingResponse(kRfcId, ip("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
    EXPECT_EQ(encoded, rfc5769Ipv6Response());
    const auto request = stun::encodeBindingRequest(kRfcId);
    ASSERT_EQ(request.size(), 20U);
    EXPECT_EQ(stun::parseBindingRequest(request), kRfcId);
    EXPECT_EQ(stun::encodeBindingResponse(kRfcId, ip("192.0.2.1"), 1).size(), 32U);
}

TEST(StunMessage, MappedAddressIsTheFallback) {
    std::vector<std::uint8_t> message{0x01, 0x01, 0x00, 0x0c, 0x21, 0x12, 0xa4, 0x42};
    message.insert(message.end(), kRfcId.begin(), kRfcId.end());
    const std::uint8_t mapped[] = {0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0x0d, 0x96, 198, 51, 100, 7};
    message.insert(message.end(), std::begin(mapped), std::end(mapped));
    const auto parsed = stun::parseBindingResponse(message, kRfcId);
    ASSERT_TRUE(parsed) << parsed.message();
    EXPECT_EQ(parsed->address, ip("198.51.100.7"));
    EXPECT_EQ(parsed->port, 3478);
}

TEST(StunMessage, RefusesWhatIsNotTheAnswer) {
    const auto good = kRfc5769Ipv4Response;
    auto otherId = kRfcId;
    otherId[11] ^= 1;
    EXPECT_FALSE(stun::parseBindingResponse(good, otherId));

    auto badCookie = good;
    badCookie[7] ^= 1;
    EXPECT_FALSE(stun::parseBindingResponse(badCookie, kRfcId));

    auto request = good;  // a request, not a response
    request[1] = 0x01;
    request[0] = 0x00;
    EXPECT_FALSE(stun::parseBindingResponse(request, kRfcId));

    auto shortLength = good;  // the length field disagrees with the datagram
    shortLength[3] = 0x38;
    EXPECT_FALSE(stun::parseBindingResponse(shortLength, kRfcId));

    auto cut = good;  // an attribute that runs past the end
    cut[22] = 0x00;
    cut[23] = 0x40;
    EXPECT_FALSE(stun::parseBindingResponse(cut, kRfcId));

    auto badFamily = good;  // XOR-MAPPED-ADDRESS with family 3
    badFamily[41] = 0x03;
    EXPECT_FALSE(stun::parseBindingResponse(badFamily, kRfcId));

    auto unknownRequired = good;  // SOFTWARE retyped as an unknown comprehension-required 0x7022
    unknownRequired[20] = 0x70;
    EXPECT_FALSE(stun::parseBindingResponse(unknownRequired, kRfcId));

    EXPECT_FALSE(stun::parseBindingResponse(std::span(good).first(19), kRfcId));
    EXPECT_FALSE(stun::parseBindingRequest(good));
}

// Scripted servers: each answers a Binding request by the script.
Result<std::vector<detect::Candidate>> askStun(std::uint16_t port, std::chrono::milliseconds timeout = 1500ms,
                                               std::string host = "127.0.0.1",
                                               AddressFamily family = AddressFamily::V4) {
    detect::StunOptions options;
    options.server = {std::move(host), port};
    options.timeout = timeout;
    options.retransmitAfter = 200ms;
    detect::StunSource source(options);
    return source.detect(family);
}

std::optional<stun::TransactionId> idOf(std::span<const std::uint8_t> request) {
    return stun::parseBindingRequest(request);
}

TEST(StunSource, IgnoresWrongTransactionAndCookieThenTakesTheRightReply) {
    ScriptedUdpPeer peer([](std::span<const std::uint8_t> request, const ScriptedUdpPeer::Io& io) {
        const auto id = idOf(request);
        if (!id) return;
        auto other = *id;
        other[0] ^= 0xFF;
        io.send(stun::encodeBindingResponse(other, ip("192.0.2.66"), 1));
        auto badCookie = stun::encodeBindingResponse(*id, ip("192.0.2.67"), 1);
        badCookie[4] ^= 1;
        io.send(badCookie);
        io.send(std::vector<std::uint8_t>{0x01, 0x01, 0x00});
        io.sendFromOther(stun::encodeBindingResponse(*id, ip("192.0.2.68"), 1));  // right id, wrong source
        io.send(stun::encodeBindingResponse(*id, ip("203.0.113.9"), 40000));
    });
    const auto found = askStun(peer.port());
    ASSERT_TRUE(found) << found.message();
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ(found->front().address, ip("203.0.113.9"));
}

TEST(StunSource, OnlyForgedRepliesEndInATimeoutError) {
    ScriptedUdpPeer peer([](std::span<const std::uint8_t> request, const ScriptedUdpPeer::Io& io) {
        auto id = idOf(request);
        if (!id) return;
        (*id)[5] ^= 0x10;
        io.send(stun::encodeBindingResponse(*id, ip("192.0.2.66"), 1));
    });
    const auto started = std::chrono::steady_clock::now();
    const auto found = askStun(peer.port(), 600ms);
    ASSERT_FALSE(found);
    EXPECT_NE(found.message().find("wrong transaction id"), std::string::npos) << found.message();
    EXPECT_GE(std::chrono::steady_clock::now() - started, 550ms);
}

TEST(StunSource, RetransmitsWhenTheFirstRequestIsLost) {
    ScriptedUdpPeer peer([count = 0](std::span<const std::uint8_t> request, const ScriptedUdpPeer::Io& io) mutable {
        if (++count == 1) return;  // "lost"
        if (const auto id = idOf(request)) io.send(stun::encodeBindingResponse(*id, ip("198.51.100.20"), 5));
    });
    const auto found = askStun(peer.port());
    ASSERT_TRUE(found) << found.message();
    EXPECT_EQ(found->front().address, ip("198.51.100.20"));
    EXPECT_GE(peer.requests(), 2);
}

TEST(StunSource, AMappedAddressOfTheOtherFamilyIsNotAnAnswer) {
    ScriptedUdpPeer peer([](std::span<const std::uint8_t> request, const ScriptedUdpPeer::Io& io) {
        if (const auto id = idOf(request)) io.send(stun::encodeBindingResponse(*id, ip("2001:db8::5"), 5));
    });
    const auto found = askStun(peer.port(), 500ms);
    ASSERT_FALSE(found);
    EXPECT_NE(found.message().find("other family"), std::string::npos) << found.message();
}

TEST(StunSource, SilenceIsATimeout) {
    ScriptedUdpPeer peer([](std::span<const std::uint8_t>, const ScriptedUdpPeer::Io&) {});
    const auto found = askStun(peer.port(), 700ms);
    ASSERT_FALSE(found);
    EXPECT_NE(found.message().find("within 700 ms"), std::string::npos) << found.message();
    EXPECT_GE(peer.requests(), 2);  // sent at 0 and 200 ms (and 600 ms)
    EXPECT_LE(peer.requests(), 3);
}

using StunAgainstServer = EchoServerTest;

TEST_F(StunAgainstServer, QdynServerReportsTheLoopbackAddressOfEitherFamily) {
    const auto v4 = askStun(port("stun"));
    ASSERT_TRUE(v4) << v4.message();
    EXPECT_EQ(v4->front().address, ip("127.0.0.1"));
    const auto v6 = askStun(port("stun", "::1"), 1500ms, "::1", AddressFamily::V6);
    ASSERT_TRUE(v6) << v6.message();
    EXPECT_EQ(v6->front().address, ip("::1"));
}

TEST(StunDefaults, PublicServersAreDataOnly) {
    ASSERT_FALSE(detect::defaultStunServers().empty());
    for (const auto& server : detect::defaultStunServers())
        EXPECT_NE(server.port, 0);
}

}  // namespace detect_stun_test
}  // namespace
}  // namespace qdyn::test
