// The UDP listener's batch wait: a round of kBusyRound datagrams or more (a busy socket) is
// followed by one short wait before the next round; a quiet socket and a wait of 0 never wait;
// every datagram is answered either way. And its segmentation: a round's replies to one peer
// go out in groups and arrive whole and apart. The datagrams are queued before the listener's io
// context runs, so the rounds it takes are known.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "dns/udp_listener.hpp"
#include "loopback_socket.hpp"
#include "socket_api.hpp"
#include "test_values.hpp"

namespace {
namespace server_udp_batch_test {

using namespace qdyn::server;
using namespace std::chrono_literals;
using qdyn::test::kNoSocket;
using qdyn::test::SocketHandle;

// The batch wait and segmented replies exist where the listener receives with recvmmsg and the
// kernel has UDP_SEGMENT: on Linux only (dns/udp_listener.hpp), so the tests of them skip
// elsewhere. There every datagram is taken and answered alone, which the tests without a wait or
// without segmentation still check.
#ifndef __linux__
#define QDYN_LINUX_ONLY_SKIP GTEST_SKIP() << "the UDP listener batches (recvmmsg, UDP_SEGMENT) on Linux only"
#endif

// What the listener sent back: every reply by the index it answers, whole, and its counters.
struct Exchanged {
    std::uint64_t waits = 0;
    std::uint64_t segmented = 0;
    bool segmenting = false;
    std::map<int, std::vector<std::uint8_t>> replies;
    std::set<int> answered() const {
        std::set<int> indexes;
        for (const auto& [index, bytes] : replies) indexes.insert(index);
        return indexes;
    }
};

// The reply to datagram `index`: its two octets, then `index % 3 * 10 + 30` more that tell it
// apart, so replies come in three sizes and any cut or mix-up shows.
std::vector<std::uint8_t> replyFor(int index) {
    std::vector<std::uint8_t> bytes = {static_cast<std::uint8_t>(index >> 8), static_cast<std::uint8_t>(index & 0xff)};
    for (int i = 0; i < index % 3 * 10 + 30; ++i) bytes.push_back(static_cast<std::uint8_t>(index * 7 + i));
    return bytes;
}

// The listener's own socket, found by its port among this process's descriptors.
SocketHandle socketOnPort(std::uint16_t port) {
    for (int candidate = 0; candidate < 4096; ++candidate) {
        const auto fd = static_cast<SocketHandle>(candidate);
        ::sockaddr_in local{};
        ::socklen_t length = sizeof local;
        if (::getsockname(fd, reinterpret_cast<::sockaddr*>(&local), &length) == 0 && local.sin_family == AF_INET &&
            ntohs(local.sin_port) == port) {
            return fd;
        }
    }
    return kNoSocket;
}

// Sends `count` datagrams (each its own index, two octets) from one socket, runs the listener
// until it has answered them all (or 5 s went by), and returns what came back. `prepare` gets
// the listener's socket before the datagrams go.
Exchanged exchange(int count, UdpListener::Options options, const std::function<void(SocketHandle)>& prepare = {}) {
    boost::asio::io_context io;
    auto listener = UdpListener::open(
        io, ListenAddress{qdyn::test::ip("127.0.0.1"), 0},
        [](std::span<const std::uint8_t> query, const qdyn::IpAddress&) {
            return DnsReply(query.size() == 2 ? replyFor(query[0] << 8 | query[1]) : std::vector<std::uint8_t>());
        },
        options);
    EXPECT_TRUE(listener) << listener.message();
    if (!listener) return {};
    if (prepare) prepare(socketOnPort((*listener)->port()));
    const qdyn::test::Fd client(qdyn::test::openSocket(AF_INET, SOCK_DGRAM));
    ::sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons((*listener)->port());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < count; ++i) {
        const std::uint8_t bytes[2] = {static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i & 0xff)};
        const auto sent =
            qdyn::test::sendTo(client.get(), bytes, sizeof bytes, reinterpret_cast<const ::sockaddr*>(&to), sizeof to);
        EXPECT_EQ(sent, 2);
    }
    (*listener)->start();
    Exchanged out;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (static_cast<int>(out.replies.size()) < count && std::chrono::steady_clock::now() < deadline) {
        io.run_for(20ms);
        qdyn::test::PollEntry ready{client.get(), POLLIN, 0};
        while (qdyn::test::pollSockets(&ready, 1, 0) == 1) {
            std::vector<std::uint8_t> reply(65536);
            const auto n = qdyn::test::receiveBytes(client.get(), reply.data(), reply.size());
            if (n < 2) continue;
            reply.resize(static_cast<std::size_t>(n));
            EXPECT_TRUE(out.replies.emplace(reply[0] << 8 | reply[1], reply).second) << "a reply came twice";
        }
    }
    (*listener)->stop();
    out.waits = (*listener)->batchWaits();
    out.segmented = (*listener)->segmentedDatagrams();
    out.segmenting = (*listener)->segmenting();
    return out;
}

