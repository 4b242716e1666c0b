// openUdpSocket: socket options shared by every UDP listener.
#include "net/udp_socket.hpp"

#include <boost/asio/ip/v6_only.hpp>

#include <string>

#include "net/address_claim.hpp"
#include "net/asio_address.hpp"
#include "qdyn_server/server.hpp"

namespace qdyn::server {

Result<std::uint16_t> openUdpSocket(boost::asio::ip::udp::socket& socket, const ListenAddress& where,
                                    std::string_view kind) {
    namespace asio = boost::asio;
    const asio::ip::udp::endpoint endpoint(toAsioAddress(where.address), where.port);
    auto fail = [&](const boost::system::error_code& error) -> Error {
        return makeError(std::string(kind) + " " + formatEndpoint(where.address, where.port) + ": " + error.message());
    };
    boost::system::error_code error;
    if (where.fd >= 0) {
        // Handed over already bound (socket activation): taken as it is, made non-blocking.
        socket.assign(endpoint.protocol(), static_cast<asio::detail::socket_type>(where.fd), error);
        if (!error) socket.non_blocking(true, error);
        if (error) return fail(error);
        return where.port;
    }
    socket.open(endpoint.protocol(), error);
    if (error) return fail(error);
    claimAddress(socket, false, error);
    if (error) return fail(error);
    if (where.address.isV6()) socket.set_option(asio::ip::v6_only(true), error);
    if (error) return fail(error);
    socket.bind(endpoint, error);
    if (error) return fail(error);
    const auto local = socket.local_endpoint(error);
    if (error) return fail(error);
    socket.non_blocking(true, error);
    if (error) return fail(error);
    return local.port();
}

}  // namespace qdyn::server
