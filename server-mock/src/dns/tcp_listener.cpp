// The TCP connection state machine. Reads never wait for writes (RFC 7766 6.2.1.1 pipelining):
// every complete message in the input is answered at once and its reply queued, and the queue
// is written one framed reply at a time, so replies leave in query order. A multi-message reply
// (a zone transfer) holds its place in the queue and makes each message only once the previous
// one is written.
#include "dns/tcp_listener.hpp"

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include "log.hpp"
#include "net/asio_address.hpp"
#include "net/tcp_acceptor.hpp"
#include "qdyn_server/server.hpp"

namespace qdyn::server {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::size_t kLengthPrefix = 2;
constexpr std::size_t kMaxMessage = 65535;
// What a queued stream counts against maxQueuedBytes before its first message is made: it holds
// a zone snapshot, so a client pipelining transfers must not queue them without bound.
constexpr std::size_t kStreamReserve = 16384;

}  // namespace

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
public:
    TcpConnection(tcp::socket socket, std::shared_ptr<const TcpListener::Handler> handler, const TcpLimits& limits)
        : m_socket(std::move(socket)),
          m_readTimer(m_socket.get_executor()),
          m_writeTimer(m_socket.get_executor()),
          m_handler(std::move(handler)),
          m_limits(limits) {
        boost::system::error_code error;
        const auto remote = m_socket.remote_endpoint(error);
        if (!error) {
            m_peer = toIpAddress(remote.address());
            m_peerText = formatEndpoint(m_peer, remote.port());
        }
        // Replies are small and written back to back; Nagle would hold the second one back
        // until the first is acknowledged.
        m_socket.set_option(tcp::no_delay(true), error);
    }

    void start() {
        armReadTimer(m_limits.idleTimeout);
        read();
    }

    [[nodiscard]] bool isOpen() const noexcept { return !m_closed; }

    void close() {
        if (m_closed) return;
        m_closed = true;
        m_readTimer.cancel();
        m_writeTimer.cancel();
        boost::system::error_code ignored;
        m_socket.shutdown(tcp::socket::shutdown_both, ignored);
        m_socket.close(ignored);
    }

