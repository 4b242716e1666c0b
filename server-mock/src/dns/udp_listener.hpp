// DNS over UDP: one socket, one receive loop; each datagram is answered by the handler (the
// responder over the current zone snapshot). Runs on the server's io_context.
//
// On Linux the loop takes up to kBatch datagrams per system call (recvmmsg) once the socket is
// readable and sends their answers with one sendmmsg: under load the system calls, not the
// answers, are what a UDP query costs. Elsewhere it receives one datagram at a time.
//
// Under load the loop also waits a little (the batch wait) before the next round once a round
// took kBusyRound datagrams or more, the way a network card moderates its interrupts: the next
// round then takes a fuller batch, and each query costs fewer system calls and wake-ups of this
// thread. A quiet socket never waits: a round of fewer datagrams goes back to the reactor.
//
// The answers of a round to one peer go out in segmented groups where the kernel can (see
// net/udp_segments.hpp): a resolver's burst costs one trip through the network stack per group
// instead of one per answer.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "dns/dns_reply.hpp"
#include "net/udp_segments.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

class UdpListener : public std::enable_shared_from_this<UdpListener> {
public:
    // The reply to send back (empty to stay silent), now or later.
    using Handler = std::function<DnsReply(std::span<const std::uint8_t> query, const IpAddress& peer)>;

    struct Options {
        std::chrono::microseconds batchWait{0};  // 0: never waits between rounds
        bool segmentation = true;                // groups answers where the kernel can (Linux)
    };

    // Binds now (so errors surface from Server::start); serving begins with start().
    static Result<std::shared_ptr<UdpListener>> open(boost::asio::io_context& io, const ListenAddress& where,
                                                     Handler handler, Options options);
    // A round of at least this many datagrams means a busy socket (see above).
    static constexpr std::size_t kBusyRound = 4;

    [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }
    // Batch waits so far (io thread only).
    [[nodiscard]] std::uint64_t batchWaits() const noexcept { return m_batchWaits; }
    // Answers sent in segmented groups so far (io thread only).
    [[nodiscard]] std::uint64_t segmentedDatagrams() const noexcept { return m_segmentedDatagrams; }
    // Whether answers are grouped now: asked for, and the kernel takes it (io thread only).
    [[nodiscard]] bool segmenting() const noexcept { return m_segmentation; }
    void start();
    // Closes the socket; call from the io thread (or when it does not run).
    void stop();

    UdpListener(boost::asio::io_context& io, Handler handler);

private:
    void receive();
    void send(std::vector<std::uint8_t> reply, const boost::asio::ip::udp::endpoint& peer);
    // Answers one datagram: the bytes to send at once (empty: none, or sent later).
    std::vector<std::uint8_t> answer(std::span<const std::uint8_t> query, const boost::asio::ip::udp::endpoint& peer);
#ifdef __linux__
    static constexpr std::size_t kBatch = 64;
    struct Batch;
    void onReadable(const boost::system::error_code& error);
    // Answers what the socket holds, a few rounds at most.
    void drain();
    // Sends the round's first `answers` answers, grouped; what cannot go now goes through send().
    void sendAnswers(std::size_t answers);
    void sendAlone(const SegmentGroup& group);
    std::unique_ptr<Batch> m_batch;  // the buffers of one recvmmsg/sendmmsg round
    std::optional<::timespec> m_batchWait;  // none: never waits
#else
    void onReceive(const boost::system::error_code& error, std::size_t size);
    boost::asio::ip::udp::endpoint m_peer;
    // Big enough for any datagram, so nothing is silently cut (and then misparsed).
    std::array<std::uint8_t, 65536> m_buffer{};
#endif

    boost::asio::ip::udp::socket m_socket;
    Handler m_handler;
    std::uint16_t m_port = 0;
    std::uint64_t m_batchWaits = 0;
    std::uint64_t m_segmentedDatagrams = 0;
    bool m_segmentation = false;  // set by open() where the kernel segments UDP
};

}  // namespace qdyn::server
