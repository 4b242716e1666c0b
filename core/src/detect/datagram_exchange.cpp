// The datagram exchange on Boost.Asio: one socket, one timer driving the resends, one
// io_context run for the whole deadline.
#include "datagram_exchange.hpp"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>

namespace qdyn::detect::detail {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// The first address of `target` in `family`: a literal as it is, a name through the resolver.
Result<udp::endpoint> resolve(asio::io_context& io, const DatagramTarget& target, AddressFamily family) {
    const udp protocol = family == AddressFamily::V4 ? udp::v4() : udp::v6();
    if (const auto literal = IpAddress::parse(target.host)) {
        if (literal->family() != family) {
            return makeError(target.host + " is not an " + (family == AddressFamily::V4 ? "IPv4" : "IPv6") +
                             " address");
        }
        if (literal->isV4()) return udp::endpoint(asio::ip::address_v4(literal->v4Bytes()), target.port);
        return udp::endpoint(asio::ip::address_v6(literal->v6Bytes()), target.port);
    }
    udp::resolver resolver(io);
    boost::system::error_code error;
    const auto results =
        resolver.resolve(protocol, target.host, std::to_string(target.port), udp::resolver::numeric_service, error);
    if (error || results.empty()) {
        return makeError("cannot resolve " + target.host + (error ? ": " + error.message() : ": no address"));
    }
    return results.begin()->endpoint();
}

}  // namespace

Result<std::vector<std::uint8_t>> exchangeDatagram(const DatagramTarget& target, AddressFamily family,
                                                   std::span<const std::uint8_t> request, const DatagramCheck& check,
                                                   const DatagramSchedule& schedule) {
    asio::io_context io;
    auto server = resolve(io, target, family);
    if (!server) return server.error();

    udp::socket socket(io);
    boost::system::error_code error;
    socket.open(server->protocol(), error);
    if (error) return makeError("cannot open a UDP socket: " + error.message());

    const auto start = std::chrono::steady_clock::now();
    std::string lastProblem = "no answer";
    std::optional<std::vector<std::uint8_t>> answer;
    std::size_t nextSend = 0;

    asio::steady_timer timer(io);
    std::function<void()> sendNext = [&] {
        if (nextSend >= schedule.sendAt.size()) return;
        timer.expires_at(start + schedule.sendAt[nextSend]);
        timer.async_wait([&](const boost::system::error_code& waited) {
            if (waited || answer) return;
            boost::system::error_code ignored;  // a lost send is a lost datagram: the next one may pass
            socket.send_to(asio::buffer(request.data(), request.size()), *server, 0, ignored);
            ++nextSend;
            sendNext();
        });
    };

    // One octet more than any reply accepted, so an over-long one is seen as such, not cut.
    std::array<std::uint8_t, 1501> buffer{};
    udp::endpoint from;
    std::function<void(const boost::system::error_code&, std::size_t)> onReceive =
        [&](const boost::system::error_code& received, std::size_t size) {
            if (received == asio::error::operation_aborted) return;
            // An ICMP error (port unreachable as ECONNREFUSED) may be forged too: keep waiting.
            if (!received && from == *server) {
                const std::span<const std::uint8_t> datagram(buffer.data(), size);
                if (auto problem = check(datagram); !problem) {
                    answer.emplace(datagram.begin(), datagram.end());
                    io.stop();
                    return;
                } else {
                    lastProblem = *problem;
                }
            } else if (!received) {
                lastProblem = "a datagram from another sender was ignored";
            }
            socket.async_receive_from(asio::buffer(buffer), from, onReceive);
        };

    sendNext();
    socket.async_receive_from(asio::buffer(buffer), from, onReceive);
    io.run_for(schedule.timeout);
    if (answer) return std::move(*answer);
    return makeError("no valid answer from " + target.host + " port " + std::to_string(target.port) + " within " +
                     std::to_string(schedule.timeout.count()) + " ms (" + lastProblem + ")");
}

}  // namespace qdyn::detect::detail
