// The echo receive loop: one datagram at a time, answered at once or not at all.
#include "net/udp_echo_listener.hpp"

#include <boost/asio/buffer.hpp>

#include "net/asio_address.hpp"
#include "net/udp_socket.hpp"

namespace qdyn::server {

namespace asio = boost::asio;

UdpEchoListener::UdpEchoListener(asio::io_context& io, Answer answer, const RateLimitOptions& limits,
                                 std::size_t maxRequest)
    : m_socket(io), m_answer(std::move(answer)), m_buffer(maxRequest), m_limiter(limits) {}

Result<std::shared_ptr<UdpEchoListener>> UdpEchoListener::open(asio::io_context& io, const ListenAddress& where,
                                                               std::string kind, Answer answer,
                                                               const RateLimitOptions& limits, std::size_t maxRequest) {
    auto listener = std::make_shared<UdpEchoListener>(io, std::move(answer), limits, maxRequest);
    auto port = openUdpSocket(listener->m_socket, where, kind);
    if (!port) return port.error();
    listener->m_port = *port;
    return listener;
}

void UdpEchoListener::start() { receive(); }

void UdpEchoListener::stop() {
    boost::system::error_code ignored;
    m_socket.close(ignored);
}

void UdpEchoListener::receive() {
    m_socket.async_receive_from(asio::buffer(m_buffer), m_peer,
                                [self = shared_from_this()](const boost::system::error_code& error, std::size_t size) {
                                    self->onReceive(error, size);
                                });
}

void UdpEchoListener::onReceive(const boost::system::error_code& error, std::size_t size) {
    if (error == asio::error::operation_aborted || !m_socket.is_open()) return;
    // Other errors (an ICMP port-unreachable reported as ECONNREFUSED) concern one peer, never
    // the socket: keep serving.
    if (!error) {
        const auto peer = toIpAddress(m_peer.address());
        const auto answer = m_answer(std::span<const std::uint8_t>(m_buffer.data(), size), peer, m_peer.port());
        if (answer && m_limiter.check(peer, RateLimiter::Clock::now()) == RateDecision::Allow) {
            // A full send buffer drops the answer, as the network could: the client asks again.
            boost::system::error_code ignored;
            m_socket.send_to(asio::buffer(*answer), m_peer, 0, ignored);
        }
    }
    receive();
}

}  // namespace qdyn::server
