// The STUN answers; the receive loop is the shared UdpEchoListener's.
#include "echo/stun_server.hpp"

#include "line/myip_udp.hpp"
#include "qdyn/detect/stun_message.hpp"

namespace qdyn::server {

namespace asio = boost::asio;

std::optional<std::vector<std::uint8_t>> StunListener::answerFor(std::span<const std::uint8_t> request,
                                                                 const IpAddress& peer, std::uint16_t peerPort) {
    const auto id = detect::stun::parseBindingRequest(request);
    if (!id) return std::nullopt;
    return detect::stun::encodeBindingResponse(*id, peer, peerPort);
}

Result<std::shared_ptr<UdpEchoListener>> StunListener::open(asio::io_context& io, const ListenAddress& where) {
    // The myip limits: a client asks once per check, minutes apart.
    return UdpEchoListener::open(io, where, "stun", &StunListener::answerFor, MyipUdp::limits(), kMaxRequest);
}

}  // namespace qdyn::server
