// qdyn-server's NAT-PMP responder ([listen] natpmp, UDP 5351, IPv4 only): an external-address
// request (RFC 6886 3.2) is answered with the address the request came from, result code 0 and
// the seconds since the listener started, so the NAT-PMP source is tested against a real server.
//
// It is an echo, not a NAT: port mapping requests (opcodes 1 and 2) and unknown opcodes get
// result 5 "unsupported opcode", another version result 1, both in RFC 6886 3.5's 8-octet form.
// Responses (opcode 128 and up), truncated requests and requests of the wrong length get no
// answer at all. Answers are at most 12 octets and rate limited per source prefix exactly as the
// myip and STUN echoes are, so the port cannot serve as a reflector for spoofed sources.
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

struct NatpmpListener {
    // The longest request looked at: a mapping request is 12 octets, a PCP request (version 2,
    // at least 24) arrives cut to this size and still gets "unsupported version".
    static constexpr std::size_t kMaxRequest = 64;

    // Binds now (so errors surface from Server::start); serving begins with start(). The epoch
    // counts from this call.
    static Result<std::shared_ptr<UdpEchoListener>> open(boost::asio::io_context& io, const ListenAddress& where);

    // The answer to one datagram from `peer`, `epoch` seconds after the listener opened, before
    // rate limiting, or nullopt (silence).
    static std::optional<std::vector<std::uint8_t>> answerFor(std::span<const std::uint8_t> request,
                                                              const IpAddress& peer, std::uint32_t epoch);
};

}  // namespace qdyn::server
