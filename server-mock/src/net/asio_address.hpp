// Conversions between qdyn's IpAddress and Asio's address types, for the listeners.
#pragma once

#include <boost/asio/ip/address.hpp>

#include "qdyn/ip_address.hpp"

namespace qdyn::server {

// IPv4-mapped IPv6 peers (from a dual-stack socket) come back as plain IPv4, so per-family
// logic (dyndns2's "peer address for its family") sees the family the client really used.
inline IpAddress toIpAddress(const boost::asio::ip::address& address) {
    if (address.is_v4()) return IpAddress::fromV4(address.to_v4().to_bytes());
    const auto v6 = address.to_v6();
    if (v6.is_v4_mapped()) {
        return IpAddress::fromV4(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_bytes());
    }
    return IpAddress::fromV6(v6.to_bytes());
}

inline boost::asio::ip::address toAsioAddress(const IpAddress& address) {
    if (address.isV4()) return boost::asio::ip::address_v4(address.v4Bytes());
    return boost::asio::ip::address_v6(address.v6Bytes());
}

}  // namespace qdyn::server
