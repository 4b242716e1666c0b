// A TCP (or TLS) listener for line protocols: accepts connections, frames LF-terminated lines
// under a length cap, hands them one at a time to the connection's LineSession and writes each
// reply with a single write, in order. Idle clients are dropped, a connection cap refuses new
// connections beyond it, and a reply that acknowledges a write waits until that write is
// durable. Runs on the server's single io thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/tls_context.hpp"
#include "line/line_session.hpp"
#include "qdyn/result.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

class LineConnectionBase;

class LineListener : public std::enable_shared_from_this<LineListener> {
public:
    // Calls `then(ok)` on the io thread once `ticket` is durable (ok) or its write failed.
    using AfterDurable = std::function<void(Store::Ticket ticket, std::function<void(bool ok)> then)>;

    // Binds and listens now, so errors surface from Server::start; serving begins with start().
    // `kind` names the listener in errors and log lines ("qdns", "miniupdate"). With a TLS
    // context every connection starts with a TLS handshake (implicit TLS).
    static Result<std::shared_ptr<LineListener>> open(boost::asio::io_context& io, const ListenAddress& where,
                                                      std::string kind, LineSessionFactory factory,
                                                      AfterDurable afterDurable, LineLimits limits = {},
                                                      std::shared_ptr<TlsContext> tls = nullptr);

    LineListener(boost::asio::io_context& io, std::string kind, LineSessionFactory factory, AfterDurable afterDurable,
                 LineLimits limits, std::shared_ptr<TlsContext> tls);

    [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }
    [[nodiscard]] const std::string& kind() const noexcept { return m_kind; }
    // A reload's new certificate: connections accepted from now on use it. Io thread only.
    void setTlsContext(std::shared_ptr<TlsContext> tls) { m_tls = std::move(tls); }
    void start();
    // Stops accepting and closes every connection. Call from the io thread (or when it does not run).
    void stop();

private:
    void accept();
    void onAccept(const boost::system::error_code& error, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& m_io;
    boost::asio::ip::tcp::acceptor m_acceptor;
    boost::asio::steady_timer m_retryTimer;
    std::string m_kind;
    // Shared with the connections, which may outlive the listener by a few completion handlers.
    std::shared_ptr<const LineSessionFactory> m_factory;
    std::shared_ptr<const AfterDurable> m_afterDurable;
    LineLimits m_limits;
    std::shared_ptr<TlsContext> m_tls;
    std::vector<std::weak_ptr<LineConnectionBase>> m_connections;  // io thread only
    std::uint16_t m_port = 0;
    bool m_stopped = false;
};

}  // namespace qdyn::server
