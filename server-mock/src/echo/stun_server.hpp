// qdyn-server's STUN service ([listen] stun, usually UDP 3478): a Binding request (RFC 8489)
// is answered with a Binding success response carrying XOR-MAPPED-ADDRESS, the address and
// port the request came from, so the STUN source is tested against a real server on loopback.
//
// Everything else (other methods, indications, responses, malformed messages, RFC 3489 requests
// without the magic cookie) gets no answer. The answer is at most 44 octets for a request of at
// least 20, and answers are rate limited per source prefix exactly as the myip service does
// (line/myip_udp.hpp), so the port cannot serve as a reflector for spoofed sources.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "net/udp_echo_listener.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

struct StunListener {
    // A Binding request from a client is 20 octets plus a few attributes; a longer datagram
    // arrives cut to this size, so its length field no longer matches and it is ignored.
    static constexpr std::size_t kMaxRequest = 576;

    // Binds now (so errors surface from Server::start); serving begins with start().
    static Result<std::shared_ptr<UdpEchoListener>> open(boost::asio::io_context& io, const ListenAddress& where);

    // The response to one datagram from peer:port before rate limiting, or nullopt (silence).
    static std::optional<std::vector<std::uint8_t>> answerFor(std::span<const std::uint8_t> request,
                                                              const IpAddress& peer, std::uint16_t peerPort);
};

}  // namespace qdyn::server