Exchanged exchange(int count, std::chrono::microseconds wait) { return exchange(count, UdpListener::Options{wait}); }

std::set<int> upTo(int count) {
    std::set<int> all;
    for (int i = 0; i < count; ++i) all.insert(i);
    return all;
}

TEST(UdpBatchWait, ABusyRoundIsFollowedByOneWait) {
#ifndef __linux__
    QDYN_LINUX_ONLY_SKIP;
#else
    static_assert(UdpListener::kBusyRound == 4);
    const auto got = exchange(20, 200us);  // one round of 20, a wait, an empty round
    EXPECT_EQ(got.waits, 1U);
    EXPECT_EQ(got.answered(), upTo(20));
#endif
}

TEST(UdpBatchWait, FullRoundsGoOnAtOnceAndThePartialOneWaits) {
#ifndef __linux__
    QDYN_LINUX_ONLY_SKIP;
#else
    const auto got = exchange(100, 200us);  // 64 at once, then 36, a wait, nothing
    EXPECT_EQ(got.waits, 1U);
    EXPECT_EQ(got.answered(), upTo(100));
#endif
}

TEST(UdpBatchWait, AQuietSocketNeverWaits) {
    const auto got = exchange(3, 200us);
    EXPECT_EQ(got.waits, 0U);
    EXPECT_EQ(got.answered(), upTo(3));
}

TEST(UdpBatchWait, ZeroTurnsTheWaitOff) {
    const auto got = exchange(20, 0us);
    EXPECT_EQ(got.waits, 0U);
    EXPECT_EQ(got.answered(), upTo(20));
}

// Segmentation: the replies of one round to the one client go out in groups, and each still
// arrives as its own datagram with its own bytes. Linux has had UDP_SEGMENT since 4.18: a kernel
// without it fails here, loudly, rather than the listener quietly sending one reply at a time.
TEST(UdpSegmentation, ARoundsRepliesToOnePeerArriveWholeAndApart) {
#ifndef __linux__
    QDYN_LINUX_ONLY_SKIP;
#else
    const auto got = exchange(60, UdpListener::Options{0us, true});
    EXPECT_TRUE(got.segmenting) << "the kernel refused UDP_SEGMENT";
    ASSERT_EQ(got.answered(), upTo(60));
    for (const auto& [index, bytes] : got.replies) EXPECT_EQ(bytes, replyFor(index)) << "reply " << index;
    // One round of 60 replies in three sizes to one peer: three groups, all of them segmented.
    EXPECT_EQ(got.segmented, 60U);
#endif
}

TEST(UdpSegmentation, AGroupTheSocketCannotSendGoesOneByOne) {
#ifndef __linux__
    QDYN_LINUX_ONLY_SKIP;
#else
    // Without UDP checksums (SO_NO_CHECK, Linux's own option) the kernel refuses a segmented
    // message (EINVAL): every reply still arrives, whole, and later rounds still try groups
    // (another peer's may go).
    const auto got = exchange(60, UdpListener::Options{0us, true}, [](SocketHandle fd) {
        ASSERT_NE(fd, kNoSocket) << "the listener's socket was not found";
        ASSERT_TRUE(qdyn::test::setIntOption(fd, SOL_SOCKET, SO_NO_CHECK, 1)) << qdyn::test::lastSocketError();
    });
    EXPECT_TRUE(got.segmenting);
    EXPECT_EQ(got.segmented, 0U);
    ASSERT_EQ(got.answered(), upTo(60));
    for (const auto& [index, bytes] : got.replies) EXPECT_EQ(bytes, replyFor(index)) << "reply " << index;
#endif
}

TEST(UdpSegmentation, OffEveryReplyGoesAlone) {
    const auto got = exchange(60, UdpListener::Options{0us, false});
    EXPECT_FALSE(got.segmenting);
    EXPECT_EQ(got.segmented, 0U);
    ASSERT_EQ(got.answered(), upTo(60));
    for (const auto& [index, bytes] : got.replies) EXPECT_EQ(bytes, replyFor(index)) << "reply " << index;
}

}  // namespace server_udp_batch_test
}  // namespace

#undef QDYN_LINUX_ONLY_SKIP  // a unity build goes on with the next file