private:
    void read() {
        m_reading = true;
        m_socket.async_read_some(asio::buffer(m_chunk),
                                 [self = shared_from_this()](const boost::system::error_code& error, std::size_t size) {
                                     self->onRead(error, size);
                                 });
    }

    void onRead(const boost::system::error_code& error, std::size_t size) {
        m_reading = false;
        if (m_closed) return;
        // A client may half-close after its last query (RFC 7766 6.2.1): the replies still
        // queued are owed, then the connection ends. A reset or a cancel ends it at once.
        if (error == asio::error::eof) {
            m_draining = true;
            m_readTimer.cancel();
            if (m_output.empty() && m_pending == 0) close();
            return;
        }
        if (error) return close();
        m_input.insert(m_input.end(), m_chunk.begin(), m_chunk.begin() + static_cast<std::ptrdiff_t>(size));

        const bool completedAny = answerCompleteMessages();
        if (m_closed) return;
        if (m_draining) {
            // No more reads; the timers still bound how long the queued replies may take.
            m_readTimer.cancel();
            if (m_output.empty() && m_pending == 0) close();
            return;
        }
        if (m_input.empty()) {
            m_inMessage = false;
            armReadTimer(m_limits.idleTimeout);
        } else if (completedAny || !m_inMessage) {
            // A new message has begun: its whole body must arrive within messageTimeout.
            m_inMessage = true;
            armReadTimer(m_limits.messageTimeout);
        }
        if (m_queuedBytes < m_limits.maxQueuedBytes) return read();
        // Paused until the peer takes its replies: the write timer now bounds the wait, and a
        // client working through a long backlog is not idle.
        m_readTimer.cancel();
    }

    // Answers every complete message in m_input and queues the replies; keeps a partial tail.
    // Returns whether at least one message was complete.
    bool answerCompleteMessages() {
        std::size_t at = 0;
        bool completedAny = false;
        // The replies to everything in this read go out together (one gathered write), not
        // one system call each.
        m_holdWrites = true;
        while (!m_draining && !m_closed && m_input.size() - at >= kLengthPrefix) {
            const std::size_t length = static_cast<std::size_t>(m_input[at]) << 8U | m_input[at + 1];
            // A zero length is not a message (and would stall the framing): end the connection.
            if (length == 0) {
                m_draining = true;
                break;
            }
            if (m_input.size() - at - kLengthPrefix < length) break;
            const std::span<const std::uint8_t> query(m_input.data() + at + kLengthPrefix, length);
            at += kLengthPrefix + length;
            completedAny = true;
            DnsReply reply;
            try {
                reply = (*m_handler)(query, m_peer);
            } catch (const std::exception& e) {
                logLine("dns-tcp: query from " + m_peerText + " failed: " + e.what());
            }
            if (reply.stream) {
                queueStream(std::move(reply.stream));
                continue;
            }
            if (reply.later) {
                ++m_pending;
                reply.later([self = shared_from_this()](std::vector<std::uint8_t> bytes) { self->onLateReply(std::move(bytes)); });
                continue;
            }
            // The responder drops what it cannot answer (not a query); over TCP the only way to
            // stay silent without stalling a pipelining client is to end the connection.
            if (reply.wire.empty() || reply.wire.size() > kMaxMessage) {
                m_draining = true;
                break;
            }
            queueReply(std::move(reply.wire));
        }
        m_input.erase(m_input.begin(), m_input.begin() + static_cast<std::ptrdiff_t>(at));
        m_holdWrites = false;
        if (!m_writing && !m_closed) write();
        return completedAny;
    }

    void onLateReply(std::vector<std::uint8_t> reply) {
        --m_pending;
        if (m_closed) return;
        if (reply.empty() || reply.size() > kMaxMessage) m_draining = true;
        if (!reply.empty() && reply.size() <= kMaxMessage) return queueReply(std::move(reply));
        if (m_draining && m_output.empty() && m_pending == 0) close();
    }

    static std::vector<std::uint8_t> frame(const std::vector<std::uint8_t>& reply) {
        std::vector<std::uint8_t> framed;
        framed.reserve(kLengthPrefix + reply.size());
        framed.push_back(static_cast<std::uint8_t>(reply.size() >> 8U));
        framed.push_back(static_cast<std::uint8_t>(reply.size() & 0xFFU));
        framed.insert(framed.end(), reply.begin(), reply.end());
        return framed;
    }

    void queueReply(std::vector<std::uint8_t> reply) {
        auto framed = frame(reply);
        m_queuedBytes += framed.size();
        m_output.push_back({std::move(framed), {}});
        if (!m_writing && !m_holdWrites) write();
    }

    void queueStream(DnsReply::Stream stream) {
        m_queuedBytes += kStreamReserve;
        m_output.push_back({{}, std::move(stream)});
        if (!m_writing && !m_holdWrites) write();
    }

    // Makes sure the front entry has bytes to write: pulls the next message of a stream, and
    // drops streams that are complete. False when nothing is left to write (or it closed).
    bool prepareFront() {
        while (!m_output.empty()) {
            auto& front = m_output.front();
            if (!front.framed.empty() || !front.stream) return true;
            std::vector<std::uint8_t> next;
            try {
                next = front.stream();
            } catch (const std::exception& e) {
                logLine("dns-tcp: reply stream to " + m_peerText + " failed: " + e.what());
                close();
                return false;
            }
            if (!next.empty() && next.size() <= kMaxMessage) {
                front.framed = frame(next);
                m_queuedBytes += front.framed.size();
                return true;
            }
            m_queuedBytes -= kStreamReserve;
            m_output.pop_front();
        }
        return false;
    }

    // Starts writing the front entry, if there is one. Never resumes reading itself: it is also
    // called from inside onRead.
    // A stream's message goes alone; plain replies queued one after another go in one gathered
    // write (up to kMaxGather of them).
    void write() {
        if (!prepareFront()) return;
        m_writing = true;
        armTimer(m_writeTimer, m_limits.idleTimeout);
        m_gather.clear();
        for (const auto& entry : m_output) {
            if (m_gather.size() == kMaxGather || (!m_gather.empty() && entry.stream)) break;
            m_gather.emplace_back(entry.framed.data(), entry.framed.size());
            if (entry.stream) break;
        }
        asio::async_write(m_socket, m_gather,
                          [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
                              self->onWrite(error);
                          });
    }

    void onWrite(const boost::system::error_code& error) {
        m_writing = false;
        if (m_closed) return;
        if (error) return close();
        for (std::size_t written = m_gather.size(); written > 0; --written) {
            auto& front = m_output.front();
            m_queuedBytes -= front.framed.size();
            // A stream stays at the front until it is complete; its next message is made only now.
            if (front.stream) {
                front.framed.clear();
            } else {
                m_output.pop_front();
            }
        }
        m_gather.clear();
        if (prepareFront()) return write();
        idle();
    }

    // Everything queued is written.
    void idle() {
        if (m_closed) return;
        m_writeTimer.cancel();
        if (m_draining && m_pending == 0) return close();
        // Reading paused while the queue was full; the peer is taking replies again.
        if (!m_reading && m_queuedBytes < m_limits.maxQueuedBytes) {
            armReadTimer(m_inMessage ? m_limits.messageTimeout : m_limits.idleTimeout);
            read();
        }
    }

    void armReadTimer(std::chrono::milliseconds timeout) { armTimer(m_readTimer, timeout); }

    void armTimer(asio::steady_timer& timer, std::chrono::milliseconds timeout) {
        timer.expires_after(timeout);
        timer.async_wait([self = shared_from_this(), &timer](const boost::system::error_code& error) {
            // A wait that completed just before the timer was re-armed still arrives without an
            // error; only a deadline that has really passed closes the connection.
            if (error || self->m_closed || timer.expiry() > asio::steady_timer::clock_type::now()) return;
            self->close();
        });
    }

    tcp::socket m_socket;
    asio::steady_timer m_readTimer;   // idle between messages, or the current message's deadline
    asio::steady_timer m_writeTimer;  // the reply being written
    std::shared_ptr<const TcpListener::Handler> m_handler;
    TcpLimits m_limits;
    IpAddress m_peer;
    std::string m_peerText = "?";
    std::array<std::uint8_t, 16384> m_chunk{};
    std::vector<std::uint8_t> m_input;               // received bytes not yet answered
    struct Outgoing {
        std::vector<std::uint8_t> framed;  // empty for a stream whose next message is not made yet
        DnsReply::Stream stream;           // set for a multi-message reply
    };
    std::deque<Outgoing> m_output;  // the front ones are being written
    static constexpr std::size_t kMaxGather = 64;
    std::vector<asio::const_buffer> m_gather;  // what the write in progress sends, front first
    std::size_t m_queuedBytes = 0;
    std::size_t m_pending = 0;  // replies promised for later (durable UPDATEs)
    bool m_reading = false;
    bool m_writing = false;
    bool m_holdWrites = false;  // answering a read: its replies are written together afterwards
    bool m_inMessage = false;  // m_input holds the start of a message and its deadline is armed
    bool m_draining = false;   // read no more; close once the queued replies are written
    bool m_closed = false;
};

