// miniDNS's myip service over UDP (port 9121; docs/protocols/miniupdate.md "myip"): a datagram
// holding "\n" (or nothing, or "\r\n") is answered with the sender's address as text and a LF.
//
// Any other payload gets no answer at all, and answers are rate limited per source prefix
// (IPv4 /24, IPv6 /56) with the DNS rate limiter, dropping what is over: an answer is up to 40
// octets for a 1-octet request, and a UDP source can be spoofed, so without a limit the port
// would be a small reflector aimed at whoever's address an attacker writes in.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "net/udp_echo_listener.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/rate_limiter.hpp"

namespace qdyn::server {

struct MyipUdp {
    // A client asks once per check (minutes apart): a few answers a second per prefix are plenty.
    static constexpr std::uint32_t kAnswersPerSecond = 2;
    static constexpr std::uint32_t kBurst = 5;
    // Bigger than any request answered: a longer datagram arrives cut to this size, and is
    // still longer than "\r\n", so it is still ignored.
    static constexpr std::size_t kMaxRequest = 16;

    // Binds now (so errors surface from Server::start); serving begins with start().
    static Result<std::shared_ptr<UdpEchoListener>> open(boost::asio::io_context& io, const ListenAddress& where);

    // The answer to one datagram from `peer`, before rate limiting: the address and a LF for
    // an empty, "\n" or "\r\n" payload, nullopt (silence) for anything else.
    static std::optional<std::string> answerFor(std::span<const std::uint8_t> request, const IpAddress& peer);
    // The limits every listener uses (slip 0: what is over the limit is dropped, never truncated).
    static RateLimitOptions limits();
};

}  // namespace qdyn::server
