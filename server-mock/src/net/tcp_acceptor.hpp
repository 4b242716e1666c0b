// Opening a listening TCP socket for one configured address: the one place where the server's
// TCP front ends (DNS over TCP, HTTP) choose their socket options.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <string_view>

#include "qdyn/result.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

// Opens, binds and listens; returns the bound port (the free one chosen for port 0). Errors read
// "KIND ADDRESS:PORT: reason", e.g. "http 127.0.0.1:80: Permission denied".
Result<std::uint16_t> openTcpAcceptor(boost::asio::ip::tcp::acceptor& acceptor, const ListenAddress& where,
                                      std::string_view kind);

}  // namespace qdyn::server
