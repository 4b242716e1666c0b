// The myip receive loop: one datagram at a time (a check is one tiny datagram every few
// minutes per client), answered at once or not at all.
#include "line/myip_udp.hpp"

#include <boost/asio/buffer.hpp>
#include <chrono>
#include <string_view>

#include "net/asio_address.hpp"
#include "net/udp_socket.hpp"
#include "qdyn_server/server.hpp"

namespace qdyn::server {

namespace asio = boost::asio;
using asio::ip::udp;

RateLimitOptions MyipUdp::limits() {
    RateLimitOptions options;
    options.responsesPerSecond = kAnswersPerSecond;
    options.burst = kBurst;
    options.slip = 0;          // a truncated answer means nothing here: drop
    options.tableSize = 4096;  // prefixes remembered; a busy one keeps its slot (rate_limiter.hpp)
    return options;
}

std::optional<std::string> MyipUdp::answerFor(std::span<const std::uint8_t> request, const IpAddress& peer) {
    const std::string_view text(reinterpret_cast<const char*>(request.data()), request.size());
    if (!text.empty() && text != "\n" && text != "\r\n") return std::nullopt;
    return peer.toString() + "\n";
}

MyipUdp::MyipUdp(asio::io_context& io, const RateLimitOptions& limits) : m_socket(io), m_limiter(limits) {}

Result<std::shared_ptr<MyipUdp>> MyipUdp::open(asio::io_context& io, const ListenAddress& where) {
    auto listener = std::make_shared<MyipUdp>(io, limits());
    auto port = openUdpSocket(listener->m_socket, where, "myip");
    if (!port) return port.error();
    listener->m_port = *port;
    return listener;
}

void MyipUdp::start() {
    receive();
}

void MyipUdp::stop() {
    boost::system::error_code ignored;
    m_socket.close(ignored);
}

void MyipUdp::receive() {
    m_socket.async_receive_from(asio::buffer(m_buffer), m_peer,
                                [self = shared_from_this()](const boost::system::error_code& error, std::size_t size) {
                                    self->onReceive(error, size);
                                });
}

void MyipUdp::onReceive(const boost::system::error_code& error, std::size_t size) {
    if (error == asio::error::operation_aborted || !m_socket.is_open()) return;
    // Other errors (an ICMP port-unreachable reported as ECONNREFUSED) concern one peer, never
    // the socket: keep serving.
    if (!error) {
        const auto peer = toIpAddress(m_peer.address());
        const auto answer = answerFor(std::span<const std::uint8_t>(m_buffer.data(), size), peer);
        // Only datagrams that get an answer count against the limit: ignored ones cost nothing.
        if (answer && m_limiter.check(peer, RateLimiter::Clock::now()) == RateDecision::Allow) {
            // A full send buffer drops the answer, as the network could: the client asks again.
            boost::system::error_code ignored;
            m_socket.send_to(asio::buffer(*answer), m_peer, 0, ignored);
        }
    }
    receive();
}

}  // namespace qdyn::server
