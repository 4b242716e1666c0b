// The NAT-PMP answers; the receive loop is the shared UdpEchoListener's, the wire format core's
// natpmp_message (the one the client reads with).
#include "echo/natpmp_server.hpp"

#include <chrono>

#include "line/myip_udp.hpp"
#include "qdyn/detect/natpmp_message.hpp"

namespace qdyn::server {

namespace asio = boost::asio;
namespace natpmp = detect::natpmp;

std::optional<std::vector<std::uint8_t>> NatpmpListener::answerFor(std::span<const std::uint8_t> request,
                                                                   const IpAddress& peer, std::uint32_t epoch) {
    if (request.size() < natpmp::kRequestSize) return std::nullopt;
    const std::uint8_t version = request[0];
    const std::uint8_t opcode = request[1];
    // RFC 6886 3.5: a response is never answered (two servers must not play ping-pong); this
    // comes before the version check so it holds for every version.
    if ((opcode & natpmp::kResponseBit) != 0) return std::nullopt;
    if (version != natpmp::kVersion) {
        return natpmp::encodeErrorResponse(opcode, natpmp::ResultCode::UnsupportedVersion, epoch);
    }
    switch (opcode) {
        case natpmp::kOpExternalAddress:
            // The listener is IPv4 only (config.cpp), so the peer is too; the check keeps a
            // mistake elsewhere from turning into a wrong answer.
            if (request.size() != natpmp::kRequestSize || !peer.isV4()) return std::nullopt;
            return natpmp::encodeExternalAddressResponse(epoch, peer);
        case natpmp::kOpMapUdp:
        case natpmp::kOpMapTcp:
            if (request.size() != natpmp::kMappingRequestSize) return std::nullopt;
            return natpmp::encodeErrorResponse(opcode, natpmp::ResultCode::UnsupportedOpcode, epoch);
        default:
            return natpmp::encodeErrorResponse(opcode, natpmp::ResultCode::UnsupportedOpcode, epoch);
    }
}

Result<std::shared_ptr<UdpEchoListener>> NatpmpListener::open(asio::io_context& io, const ListenAddress& where) {
    const auto opened = std::chrono::steady_clock::now();
    auto answer = [opened](std::span<const std::uint8_t> request, const IpAddress& peer,
                           std::uint16_t) -> std::optional<std::vector<std::uint8_t>> {
        const auto seconds =
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - opened);
        return answerFor(request, peer, static_cast<std::uint32_t>(seconds.count()));
    };
    // The myip limits: a client asks once per check, minutes apart.
    return UdpEchoListener::open(io, where, "natpmp", answer, MyipUdp::limits(), kMaxRequest);
}

}  // namespace qdyn::server
