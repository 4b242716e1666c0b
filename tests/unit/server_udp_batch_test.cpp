// The UDP listener's batch wait: a round of kBusyRound datagrams or more (a busy socket) is
// followed by one short wait before the next round; a quiet socket and a wait of 0 never wait;
// every datagram is answered either way. The datagrams are queued before the listener's io
// context runs, so the rounds it takes are known.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <set>
#include <span>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "dns/udp_listener.hpp"
#include "loopback_socket.hpp"
#include "test_values.hpp"

namespace {
namespace server_udp_batch_test {

using namespace qdyn::server;
using namespace std::chrono_literals;

// Sends `count` datagrams (each its own index, two octets), runs the listener until it has
// answered them all (or 5 s went by), and returns the batch waits it made and the indexes
// answered.
std::pair<std::uint64_t, std::set<int>> exchange(int count, std::chrono::microseconds wait) {
    boost::asio::io_context io;
    auto listener = UdpListener::open(
        io, ListenAddress{qdyn::test::ip("127.0.0.1"), 0},
        [](std::span<const std::uint8_t> query, const qdyn::IpAddress&) {
            return DnsReply(std::vector<std::uint8_t>(query.begin(), query.end()));  // an echo
        },
        wait);
    EXPECT_TRUE(listener) << listener.message();
    if (!listener) return {};
    const qdyn::test::Fd client(::socket(AF_INET, SOCK_DGRAM, 0));
    ::sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons((*listener)->port());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < count; ++i) {
        const std::uint8_t bytes[2] = {static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i & 0xff)};
        EXPECT_EQ(::sendto(client.get(), bytes, sizeof bytes, 0, reinterpret_cast<const ::sockaddr*>(&to), sizeof to), 2);
    }
    (*listener)->start();
    std::set<int> answered;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (static_cast<int>(answered.size()) < count && std::chrono::steady_clock::now() < deadline) {
        io.run_for(20ms);
        ::pollfd ready{client.get(), POLLIN, 0};
        while (::poll(&ready, 1, 0) == 1) {
            std::uint8_t reply[16];
            if (::recv(client.get(), reply, sizeof reply, 0) == 2) answered.insert(reply[0] << 8 | reply[1]);
        }
    }
    (*listener)->stop();
    return {(*listener)->batchWaits(), answered};
}

std::set<int> upTo(int count) {
    std::set<int> all;
    for (int i = 0; i < count; ++i) all.insert(i);
    return all;
}

TEST(UdpBatchWait, ABusyRoundIsFollowedByOneWait) {
    static_assert(UdpListener::kBusyRound == 4);
    const auto [waits, answered] = exchange(20, 200us);  // one round of 20, a wait, an empty round
    EXPECT_EQ(waits, 1U);
    EXPECT_EQ(answered, upTo(20));
}

TEST(UdpBatchWait, FullRoundsGoOnAtOnceAndThePartialOneWaits) {
    const auto [waits, answered] = exchange(100, 200us);  // 64 at once, then 36, a wait, nothing
    EXPECT_EQ(waits, 1U);
    EXPECT_EQ(answered, upTo(100));
}

TEST(UdpBatchWait, AQuietSocketNeverWaits) {
    const auto [waits, answered] = exchange(3, 200us);
    EXPECT_EQ(waits, 0U);
    EXPECT_EQ(answered, upTo(3));
}

TEST(UdpBatchWait, ZeroTurnsTheWaitOff) {
    const auto [waits, answered] = exchange(20, 0us);
    EXPECT_EQ(waits, 0U);
    EXPECT_EQ(answered, upTo(20));
}

}  // namespace server_udp_batch_test
}  // namespace
