// What the UDP and TCP client transports share; private to core/src/dns.
#pragma once

#include <boost/asio/ip/address.hpp>

#include "qdyn/dns/message.hpp"
#include "qdyn/ip_address.hpp"

namespace qdyn::dns {

boost::asio::ip::address toAsioAddress(const IpAddress& address);
// True when `reply` answers `query`: a response with the same id and question section.
bool replyMatches(const Message& query, const Message& reply);

}  // namespace qdyn::dns
