// DNS over TCP (RFC 1035 4.2.2, RFC 7766): 2-byte length framing, pipelined queries answered in
// order, idle and slow-client timeouts, and a connection cap that evicts the oldest connection
// so slow clients can never lock new ones out. Runs on the server's single io thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "dns/dns_reply.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

struct TcpLimits {
    // Waiting for the next message, and for the peer to take a reply that is being written.
    std::chrono::milliseconds idleTimeout{10000};
    // From the first byte of a message to its last; not extended by each trickled byte, so a
    // slowloris client cannot hold a connection open with a half-sent message.
    std::chrono::milliseconds messageTimeout{10000};
    std::size_t maxConnections = 256;
    // Unsent reply bytes per connection before reading pauses: a client that pipelines but never
    // reads must not make the server buffer without bound.
    std::size_t maxQueuedBytes = 256 * 1024;
};

class TcpConnection;

class TcpListener : public std::enable_shared_from_this<TcpListener> {
public:
    // The answer to one message, now or later; empty means "drop", which closes the connection.
    // Later replies may overtake earlier ones (RFC 7766 6.2.1.1: clients match by ID).
    using Handler = std::function<DnsReply(std::span<const std::uint8_t> query, const IpAddress& peer)>;

    // Binds and listens now, so errors surface from Server::start; serving begins with start().
    static Result<std::shared_ptr<TcpListener>> open(boost::asio::io_context& io, const ListenAddress& where,
                                                     Handler handler, TcpLimits limits = {});

    TcpListener(boost::asio::io_context& io, Handler handler, TcpLimits limits);

    [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }
    void start();
    // Stops accepting and closes every connection. Call from the io thread (or when it does not run).
    void stop();

private:
    void accept();
    void onAccept(const boost::system::error_code& error, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& m_io;
    boost::asio::ip::tcp::acceptor m_acceptor;
    boost::asio::steady_timer m_retryTimer;
    // Shared with the connections, which may outlive the listener by a few completion handlers.
    std::shared_ptr<const Handler> m_handler;
    TcpLimits m_limits;
    std::deque<std::weak_ptr<TcpConnection>> m_connections;  // oldest first; io thread only
    std::uint16_t m_port = 0;
    bool m_stopped = false;
};

}  // namespace qdyn::server
