// DNS over TCP with Boost.Asio (2-octet length framing), and the UDP-then-TCP exchange that
// RFC 2136 clients use: large requests and truncated replies go over TCP.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <optional>

#include "qdyn/dns/transport.hpp"
#include "transport_detail.hpp"

namespace qdyn::dns {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// RFC 1035 4.2.1: a UDP message is at most 512 octets without EDNS, which we do not send.
constexpr std::size_t kUdpLimit = 512;

// One attempt: connect, send, read the length and the reply, all under one deadline.
Result<Reply> tcpAttempt(const tcp::endpoint& target, std::span<const std::uint8_t> wire, const Message& query,
                         std::chrono::milliseconds timeout) {
    asio::io_context io;
    tcp::socket socket(io);
    std::vector<std::uint8_t> framed;
    framed.reserve(wire.size() + 2);
    framed.push_back(static_cast<std::uint8_t>(wire.size() >> 8));
    framed.push_back(static_cast<std::uint8_t>(wire.size() & 0xff));
    framed.insert(framed.end(), wire.begin(), wire.end());

    std::array<std::uint8_t, 2> lengthPrefix{};
    std::vector<std::uint8_t> body;
    std::optional<std::string> failure;
    bool done = false;

    auto fail = [&](const std::string& what, const boost::system::error_code& ec) {
        failure = what + ": " + ec.message();
    };
    socket.async_connect(target, [&](const boost::system::error_code& ec) {
        if (ec) return fail("connect", ec);
        asio::async_write(socket, asio::buffer(framed), [&](const boost::system::error_code& writeError, std::size_t) {
            if (writeError) return fail("send", writeError);
            asio::async_read(socket, asio::buffer(lengthPrefix), [&](const boost::system::error_code& readError, std::size_t) {
                if (readError) return fail("read", readError);
                body.resize((std::size_t{lengthPrefix[0]} << 8) | lengthPrefix[1]);
                asio::async_read(socket, asio::buffer(body), [&](const boost::system::error_code& bodyError, std::size_t) {
                    if (bodyError) return fail("read", bodyError);
                    done = true;
                });
            });
        });
    });
    io.run_for(timeout);
    if (failure) return makeError(*failure);
    if (!done) return makeError("timed out after " + std::to_string(timeout.count()) + " ms");
    auto decoded = decodeMessage(body);
    if (!decoded) return makeError("malformed answer: " + decoded.message());
    // One request per connection, so a reply that does not match is an error, not noise.
    if (!replyMatches(query, *decoded)) return makeError("the reply does not match the request");
    return Reply{std::move(*decoded), std::move(body)};
}

}  // namespace

Result<Reply> exchangeTcpWire(const ServerAddress& server, const Message& query, std::span<const std::uint8_t> wire,
                              const QueryOptions& options) {
    if (wire.size() > 0xffff) return makeError("DNS: message too large for TCP");
    const tcp::endpoint target(toAsioAddress(server.address), server.port);
    std::string lastError = "no answer";
    for (int attempt = 0; attempt < std::max(1, options.attempts); ++attempt) {
        auto reply = tcpAttempt(target, wire, query, options.timeout);
        if (reply) return reply;
        lastError = reply.message();
    }
    return makeError("DNS over TCP to " + server.address.toString() + " port " + std::to_string(server.port) + ": " +
                     lastError);
}

Result<Message> exchangeTcp(const ServerAddress& server, const Message& query, const QueryOptions& options) {
    const std::vector<std::uint8_t> wire = encodeMessage(query);
    auto reply = exchangeTcpWire(server, query, wire, options);
    if (!reply) return reply.error();
    return std::move(reply->message);
}

Result<Reply> exchangeWire(const ServerAddress& server, const Message& query, std::span<const std::uint8_t> wire,
                           const QueryOptions& options) {
    if (wire.size() > kUdpLimit) return exchangeTcpWire(server, query, wire, options);
    auto reply = exchangeUdpWire(server, query, wire, options);
    if (reply && reply->message.header.tc) return exchangeTcpWire(server, query, wire, options);
    return reply;
}

Result<Message> exchange(const ServerAddress& server, const Message& query, const QueryOptions& options) {
    const std::vector<std::uint8_t> wire = encodeMessage(query);
    auto reply = exchangeWire(server, query, wire, options);
    if (!reply) return reply.error();
    return std::move(reply->message);
}

}  // namespace qdyn::dns
