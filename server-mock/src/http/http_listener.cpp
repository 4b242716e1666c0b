// Beast sessions: read one request (within the header/body limits and the idle timeout), route
// it, write the reply, repeat while keep-alive holds. Everything runs on the server's single
// io thread, so sessions and the listener share state without locks; a second io thread would
// need a strand per session.
#include "http/http_listener.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <string>

#include <type_traits>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "http/reply_wire.hpp"
#include "http/request_info.hpp"
#include "log.hpp"
#include "net/asio_address.hpp"
#include "net/tcp_acceptor.hpp"
#include "qdyn_server/server.hpp"

namespace qdyn::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

// Beast's parser errors other than "the peer closed": the request itself was malformed.
bool isSyntaxError(const beast::error_code& error) {
    const auto& parserCategory = http::make_error_code(http::error::bad_method).category();
    return error.category() == parserCategory && error != http::error::end_of_stream &&
           error != http::error::partial_message && error != http::error::need_more;
}

}  // namespace

// What the listener needs of a session, whatever its stream.
class HttpSessionBase {
public:
    HttpSessionBase() = default;
    HttpSessionBase(const HttpSessionBase&) = delete;
    HttpSessionBase& operator=(const HttpSessionBase&) = delete;
    virtual ~HttpSessionBase() = default;
    virtual void start() = 0;
    virtual void stop() = 0;
};

namespace {

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;
// How a session's log lines start.
template <class Stream>
constexpr std::string_view kLogPrefix = kIsTls<Stream> ? "https " : "http ";

template <class Stream>
class HttpSession final : public HttpSessionBase, public std::enable_shared_from_this<HttpSession<Stream>> {
public:
    template <class... TlsArgs>
    HttpSession(tcp::socket socket, const HttpRouter& router, const HttpLimits& limits, TlsArgs&... tls)
        : m_stream(std::move(socket), tls...), m_router(router), m_limits(limits) {
        boost::system::error_code error;
        const auto remote = lowest().socket().remote_endpoint(error);
        if (!error) {
            m_peer = toIpAddress(remote.address());
            m_peerPort = remote.port();
            m_peerText = formatEndpoint(m_peer, remote.port());
        }
    }

    void start() override {
        if constexpr (kIsTls<Stream>) {
            // The handshake counts as reading the first request: a client that connects and
            // says nothing is dropped after the idle timeout either way.
            lowest().expires_after(m_limits.idleTimeout);
            m_stream.async_handshake(boost::asio::ssl::stream_base::server,
                                     [self = this->shared_from_this()](const beast::error_code& error) {
                                         if (error) {
                                             if (error != asio::error::operation_aborted) {
                                                 logLine(std::string(kLogPrefix<Stream>) + self->m_peerText +
                                                         " handshake failed: " + error.message());
                                             }
                                             return self->closeSocket();
                                         }
                                         self->read();
                                     });
        } else {
            read();
        }
    }

    void stop() override {
        m_stopping = true;
        if (m_writing) {
            lowest().expires_after(m_limits.stopGrace);
        } else {
            lowest().cancel();
        }
    }

private:
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(m_stream); }

    void read() {
        m_parser.emplace();
        m_parser->header_limit(m_limits.maxHeaderBytes);
        m_parser->body_limit(m_limits.maxBodyBytes);
        lowest().expires_after(m_limits.idleTimeout);
        http::async_read(m_stream, m_buffer, *m_parser,
                         [self = this->shared_from_this()](const beast::error_code& error, std::size_t) {
                             self->onRead(error);
                         });
    }

    void onRead(const beast::error_code& error) {
        if (error) {
            // The request was refused for its size or syntax: say why, then close. Timeouts,
            // resets, stop() and a clean close between requests just end the connection.
            if (error == http::error::header_limit) return replyAndClose(431, "request header too large\n");
            if (error == http::error::body_limit) return replyAndClose(413, "request body too large\n");
            if (isSyntaxError(error)) return replyAndClose(400, "bad request\n");
            return close();
        }
        const auto& request = m_parser->get();
        if (request.target().size() > m_limits.maxTargetBytes) return replyAndClose(414, "request target too long\n");
        const auto info = requestInfoFrom(request, m_peer, m_peerPort, kIsTls<Stream>);

        HttpReply reply;
        try {
            reply = m_router.dispatch(info);
        } catch (const std::exception& e) {
            reply = HttpReply{};
            reply.status = 500;
            reply.body = "911\n";
            reply.logSummary = std::string("handler failed: ") + e.what();
        }
        const auto path = std::string(info.target.substr(0, info.target.find('?')));
        const unsigned version = request.version();
        const bool keepAlive = request.keep_alive();
        const bool head = request.method() == http::verb::head;
        if (reply.later) {
            auto later = std::move(reply.later);
            m_writing = true;  // a reply is owed: stopping waits for it as for a write
            // Only what finish() needs is kept until the reply is ready, not the whole request.
            later([self = this->shared_from_this(), method = info.method, path, version, keepAlive, head](HttpReply final) {
                self->finish(method, path, final, version, keepAlive, head);
            });
            return;
        }
        finish(info.method, path, reply, version, keepAlive, head);
    }

