// The UDP receive loop. Replies go out directly when the socket has room, else asynchronously
// with their own buffer so the next datagram can be received while one is still being sent.
#include "dns/udp_listener.hpp"

#include <exception>

#include <boost/asio/buffer.hpp>

#ifdef __linux__
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#endif

#include "log.hpp"
#include "net/asio_address.hpp"
#include "net/udp_socket.hpp"
#include "qdyn_server/server.hpp"

namespace qdyn::server {

namespace asio = boost::asio;
using asio::ip::udp;

#ifdef __linux__
// Room for kBatch datagrams of any size, their sources, and the answers of one round.
struct UdpListener::Batch {
    static constexpr std::size_t kDatagram = 65536;  // nothing silently cut (and then misparsed)
    std::vector<std::uint8_t> buffers = std::vector<std::uint8_t>(kBatch * kDatagram);
    std::array<::mmsghdr, kBatch> in{};
    std::array<::iovec, kBatch> inVec{};
    std::array<::sockaddr_storage, kBatch> peers{};
    std::array<::mmsghdr, kBatch> out{};
    std::array<::iovec, kBatch> outVec{};
    std::array<std::vector<std::uint8_t>, kBatch> answers{};
    std::array<udp::endpoint, kBatch> destinations{};

    Batch() {
        for (std::size_t i = 0; i < kBatch; ++i) {
            inVec[i] = {buffers.data() + i * kDatagram, kDatagram};
            in[i].msg_hdr.msg_iov = &inVec[i];
            in[i].msg_hdr.msg_iovlen = 1;
        }
    }
};
#endif

UdpListener::UdpListener(asio::io_context& io, Handler handler) : m_socket(io), m_handler(std::move(handler)) {}

Result<std::shared_ptr<UdpListener>> UdpListener::open(asio::io_context& io, const ListenAddress& where,
                                                       Handler handler, std::chrono::microseconds batchWait) {
    auto listener = std::make_shared<UdpListener>(io, std::move(handler));
    auto port = openUdpSocket(listener->m_socket, where, "dns-udp");
    if (!port) return port.error();
    listener->m_port = *port;
#ifdef __linux__
    listener->m_batch = std::make_unique<Batch>();
    if (batchWait.count() > 0) {  // converted once, not at every wait
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(batchWait);
        listener->m_batchWait = ::timespec{static_cast<::time_t>(seconds.count()),
                                           static_cast<long>(std::chrono::nanoseconds(batchWait - seconds).count())};
    }
#else
    (void)batchWait;  // one datagram per receive: there is no batch to fill
#endif
    return listener;
}

void UdpListener::start() { receive(); }

void UdpListener::stop() {
    boost::system::error_code ignored;
    m_socket.close(ignored);
}

void UdpListener::send(std::vector<std::uint8_t> reply, const udp::endpoint& peer) {
    if (reply.empty() || !m_socket.is_open()) return;
    // Straight out when the socket buffer has room (nearly always): no allocation, no
    // completion to run. Only a full buffer waits for the reactor.
    boost::system::error_code error;
    m_socket.send_to(asio::buffer(reply), peer, 0, error);
    if (error != asio::error::would_block && error != asio::error::try_again) return;
    auto owned = std::make_shared<std::vector<std::uint8_t>>(std::move(reply));
    m_socket.async_send_to(asio::buffer(*owned), peer,
                           [self = shared_from_this(), owned](const boost::system::error_code&, std::size_t) {});
}

std::vector<std::uint8_t> UdpListener::answer(std::span<const std::uint8_t> query, const udp::endpoint& peer) {
    try {
        auto reply = m_handler(query, toIpAddress(peer.address()));
        if (reply.later) {
            reply.later([self = shared_from_this(), peer](std::vector<std::uint8_t> bytes) {
                self->send(std::move(bytes), peer);
            });
            return {};
        }
        if (reply.stream) return reply.stream();  // a datagram carries one message
        return std::move(reply.wire);
    } catch (const std::exception& e) {
        logLine(std::string("dns-udp: query from ") + toIpAddress(peer.address()).toString() + " failed: " + e.what());
        return {};
    }
}

#ifdef __linux__

void UdpListener::receive() {
    m_socket.async_wait(udp::socket::wait_read,
                        [self = shared_from_this()](const boost::system::error_code& error) { self->onReadable(error); });
}

void UdpListener::onReadable(const boost::system::error_code& error) {
    if (error == asio::error::operation_aborted || !m_socket.is_open()) return;
    if (!error) drain();
    receive();
}

void UdpListener::drain() {
    auto& batch = *m_batch;
    const int fd = m_socket.native_handle();
    // A few rounds at most, then back to the reactor so TCP and HTTP get their turn.
    constexpr int kRounds = 8;
    for (int round = 0; round < kRounds; ++round) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            batch.in[i].msg_hdr.msg_name = &batch.peers[i];
            batch.in[i].msg_hdr.msg_namelen = sizeof(::sockaddr_storage);
            batch.in[i].msg_hdr.msg_flags = 0;
        }
        const int received = ::recvmmsg(fd, batch.in.data(), kBatch, MSG_DONTWAIT, nullptr);
        // EAGAIN: drained. Other errors (ICMP port-unreachable reported as ECONNREFUSED)
        // concern one peer, never the socket: the reactor tries again.
        if (received <= 0) return;
        std::size_t answers = 0;
        for (std::size_t i = 0; i < static_cast<std::size_t>(received); ++i) {
            udp::endpoint peer;
            const auto length = batch.in[i].msg_hdr.msg_namelen;
            if (length == 0 || length > peer.capacity()) continue;
            std::memcpy(peer.data(), &batch.peers[i], length);
            peer.resize(length);
            const std::span<const std::uint8_t> query(static_cast<const std::uint8_t*>(batch.inVec[i].iov_base),
                                                      batch.in[i].msg_len);
            auto bytes = answer(query, peer);
            if (bytes.empty()) continue;
            batch.answers[answers] = std::move(bytes);
            batch.destinations[answers] = peer;
            batch.outVec[answers] = {batch.answers[answers].data(), batch.answers[answers].size()};
            auto& header = batch.out[answers].msg_hdr;
            header = {};
            header.msg_name = batch.destinations[answers].data();
            header.msg_namelen = static_cast<::socklen_t>(batch.destinations[answers].size());
            header.msg_iov = &batch.outVec[answers];
            header.msg_iovlen = 1;
            ++answers;
        }
        std::size_t sent = 0;
        while (sent < answers) {
            const int n = ::sendmmsg(fd, batch.out.data() + sent, static_cast<unsigned>(answers - sent), MSG_DONTWAIT);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                ++sent;  // this peer's answer cannot go (unreachable): skip it, keep the others
                continue;
            }
            break;
        }
        // A full socket buffer: the rest waits for the reactor, each with its own buffer.
        for (; sent < answers; ++sent) send(std::move(batch.answers[sent]), batch.destinations[sent]);
        if (static_cast<std::size_t>(received) == kBatch) continue;  // more is waiting: at once
        // Quiet: back to the reactor. Busy: more is on its way; take it in one round a little
        // later (the rounds bound how long TCP and HTTP wait for their turn).
        if (static_cast<std::size_t>(received) < kBusyRound || !m_batchWait) return;
        ::clock_nanosleep(CLOCK_MONOTONIC, 0, &*m_batchWait, nullptr);
        ++m_batchWaits;
    }
}

#else

void UdpListener::receive() {
    m_socket.async_receive_from(asio::buffer(m_buffer), m_peer,
                                [self = shared_from_this()](const boost::system::error_code& error, std::size_t size) {
                                    self->onReceive(error, size);
                                });
}

void UdpListener::onReceive(const boost::system::error_code& error, std::size_t size) {
    if (error == asio::error::operation_aborted || !m_socket.is_open()) return;
    // Other errors (ICMP port-unreachable reported as ECONNREFUSED on Linux) concern one peer,
    // never the socket: keep serving.
    if (!error) send(answer(std::span<const std::uint8_t>(m_buffer.data(), size), m_peer), m_peer);
    receive();
}

#endif

}  // namespace qdyn::server
