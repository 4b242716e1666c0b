// The line connection state machine: one line at a time. A complete line goes to the session,
// its reply is written (after its durable write, when it acknowledges one), and only then is
// the next line taken, from what is already buffered or from a new read. Pipelining clients
// get their replies in order, and the input held per connection never exceeds one line plus
// one read.
#include "line/line_listener.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <type_traits>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include "log.hpp"
#include "net/asio_address.hpp"
#include "net/tcp_acceptor.hpp"
#include "qdyn_server/server.hpp"

namespace qdyn::server {

namespace asio = boost::asio;
using asio::ip::tcp;

// What the listener needs of a connection, whatever its stream.
class LineConnectionBase {
public:
    LineConnectionBase() = default;
    LineConnectionBase(const LineConnectionBase&) = delete;
    LineConnectionBase& operator=(const LineConnectionBase&) = delete;
    virtual ~LineConnectionBase() = default;
    virtual void start() = 0;
    virtual void close() = 0;
    [[nodiscard]] virtual bool isOpen() const noexcept = 0;
};

namespace {

using PlainLineStream = tcp::socket;
using TlsLineStream = asio::ssl::stream<tcp::socket>;

template <class Stream>
constexpr bool kIsTlsLine = std::is_same_v<Stream, TlsLineStream>;

// What every connection of one listener shares with it.
struct Shared {
    std::string kind;
    std::shared_ptr<const LineSessionFactory> factory;
    std::shared_ptr<const LineListener::AfterDurable> afterDurable;
    LineLimits limits;
};

template <class Stream>
class LineConnection final : public LineConnectionBase, public std::enable_shared_from_this<LineConnection<Stream>> {
public:
    template <class... TlsArgs>
    LineConnection(tcp::socket socket, Shared shared, TlsArgs&... tls)
        : m_stream(std::move(socket), tls...), m_timer(m_stream.get_executor()), m_shared(std::move(shared)) {
        boost::system::error_code error;
        const auto remote = lowest().remote_endpoint(error);
        if (!error) {
            m_peer.address = toIpAddress(remote.address());
            m_peer.port = remote.port();
            m_peerText = formatEndpoint(m_peer.address, remote.port());
        }
        m_peer.tls = kIsTlsLine<Stream>;
        // Replies are single short lines written back to back.
        lowest().set_option(tcp::no_delay(true), error);
    }

    void start() override {
        armTimer();
        if constexpr (kIsTlsLine<Stream>) {
            m_stream.async_handshake(asio::ssl::stream_base::server,
                                     [self = this->shared_from_this()](const boost::system::error_code& error) {
                                         if (self->m_closed) return;
                                         if (error) {
                                             if (error != asio::error::operation_aborted) {
                                                 self->log("handshake failed: " + error.message());
                                             }
                                             return self->close();
                                         }
                                         self->begin();
                                     });
        } else {
            begin();
        }
    }

    void close() override {
        if (m_closed) return;
        m_closed = true;
        m_timer.cancel();
        boost::system::error_code ignored;
        lowest().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().close(ignored);
    }

    [[nodiscard]] bool isOpen() const noexcept override { return !m_closed; }

private:
    tcp::socket& lowest() {
        if constexpr (kIsTlsLine<Stream>) {
            return m_stream.next_layer();
        } else {
            return m_stream;
        }
    }

    void log(const std::string& text) const { logLine(m_shared.kind + " " + m_peerText + " " + text); }

    void begin() {
        try {
            m_session = (*m_shared.factory)(m_peer);
        } catch (const std::exception& e) {
            log(std::string("session failed to start: ") + e.what());
        }
        if (!m_session) return close();
        auto greeting = m_session->greeting();
        if (greeting.empty()) return next();
        send(LineReply::say(std::move(greeting)));
    }

    // The next line: from the buffer when a whole one is there, else after another read.
    void next() {
        if (m_closed) return;
        const auto end = std::find(m_input.begin(), m_input.end(), '\n');
        if (end != m_input.end()) {
            const auto length = static_cast<std::size_t>(end - m_input.begin());
            if (length + 1 > m_shared.limits.maxLine) return overlong();
            std::string_view line(m_input.data(), length);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            LineReply reply;
            try {
                reply = m_session->onLine(line);
            } catch (const std::exception& e) {
                log(std::string("line failed: ") + e.what());
                return close();
            }
            m_input.erase(m_input.begin(), end + 1);
            return answer(std::move(reply));
        }
        if (m_input.size() >= m_shared.limits.maxLine) return overlong();
        read();
    }

    void overlong() {
        m_input.clear();
        auto reply = m_session->onOverlong();
        reply.close = true;
        reply.ticket = 0;
        send(std::move(reply));
    }

    // The reply to a line: at once, or once its write is durable.
    void answer(LineReply reply) {
        if (!reply.log.empty()) log(reply.log);
        if (reply.ticket == 0) return send(std::move(reply));
        m_timer.cancel();  // the store bounds this wait, not the client
        const auto ticket = reply.ticket;
        (*m_shared.afterDurable)(ticket, [self = this->shared_from_this(), reply = std::move(reply)](bool ok) mutable {
            if (self->m_closed) return;
            if (!ok) {
                reply.text = std::move(reply.failure);
                reply.close = reply.failureCloses;
            }
            self->send(std::move(reply));
        });
    }

