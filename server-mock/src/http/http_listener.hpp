// HTTP/1.0 and 1.1 front door for the update APIs: accepts connections, parses requests with
// strict limits, hands each one to the router and writes the reply. All Beast code lives in
// http_listener.cpp so the slow-to-compile headers stay in one translation unit.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/tls_context.hpp"
#include "qdyn/result.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/http_router.hpp"

namespace qdyn::server {

class HttpSessionBase;

struct HttpLimits {
    std::uint32_t maxHeaderBytes = 8 * 1024;
    std::uint32_t maxBodyBytes = 16 * 1024;
    std::uint32_t maxTargetBytes = 4096;  // the request target (path and query): 414 beyond
    std::chrono::seconds idleTimeout{30};  // per request (read) and per reply (write)
    std::chrono::seconds stopGrace{2};     // how long a reply in flight may take after stop()
    std::size_t maxConnections = 256;
};

class HttpListener : public std::enable_shared_from_this<HttpListener> {
public:
    // Binds and listens now, so errors surface from Server::start. The router must outlive
    // the io_context's run. With a TLS context the listener speaks HTTPS only.
    static Result<std::shared_ptr<HttpListener>> open(boost::asio::io_context& io, const ListenAddress& where,
                                                      const HttpRouter& router, HttpLimits limits = {},
                                                      std::shared_ptr<TlsContext> tls = nullptr);

    HttpListener(boost::asio::io_context& io, const HttpRouter& router, HttpLimits limits,
                 std::shared_ptr<TlsContext> tls);

    // A reload's new certificate: connections accepted from now on use it. Io thread only.
    void setTlsContext(std::shared_ptr<TlsContext> tls) { m_tls = std::move(tls); }

    [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }
    void start();
    // Stops accepting; idle connections close now, a reply in flight is finished first (within
    // stopGrace) and then its connection closes. Call from the io thread.
    void stop();

private:
    void accept();
    void onAccept(const boost::system::error_code& error, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& m_io;
    boost::asio::ip::tcp::acceptor m_acceptor;
    boost::asio::steady_timer m_retryTimer;
    const HttpRouter& m_router;
    HttpLimits m_limits;
    std::shared_ptr<TlsContext> m_tls;                        // null: plain HTTP
    std::vector<std::weak_ptr<HttpSessionBase>> m_sessions;  // touched only on the io thread
    std::uint16_t m_port = 0;
    bool m_stopped = false;
};

}  // namespace qdyn::server
