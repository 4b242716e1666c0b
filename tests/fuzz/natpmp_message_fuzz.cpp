// Fuzz target: both NAT-PMP parsers. qdyn-server's responder (NatpmpListener::answerFor) for an
// IPv4 and an IPv6 peer: it never answers a response (opcode 128 and up) nor an IPv6 peer's
// address request, every answer is 8 or 12 octets with the request's opcode + 128, and the
// client's reply parser reads each answer back (the address answer as the peer's address). The
// client's parser on the raw input: what it accepts has version 0, opcode 128 and a legal length.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "echo/natpmp_server.hpp"
#include "qdyn/detect/natpmp_message.hpp"

namespace natpmp = qdyn::detect::natpmp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    static const auto v4 = qdyn::IpAddress::parse("198.51.100.7").value();
    static const auto v6 = qdyn::IpAddress::parse("2001:db8::7").value();
    constexpr std::uint32_t epoch = 0xfedcba98;

    for (const auto& peer : {v4, v6}) {
        const auto answer = qdyn::server::NatpmpListener::answerFor(input, peer, epoch);
        if (!answer) continue;
        if (size < 2 || (data[1] & 0x80) != 0) std::abort();
        if (answer->size() != natpmp::kErrorResponseSize && answer->size() != natpmp::kAddressResponseSize)
            std::abort();
        if ((*answer)[0] != 0 || (*answer)[1] != (data[1] | 0x80)) std::abort();
        const std::uint16_t code = static_cast<std::uint16_t>(((*answer)[2] << 8) | (*answer)[3]);
        if (answer->size() == natpmp::kAddressResponseSize) {
            if (code != 0 || peer.isV6() || size != 2 || data[0] != 0 || data[1] != 0) std::abort();
            const auto read = natpmp::parseExternalAddressReply(*answer);
            if (!read || read->address != peer || read->epoch != epoch || read->resultCode != 0) std::abort();
        } else if (code != (data[0] != 0 ? 1 : 5)) {
            std::abort();
        } else if (data[1] == 0) {
            // An error answer to an address request reads back as a well-formed error.
            const auto read = natpmp::parseExternalAddressReply(*answer);
            if (!read || read->resultCode != code) std::abort();
        }
    }

    if (const auto reply = natpmp::parseExternalAddressReply(input)) {
        if (size < 8 || data[0] != 0 || data[1] != 128) std::abort();
        if (reply->resultCode == 0 && size != 12) std::abort();
        if (reply->resultCode != 0 && size != 8 && size != 12) std::abort();
    } else if (reply.message().empty()) {
        std::abort();
    }
    return 0;
}
