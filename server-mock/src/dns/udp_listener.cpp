// The UDP receive loop. Replies go out asynchronously with their own buffer so the next
// datagram can be received while one is still being sent.
#include "dns/udp_listener.hpp"

#include <exception>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/v6_only.hpp>

#include "log.hpp"
#include "net/asio_address.hpp"
#include "qdyn_server/server.hpp"

namespace qdyn::server {

namespace asio = boost::asio;
using asio::ip::udp;

UdpListener::UdpListener(asio::io_context& io, Handler handler) : m_socket(io), m_handler(std::move(handler)) {}

Result<std::shared_ptr<UdpListener>> UdpListener::open(asio::io_context& io, const ListenAddress& where,
                                                       Handler handler) {
    auto listener = std::make_shared<UdpListener>(io, std::move(handler));
    const udp::endpoint endpoint(toAsioAddress(where.address), where.port);
    auto fail = [&](const boost::system::error_code& error) -> Error {
        return makeError("dns-udp " + formatEndpoint(where.address, where.port) + ": " + error.message());
    };
    boost::system::error_code error;
    listener->m_socket.open(endpoint.protocol(), error);
    if (error) return fail(error);
    // Keep "::" from also taking IPv4, so "0.0.0.0:53" and "[::]:53" can both be listed.
    if (where.address.isV6()) listener->m_socket.set_option(asio::ip::v6_only(true), error);
    if (error) return fail(error);
    listener->m_socket.bind(endpoint, error);
    if (error) return fail(error);
    const auto local = listener->m_socket.local_endpoint(error);
    if (error) return fail(error);
    listener->m_port = local.port();
    // send() tries a direct send first and must never block the io thread.
    listener->m_socket.non_blocking(true, error);
    if (error) return fail(error);
    return listener;
}

void UdpListener::start() { receive(); }

void UdpListener::stop() {
    boost::system::error_code ignored;
    m_socket.close(ignored);
}

void UdpListener::receive() {
    m_socket.async_receive_from(asio::buffer(m_buffer), m_peer,
                                [self = shared_from_this()](const boost::system::error_code& error, std::size_t size) {
                                    self->onReceive(error, size);
                                });
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

void UdpListener::onReceive(const boost::system::error_code& error, std::size_t size) {
    if (error == asio::error::operation_aborted || !m_socket.is_open()) return;
    // Other errors (ICMP port-unreachable reported as ECONNREFUSED on Linux) concern one peer,
    // never the socket: keep serving.
    if (!error) {
        try {
            auto reply = m_handler(std::span<const std::uint8_t>(m_buffer.data(), size), toIpAddress(m_peer.address()));
            if (reply.later) {
                reply.later([self = shared_from_this(), peer = m_peer](std::vector<std::uint8_t> bytes) {
                    self->send(std::move(bytes), peer);
                });
            } else if (reply.stream) {
                send(reply.stream(), m_peer);  // a datagram carries one message
            } else {
                send(std::move(reply.wire), m_peer);
            }
        } catch (const std::exception& e) {
            logLine(std::string("dns-udp: query from ") + toIpAddress(m_peer.address()).toString() +
                    " failed: " + e.what());
        }
    }
    receive();
}

}  // namespace qdyn::server
