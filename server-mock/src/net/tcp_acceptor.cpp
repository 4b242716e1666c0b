// openTcpAcceptor: socket options shared by every TCP listener.
#include "net/tcp_acceptor.hpp"

#include <boost/asio/ip/v6_only.hpp>

#include <string>

#include "net/address_claim.hpp"
#include "net/asio_address.hpp"
#include "qdyn_server/server.hpp"

namespace qdyn::server {

Result<std::uint16_t> openTcpAcceptor(boost::asio::ip::tcp::acceptor& acceptor, const ListenAddress& where,
                                      std::string_view kind) {
    namespace asio = boost::asio;
    const asio::ip::tcp::endpoint endpoint(toAsioAddress(where.address), where.port);
    auto fail = [&](const boost::system::error_code& error) -> Error {
        return makeError(std::string(kind) + " " + formatEndpoint(where.address, where.port) + ": " + error.message());
    };
    boost::system::error_code error;
    if (where.fd >= 0) {
        // Handed over already bound and listening (socket activation): taken as it is.
        acceptor.assign(endpoint.protocol(), static_cast<asio::detail::socket_type>(where.fd), error);
        if (error) return fail(error);
        return where.port;
    }
    acceptor.open(endpoint.protocol(), error);
    if (error) return fail(error);
    claimAddress(acceptor, true, error);
    if (error) return fail(error);
    // Keep "::" from also taking IPv4, so "0.0.0.0:53" and "[::]:53" can both be listed.
    if (where.address.isV6()) acceptor.set_option(asio::ip::v6_only(true), error);
    if (error) return fail(error);
    acceptor.bind(endpoint, error);
    if (error) return fail(error);
    acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) return fail(error);
    const auto local = acceptor.local_endpoint(error);
    if (error) return fail(error);
    return local.port();
}

}  // namespace qdyn::server
