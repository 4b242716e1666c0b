// DNS over UDP: one socket, one receive loop; each datagram is answered by the handler (the
// responder over the current zone snapshot). Runs on the server's io_context.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "dns/dns_reply.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

class UdpListener : public std::enable_shared_from_this<UdpListener> {
public:
    // The reply to send back (empty to stay silent), now or later.
    using Handler = std::function<DnsReply(std::span<const std::uint8_t> query, const IpAddress& peer)>;

    // Binds now (so errors surface from Server::start); serving begins with start().
    static Result<std::shared_ptr<UdpListener>> open(boost::asio::io_context& io, const ListenAddress& where,
                                                     Handler handler);

    [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }
    void start();
    // Closes the socket; call from the io thread (or when it does not run).
    void stop();

    UdpListener(boost::asio::io_context& io, Handler handler);

private:
    void receive();
    void onReceive(const boost::system::error_code& error, std::size_t size);
    void send(std::vector<std::uint8_t> reply, const boost::asio::ip::udp::endpoint& peer);

    boost::asio::ip::udp::socket m_socket;
    Handler m_handler;
    boost::asio::ip::udp::endpoint m_peer;
    // Big enough for any datagram, so nothing is silently cut (and then misparsed).
    std::array<std::uint8_t, 65536> m_buffer{};
    std::uint16_t m_port = 0;
};

}  // namespace qdyn::server