TcpListener::TcpListener(asio::io_context& io, Handler handler, TcpLimits limits)
    : m_io(io),
      m_acceptor(io),
      m_retryTimer(io),
      m_handler(std::make_shared<const Handler>(std::move(handler))),
      m_limits(limits) {}

Result<std::shared_ptr<TcpListener>> TcpListener::open(asio::io_context& io, const ListenAddress& where,
                                                       Handler handler, TcpLimits limits) {
    auto listener = std::make_shared<TcpListener>(io, std::move(handler), limits);
    auto port = openTcpAcceptor(listener->m_acceptor, where, "dns-tcp");
    if (!port) return port.error();
    listener->m_port = *port;
    return listener;
}

void TcpListener::start() { accept(); }

void TcpListener::stop() {
    m_stopped = true;
    boost::system::error_code ignored;
    m_acceptor.close(ignored);
    m_retryTimer.cancel();
    for (const auto& weak : m_connections) {
        if (auto connection = weak.lock()) connection->close();
    }
    m_connections.clear();
}

void TcpListener::accept() {
    m_acceptor.async_accept(m_io, [self = shared_from_this()](const boost::system::error_code& error,
                                                              tcp::socket socket) {
        self->onAccept(error, std::move(socket));
    });
}

void TcpListener::onAccept(const boost::system::error_code& error, tcp::socket socket) {
    if (m_stopped || error == asio::error::operation_aborted) return;
    if (error) {
        // Usually out of file descriptors: wait a little instead of spinning on the error.
        logLine("dns-tcp: accept failed: " + error.message());
        m_retryTimer.expires_after(std::chrono::milliseconds(100));
        m_retryTimer.async_wait([self = shared_from_this()](const boost::system::error_code& waitError) {
            if (!waitError && !self->m_stopped) self->accept();
        });
        return;
    }
    std::erase_if(m_connections, [](const std::weak_ptr<TcpConnection>& weak) {
        const auto connection = weak.lock();
        return !connection || !connection->isOpen();
    });
    // At the cap the oldest connection makes room (as nanodnsd does): refusing the newcomer
    // instead would let a few slow clients that hold their connections lock everyone else out.
    while (!m_connections.empty() && m_connections.size() >= m_limits.maxConnections) {
        if (auto oldest = m_connections.front().lock()) oldest->close();
        m_connections.pop_front();
    }
    auto connection = std::make_shared<TcpConnection>(std::move(socket), m_handler, m_limits);
    m_connections.push_back(connection);
    connection->start();
    accept();
}

}  // namespace qdyn::server
