// Opening a UDP socket for one configured address: the one place where the server's UDP front
// ends (DNS, myip) choose their socket options.
#pragma once

#include <boost/asio/ip/udp.hpp>

#include <cstdint>
#include <string_view>

#include "qdyn/result.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

// Opens and binds a non-blocking socket (replies go out with a direct send that must never
// block the io thread); "::" takes IPv6 only, so "0.0.0.0" and "[::]" can both be listed.
// Returns the bound port (the free one chosen for port 0). Errors read "KIND ADDRESS:PORT: reason".
Result<std::uint16_t> openUdpSocket(boost::asio::ip::udp::socket& socket, const ListenAddress& where,
                                    std::string_view kind);

}  // namespace qdyn::server