    void finish(std::string_view method, std::string_view path, const HttpReply& reply, unsigned version,
                bool keepAlive, bool head) {
        // One buffer for the line instead of a temporary per part: this runs for every request.
        std::string line;
        line.reserve(kLogPrefix<Stream>.size() + m_peerText.size() + method.size() + path.size() + reply.logSummary.size() + 16);
        line.append(kLogPrefix<Stream>).append(m_peerText).append(" \"").append(method).append(" ").append(path);
        line.append("\" ").append(std::to_string(reply.status)).append(" ").append(reply.logSummary);
        logLine(line);
        write(reply, version, keepAlive && !m_stopping, head);
    }

    void replyAndClose(unsigned status, std::string body) {
        logLine(std::string(kLogPrefix<Stream>) + m_peerText + " rejected: " + std::to_string(status) +
                " " + body.substr(0, body.size() - 1));
        HttpReply reply;
        reply.status = status;
        reply.body = std::move(body);
        write(reply, 11, false, false);
    }

    void write(const HttpReply& reply, unsigned version, bool keepAlive, bool head) {
        writeReply(m_out, reply, version, keepAlive, head);
        m_keepAlive = keepAlive;
        m_writing = true;
        lowest().expires_after(m_stopping ? m_limits.stopGrace : m_limits.idleTimeout);
        asio::async_write(m_stream, asio::buffer(m_out),
                          [self = this->shared_from_this()](const beast::error_code& error, std::size_t) {
                              self->onWrite(error);
                          });
    }

    void onWrite(const beast::error_code& error) {
        m_writing = false;
        if (error || !m_keepAlive || m_stopping) return close();
        read();
    }

    void close() {
        if constexpr (kIsTls<Stream>) {
            // close_notify first, briefly, so the client can tell the end from a truncation.
            lowest().expires_after(m_limits.stopGrace);
            m_stream.async_shutdown([self = this->shared_from_this()](const beast::error_code&) { self->closeSocket(); });
        } else {
            closeSocket();
        }
    }

    void closeSocket() {
        beast::error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().close();
    }

    Stream m_stream;
    const HttpRouter& m_router;
    HttpLimits m_limits;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    std::string m_out;  // the reply being written; its capacity is kept for the next one
    bool m_keepAlive = false;
    IpAddress m_peer;
    std::uint16_t m_peerPort = 0;
    std::string m_peerText = "?";
    bool m_writing = false;
    bool m_stopping = false;
};

}  // namespace

HttpListener::HttpListener(asio::io_context& io, const HttpRouter& router, HttpLimits limits,
                           std::shared_ptr<TlsContext> tls)
    : m_io(io), m_acceptor(io), m_retryTimer(io), m_router(router), m_limits(limits), m_tls(std::move(tls)) {}

Result<std::shared_ptr<HttpListener>> HttpListener::open(asio::io_context& io, const ListenAddress& where,
                                                         const HttpRouter& router, HttpLimits limits,
                                                         std::shared_ptr<TlsContext> tls) {
    const bool secure = tls != nullptr;
    auto listener = std::make_shared<HttpListener>(io, router, limits, std::move(tls));
    auto port = openTcpAcceptor(listener->m_acceptor, where, secure ? "https" : "http");
    if (!port) return port.error();
    listener->m_port = *port;
    return listener;
}

void HttpListener::start() { accept(); }

void HttpListener::stop() {
    m_stopped = true;
    boost::system::error_code ignored;
    m_acceptor.close(ignored);
    m_retryTimer.cancel();
    for (const auto& weak : m_sessions) {
        if (auto session = weak.lock()) session->stop();
    }
    m_sessions.clear();
}

void HttpListener::accept() {
    m_acceptor.async_accept(m_io, [self = shared_from_this()](const boost::system::error_code& error,
                                                              tcp::socket socket) {
        self->onAccept(error, std::move(socket));
    });
}

void HttpListener::onAccept(const boost::system::error_code& error, tcp::socket socket) {
    if (m_stopped || error == asio::error::operation_aborted) return;
    if (error) {
        // Usually out of file descriptors: wait a little instead of spinning on the error.
        logLine("http: accept failed: " + error.message());
        m_retryTimer.expires_after(std::chrono::milliseconds(100));
        m_retryTimer.async_wait([self = shared_from_this()](const boost::system::error_code& waitError) {
            if (!waitError && !self->m_stopped) self->accept();
        });
        return;
    }
    std::erase_if(m_sessions, [](const std::weak_ptr<HttpSessionBase>& weak) { return weak.expired(); });
    if (m_sessions.size() >= m_limits.maxConnections) {
        // Over the cap: refuse by closing at once rather than letting slow clients pile up.
        boost::system::error_code ignored;
        socket.close(ignored);
    } else {
        std::shared_ptr<HttpSessionBase> session;
        if (m_tls) {
            session = std::make_shared<HttpSession<TlsStream>>(std::move(socket), m_router, m_limits, *m_tls);
        } else {
            session = std::make_shared<HttpSession<PlainStream>>(std::move(socket), m_router, m_limits);
        }
        m_sessions.push_back(session);
        session->start();
    }
    accept();
}

}  // namespace qdyn::server
