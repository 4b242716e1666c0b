// The UDP receive loop. Replies go out directly when the socket has room, else asynchronously
// with their own buffer so the next datagram can be received while one is still being sent.
#include "dns/udp_listener.hpp"

#include <exception>

#include <boost/asio/buffer.hpp>

#ifdef __linux__
#include <netinet/udp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#endif

#include "log.hpp"
#include "net/asio_address.hpp"
#include "net/udp_segments.hpp"
#include "net/udp_socket.hpp"
#include "qdyn_server/server.hpp"

namespace qdyn::server {

namespace asio = boost::asio;
using asio::ip::udp;

#ifdef __linux__
// Room for kBatch datagrams of any size, their sources, and the answers of one round, sent in
// groups (see net/udp_segments.hpp): out[g] is group g, its datagrams outVec[first...].
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
    std::array<OutgoingDatagram, kBatch> outgoing{};
    std::array<std::size_t, kBatch> order{};
    std::array<SegmentGroup, kBatch> groups{};
    // A group's UDP_SEGMENT control message, aligned as the CMSG macros expect.
    struct alignas(::cmsghdr) Control {
        std::array<char, CMSG_SPACE(sizeof(std::uint16_t))> bytes{};
    };
    std::array<Control, kBatch> controls{};

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
                                                       Handler handler, Options options) {
    auto listener = std::make_shared<UdpListener>(io, std::move(handler));
    auto port = openUdpSocket(listener->m_socket, where, "dns-udp");
    if (!port) return port.error();
    listener->m_port = *port;
#ifdef __linux__
    listener->m_batch = std::make_unique<Batch>();
    const auto wait = options.batchWait;
    if (wait.count() > 0) {  // converted once, not at every wait
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(wait);
        listener->m_batchWait = ::timespec{static_cast<::time_t>(seconds.count()),
                                           static_cast<long>(std::chrono::nanoseconds(wait - seconds).count())};
    }
    // A kernel without UDP_SEGMENT (before 4.18) would send a group as one datagram: ask first.
    // Setting it to 0 changes nothing; only a message's own size turns segmentation on.
    int none = 0;
    listener->m_segmentation = options.segmentation && ::setsockopt(listener->m_socket.native_handle(), SOL_UDP,
                                                                     UDP_SEGMENT, &none, sizeof none) == 0;
#else
    (void)options;  // one datagram per receive: there is no batch to fill or to group
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
            batch.outgoing[answers] = {{reinterpret_cast<const std::uint8_t*>(batch.destinations[answers].data()),
                                        batch.destinations[answers].size()},
                                       batch.answers[answers].size()};
            ++answers;
        }
        sendAnswers(answers);
        if (static_cast<std::size_t>(received) == kBatch) continue;  // more is waiting: at once
        // Quiet: back to the reactor. Busy: more is on its way; take it in one round a little
        // later (the rounds bound how long TCP and HTTP wait for their turn).
        if (static_cast<std::size_t>(received) < kBusyRound || !m_batchWait) return;
        ::clock_nanosleep(CLOCK_MONOTONIC, 0, &*m_batchWait, nullptr);
        ++m_batchWaits;
    }
}

// One sendmsg per group: several datagrams to one peer go as one segmented message.
void UdpListener::sendAnswers(std::size_t answers) {
    auto& batch = *m_batch;
    const std::size_t groups = planSegmentGroups(std::span(batch.outgoing.data(), answers), batch.order, batch.groups,
                                                 m_segmentation);
    for (std::size_t g = 0; g < groups; ++g) {
        const auto& group = batch.groups[g];
        for (std::size_t k = group.first; k < group.first + group.count; ++k) {
            auto& bytes = batch.answers[batch.order[k]];
            batch.outVec[k] = {bytes.data(), bytes.size()};
        }
        auto& header = batch.out[g].msg_hdr;
        header = {};
        auto& peer = batch.destinations[batch.order[group.first]];
        header.msg_name = peer.data();
        header.msg_namelen = static_cast<::socklen_t>(peer.size());
        header.msg_iov = &batch.outVec[group.first];
        header.msg_iovlen = group.count;
        if (group.count > 1) {
            header.msg_control = batch.controls[g].bytes.data();
            header.msg_controllen = batch.controls[g].bytes.size();
            auto* control = CMSG_FIRSTHDR(&header);
            control->cmsg_level = SOL_UDP;
            control->cmsg_type = UDP_SEGMENT;
            control->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
            const auto segmentSize = static_cast<std::uint16_t>(group.segmentSize);
            std::memcpy(CMSG_DATA(control), &segmentSize, sizeof segmentSize);
        }
    }
    const int fd = m_socket.native_handle();
    std::size_t sent = 0;
    while (sent < groups) {
        const int n = ::sendmmsg(fd, batch.out.data() + sent, static_cast<unsigned>(groups - sent), MSG_DONTWAIT);
        if (n > 0) {
            for (const auto end = sent + static_cast<std::size_t>(n); sent < end; ++sent) {
                if (batch.groups[sent].count > 1) m_segmentedDatagrams += batch.groups[sent].count;
            }
            continue;
        }
        const int error = n < 0 ? errno : 0;
        if (n == 0 || error == EAGAIN || error == EWOULDBLOCK) break;
        if (batch.groups[sent].count > 1) {
            // The route or socket cannot segment (IPsec or no checksum offload: EIO; checksums
            // off: EINVAL; a smaller MTU: EMSGSIZE): this group's datagrams go one by one, and
            // after EIO no group is made any more.
            if ((error == EIO || error == EOPNOTSUPP) && m_segmentation) {
                m_segmentation = false;
                logLine(std::string("dns-udp: sending several answers in one segmented message failed (") +
                        std::strerror(error) + "); they go one by one from now on");
            }
            sendAlone(batch.groups[sent]);
        }
        // A single answer that cannot go (its peer is unreachable) is skipped; the others go on.
        ++sent;
    }
    // A full socket buffer: the rest waits for the reactor, each with its own buffer.
    for (; sent < groups; ++sent) sendAlone(batch.groups[sent]);
}

void UdpListener::sendAlone(const SegmentGroup& group) {
    auto& batch = *m_batch;
    for (std::size_t k = group.first; k < group.first + group.count; ++k) {
        const auto index = batch.order[k];
        send(std::move(batch.answers[index]), batch.destinations[index]);
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
