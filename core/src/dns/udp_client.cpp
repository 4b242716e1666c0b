// DNS over UDP with Boost.Asio: one socket per exchange, a deadline per attempt.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <array>
#include <functional>
#include <random>

#include "transport_detail.hpp"
#include "qdyn/dns/transport.hpp"

namespace qdyn::dns {

namespace asio = boost::asio;
using asio::ip::udp;

asio::ip::address toAsioAddress(const IpAddress& address) {
    if (address.isV4()) return asio::ip::address_v4(address.v4Bytes());
    return asio::ip::address_v6(address.v6Bytes());
}

namespace {

udp::endpoint toEndpoint(const ServerAddress& server) { return {toAsioAddress(server.address), server.port}; }

}  // namespace

std::uint16_t randomId() {
    static thread_local std::mt19937 generator{std::random_device{}()};
    return static_cast<std::uint16_t>(std::uniform_int_distribution<unsigned>(0, 0xffff)(generator));
}

bool replyMatches(const Message& query, const Message& reply) {
    if (!reply.header.qr || reply.header.id != query.header.id) return false;
    // A server that cannot parse the request (FORMERR, NOTIMP) may send no question back.
    return reply.questions == query.questions || (reply.questions.empty() && reply.header.rcode != Rcode::NoError);
}

Message makeQuery(const Name& name, std::uint16_t type) {
    Message query;
    query.header.id = randomId();
    query.questions.push_back(Question{name, type, rrclass::Internet});
    return query;
}

Result<Reply> exchangeUdpWire(const ServerAddress& server, const Message& query, std::span<const std::uint8_t> wire,
                              const QueryOptions& options) {
    const udp::endpoint target = toEndpoint(server);
    std::string lastError = "no answer";
    for (int attempt = 0; attempt < std::max(1, options.attempts); ++attempt) {
        asio::io_context io;
        udp::socket socket(io);
        boost::system::error_code ec;
        socket.open(target.protocol(), ec);
        if (ec) return makeError("DNS: cannot open a UDP socket: " + ec.message());
        socket.send_to(asio::buffer(wire.data(), wire.size()), target, 0, ec);
        if (ec) return makeError("DNS: cannot send to " + server.address.toString() + ": " + ec.message());

        std::array<std::uint8_t, 65535> buffer{};
        udp::endpoint from;
        std::optional<Reply> answer;
        std::function<void(const boost::system::error_code&, std::size_t)> onReceive;
        onReceive = [&](const boost::system::error_code& error, std::size_t size) {
            if (error) return;
            if (from == target) {
                const std::span<const std::uint8_t> received(buffer.data(), size);
                auto decoded = decodeMessage(received);
                if (decoded && replyMatches(query, *decoded)) {
                    answer = Reply{std::move(*decoded), std::vector<std::uint8_t>(received.begin(), received.end())};
                    return;
                }
                if (!decoded) lastError = "malformed answer: " + decoded.message();
            }
            socket.async_receive_from(asio::buffer(buffer), from, onReceive);
        };
        socket.async_receive_from(asio::buffer(buffer), from, onReceive);
        io.run_for(options.timeout);
        if (answer) return std::move(*answer);
        lastError = "timed out after " + std::to_string(options.timeout.count()) + " ms";
    }
    return makeError("DNS query to " + server.address.toString() + " port " + std::to_string(server.port) + ": " +
                     lastError);
}

Result<Message> exchangeUdp(const ServerAddress& server, const Message& query, const QueryOptions& options) {
    const std::vector<std::uint8_t> wire = encodeMessage(query);
    auto reply = exchangeUdpWire(server, query, wire, options);
    if (!reply) return reply.error();
    return std::move(reply->message);
}

Result<std::vector<IpAddress>> queryAddresses(const ServerAddress& server, const Name& name, std::uint16_t type,
                                              const QueryOptions& options) {
    auto reply = exchangeUdp(server, makeQuery(name, type), options);
    if (!reply) return reply.error();
    if (reply->header.rcode != Rcode::NoError) {
        return makeError("DNS query for " + name.toString() + " " + typeToString(type) + ": " +
                         std::string(toString(reply->header.rcode)));
    }
    std::vector<IpAddress> addresses;
    for (const auto& record : reply->answers) {
        if (!(record.name == name) || record.type != type) continue;
        if (const auto* a = std::get_if<AData>(&record.data)) addresses.push_back(IpAddress::fromV4(a->address));
        if (const auto* aaaa = std::get_if<AaaaData>(&record.data)) addresses.push_back(IpAddress::fromV6(aaaa->address));
    }
    return addresses;
}

}  // namespace qdyn::dns