    void send(LineReply reply) {
        if (m_closed) return;
        if (reply.text.empty()) {
            if (reply.close) return close();
            return next();
        }
        m_output = std::move(reply.text);
        m_output.push_back('\n');
        m_closeAfterWrite = reply.close;
        m_writing = true;
        armTimer();  // the client must take its reply within the idle time too
        asio::async_write(m_stream, asio::buffer(m_output),
                          [self = this->shared_from_this()](const boost::system::error_code& error, std::size_t) {
                              self->m_writing = false;
                              if (self->m_closed) return;
                              if (error || self->m_closeAfterWrite) return self->close();
                              self->armTimer();  // a fresh idle time for the next line
                              self->next();
                          });
    }

    void read() {
        m_stream.async_read_some(asio::buffer(m_chunk),
                                 [self = this->shared_from_this()](const boost::system::error_code& error, std::size_t size) {
                                     // Closing after the idle reply: what comes now is not read.
                                     if (self->m_closed || self->m_idleClosing) return;
                                     // EOF, a reset or stop(): a partial line left is no command.
                                     if (error) return self->close();
                                     self->m_input.append(self->m_chunk.data(), size);
                                     self->next();
                                 });
    }

    void armTimer() {
        m_timer.expires_after(m_shared.limits.idleTimeout);
        m_timer.async_wait([self = this->shared_from_this()](const boost::system::error_code& error) {
            // A wait that completed just before the timer was re-armed still arrives without an
            // error; only a deadline that has really passed counts.
            if (error || self->m_closed || self->m_timer.expiry() > asio::steady_timer::clock_type::now()) return;
            self->idle();
        });
    }

    // The idle time ran out: say so if the session has something to say, then close. A client
    // that is not taking its reply gets nothing more.
    void idle() {
        if (m_writing || m_idleClosing || !m_session) return close();
        auto reply = m_session->onIdle();
        if (!reply.log.empty()) log(reply.log);
        if (reply.text.empty()) return close();
        reply.close = true;
        reply.ticket = 0;
        m_idleClosing = true;
        send(std::move(reply));
    }

    Stream m_stream;
    asio::steady_timer m_timer;
    Shared m_shared;
    LinePeer m_peer;
    std::string m_peerText = "?";
    std::unique_ptr<LineSession> m_session;
    std::array<char, 2048> m_chunk{};
    std::string m_input;   // received octets not yet taken as lines
    std::string m_output;  // the reply being written
    bool m_closeAfterWrite = false;
    bool m_writing = false;
    bool m_idleClosing = false;  // the idle reply is going out; the read still pending is ignored
    bool m_closed = false;
};

}  // namespace

LineListener::LineListener(asio::io_context& io, std::string kind, LineSessionFactory factory, AfterDurable afterDurable,
                           LineLimits limits, std::shared_ptr<TlsContext> tls)
    : m_io(io),
      m_acceptor(io),
      m_retryTimer(io),
      m_kind(std::move(kind)),
      m_factory(std::make_shared<const LineSessionFactory>(std::move(factory))),
      m_afterDurable(std::make_shared<const AfterDurable>(std::move(afterDurable))),
      m_limits(limits),
      m_tls(std::move(tls)) {}

Result<std::shared_ptr<LineListener>> LineListener::open(asio::io_context& io, const ListenAddress& where, std::string kind,
                                                         LineSessionFactory factory, AfterDurable afterDurable,
                                                         LineLimits limits, std::shared_ptr<TlsContext> tls) {
    auto listener = std::make_shared<LineListener>(io, std::move(kind), std::move(factory), std::move(afterDurable),
                                                   limits, std::move(tls));
    auto port = openTcpAcceptor(listener->m_acceptor, where, listener->m_kind);
    if (!port) return port.error();
    listener->m_port = *port;
    return listener;
}

void LineListener::start() { accept(); }

void LineListener::stop() {
    m_stopped = true;
    boost::system::error_code ignored;
    m_acceptor.close(ignored);
    m_retryTimer.cancel();
    for (const auto& weak : m_connections) {
        if (auto connection = weak.lock()) connection->close();
    }
    m_connections.clear();
}

void LineListener::accept() {
    m_acceptor.async_accept(m_io, [self = shared_from_this()](const boost::system::error_code& error, tcp::socket socket) {
        self->onAccept(error, std::move(socket));
    });
}

void LineListener::onAccept(const boost::system::error_code& error, tcp::socket socket) {
    if (m_stopped || error == asio::error::operation_aborted) return;
    if (error) {
        // Usually out of file descriptors: wait a little instead of spinning on the error.
        logLine(m_kind + ": accept failed: " + error.message());
        m_retryTimer.expires_after(std::chrono::milliseconds(100));
        m_retryTimer.async_wait([self = shared_from_this()](const boost::system::error_code& waitError) {
            if (!waitError && !self->m_stopped) self->accept();
        });
        return;
    }
    std::erase_if(m_connections, [](const std::weak_ptr<LineConnectionBase>& weak) {
        const auto connection = weak.lock();
        return !connection || !connection->isOpen();
    });
    if (m_connections.size() >= m_limits.maxConnections) {
        // A line session is short (a login and a few commands): the newcomer waits and retries,
        // the sessions under way finish.
        boost::system::error_code ignored;
        socket.close(ignored);
    } else {
        Shared shared{m_kind, m_factory, m_afterDurable, m_limits};
        std::shared_ptr<LineConnectionBase> connection;
        if (m_tls) {
            connection = std::make_shared<LineConnection<TlsLineStream>>(std::move(socket), std::move(shared), *m_tls);
        } else {
            connection = std::make_shared<LineConnection<PlainLineStream>>(std::move(socket), shared);
        }
        m_connections.push_back(connection);
        connection->start();
    }
    accept();
}

}  // namespace qdyn::server
