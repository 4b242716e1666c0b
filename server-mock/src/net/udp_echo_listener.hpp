// A UDP listener that answers a datagram at once or not at all, with the answers rate limited
// per source prefix (what is over the limit is dropped): the shape of the echo services for
// address detection (miniDNS's myip, STUN). A UDP source can be spoofed, so without the limit
// such a port would be a reflector aimed at whoever's address an attacker writes in.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/rate_limiter.hpp"

namespace qdyn::server {

class UdpEchoListener : public std::enable_shared_from_this<UdpEchoListener> {
public:
    // The answer to one datagram from peer:port, or nullopt for silence. Only datagrams that
    // get an answer count against the limit: ignored ones cost nothing.
    using Answer = std::function<std::optional<std::vector<std::uint8_t>>(std::span<const std::uint8_t> request,
                                                                          const IpAddress& peer, std::uint16_t port)>;

    // Binds now (so errors surface from Server::start); serving begins with start(). A datagram
    // longer than `maxRequest` arrives cut to that size (and so malformed for the answer).
    static Result<std::shared_ptr<UdpEchoListener>> open(boost::asio::io_context& io, const ListenAddress& where,
                                                         std::string kind, Answer answer,
                                                         const RateLimitOptions& limits, std::size_t maxRequest);

    UdpEchoListener(boost::asio::io_context& io, Answer answer, const RateLimitOptions& limits, std::size_t maxRequest);

    [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }
    void start();
    // Closes the socket; call from the io thread (or when it does not run).
    void stop();

private:
    void receive();
    void onReceive(const boost::system::error_code& error, std::size_t size);

    boost::asio::ip::udp::socket m_socket;
    boost::asio::ip::udp::endpoint m_peer;
    Answer m_answer;
    std::vector<std::uint8_t> m_buffer;
    RateLimiter m_limiter;  // io thread only
    std::uint16_t m_port = 0;
};

}  // namespace qdyn::server
