// The protocol side of a line-based TCP front end (QDNS, miniupdate, GnuDIP over TCP): one
// LineSession per connection turns each received line into one reply. The listener
// (line_listener.hpp) owns the socket, the limits and the timers; a session only speaks.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "qdyn/ip_address.hpp"
#include "qdyn_server/store.hpp"

namespace qdyn::server {

// What to send for one line. The text goes out with a single write, LF-terminated.
struct LineReply {
    std::string text;          // without the line feed; empty: send nothing
    bool close = false;        // close the connection once the text is written
    // A write that must be durable before `text` goes out (0: none). When it fails, `failure`
    // is sent instead (and the connection closed when failureCloses).
    Store::Ticket ticket = 0;
    std::string failure;
    bool failureCloses = false;
    std::string log;           // one line for the server log (never a secret); empty: none

    static LineReply say(std::string text) { return LineReply{std::move(text), false, 0, {}, false, {}}; }
    static LineReply sayAndClose(std::string text) { return LineReply{std::move(text), true, 0, {}, false, {}}; }
};

struct LinePeer {
    IpAddress address;
    std::uint16_t port = 0;
    bool tls = false;  // the connection came through a TLS listener
};

class LineSession {
public:
    LineSession() = default;
    LineSession(const LineSession&) = delete;
    LineSession& operator=(const LineSession&) = delete;
    virtual ~LineSession() = default;

    // Sent on connect (miniupdate's banner, GnuDIP's salt); empty: the client speaks first.
    [[nodiscard]] virtual std::string greeting() { return {}; }
    // One complete line, without its LF (and without a CR right before it).
    virtual LineReply onLine(std::string_view line) = 0;
    // The client sent more than the line limit without a line feed; the connection closes after
    // this reply whatever it says.
    virtual LineReply onOverlong() = 0;
    // No complete line within the idle time; the connection closes after this reply.
    virtual LineReply onIdle() { return {}; }
};

using LineSessionFactory = std::function<std::unique_ptr<LineSession>(const LinePeer& peer)>;

struct LineLimits {
    std::size_t maxLine = 512;            // octets of one line, its terminator included
    std::chrono::milliseconds idleTimeout{30000};  // waiting for a complete line, or for a reply to be taken
    std::size_t maxConnections = 256;     // over it, a new connection is closed at once
};

}  // namespace qdyn::server
