// How a listening socket claims its address. On POSIX a TCP listener sets SO_REUSEADDR, so a
// restarted server need not wait out its old connections in TIME_WAIT, while a second listener on
// the same address is still refused. On Windows SO_REUSEADDR would let another socket bind the
// same port and take its traffic: every listener there sets SO_EXCLUSIVEADDRUSE instead (and
// Windows binds past TIME_WAIT without help).
#pragma once

#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

namespace qdyn::server {

template <typename Socket>
void claimAddress(Socket& socket, bool tcp, boost::system::error_code& error) {
#ifdef _WIN32
    (void)tcp;
    using ExclusiveAddressUse =
        boost::asio::detail::socket_option::boolean<SOL_SOCKET, static_cast<int>(SO_EXCLUSIVEADDRUSE)>;
    socket.set_option(ExclusiveAddressUse(true), error);
#else
    if (tcp) socket.set_option(boost::asio::socket_base::reuse_address(true), error);
#endif
}

}  // namespace qdyn::server
