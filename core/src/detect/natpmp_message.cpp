// NAT-PMP's external-address messages: big-endian fields at fixed offsets, every length exact.
#include "qdyn/detect/natpmp_message.hpp"

namespace qdyn::detect::natpmp {

namespace {

std::uint16_t read16(std::span<const std::uint8_t> bytes, std::size_t at) {
    return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

std::uint32_t read32(std::span<const std::uint8_t> bytes, std::size_t at) {
    return (static_cast<std::uint32_t>(bytes[at]) << 24) | (static_cast<std::uint32_t>(bytes[at + 1]) << 16) |
           (static_cast<std::uint32_t>(bytes[at + 2]) << 8) | static_cast<std::uint32_t>(bytes[at + 3]);
}

// Version, opcode, result code and epoch: the 8 octets every response starts with.
std::vector<std::uint8_t> header(std::uint8_t opcode, std::uint16_t code, std::uint32_t epoch) {
    return {kVersion,
            opcode,
            static_cast<std::uint8_t>(code >> 8),
            static_cast<std::uint8_t>(code),
            static_cast<std::uint8_t>(epoch >> 24),
            static_cast<std::uint8_t>(epoch >> 16),
            static_cast<std::uint8_t>(epoch >> 8),
            static_cast<std::uint8_t>(epoch)};
}

}  // namespace

std::string describeResult(std::uint16_t code) {
    const char* text = nullptr;
    switch (code) {
        case 0:
            text = "success";
            break;
        case 1:
            text = "unsupported version";
            break;
        case 2:
            text = "not authorized or refused";
            break;
        case 3:
            text = "network failure (the gateway has no external address)";
            break;
        case 4:
            text = "out of resources";
            break;
        case 5:
            text = "unsupported opcode";
            break;
        default:
            return "result code " + std::to_string(code) + " (not defined by RFC 6886)";
    }
    return std::string(text) + " (" + std::to_string(code) + ")";
}

std::array<std::uint8_t, kRequestSize> encodeExternalAddressRequest() noexcept {
    return {kVersion, kOpExternalAddress};
}

Result<ExternalAddressReply> parseExternalAddressReply(std::span<const std::uint8_t> datagram) {
    if (datagram.size() < kErrorResponseSize) {
        return makeError("NAT-PMP: a truncated reply (" + std::to_string(datagram.size()) + " octets)");
    }
    if (datagram[0] != kVersion) return makeError("NAT-PMP: a reply of version " + std::to_string(datagram[0]));
    if (datagram[1] != (kOpExternalAddress | kResponseBit)) {
        return makeError("NAT-PMP: a reply with opcode " + std::to_string(datagram[1]) +
                         ", not the external address response (128)");
    }
    ExternalAddressReply reply;
    reply.resultCode = read16(datagram, 2);
    reply.epoch = read32(datagram, 4);
    if (reply.resultCode != 0) {
        if (datagram.size() != kErrorResponseSize && datagram.size() != kAddressResponseSize) {
            return makeError("NAT-PMP: an error reply of " + std::to_string(datagram.size()) + " octets");
        }
        return reply;
    }
    if (datagram.size() != kAddressResponseSize) {
        return makeError("NAT-PMP: a reply of " + std::to_string(datagram.size()) + " octets, not 12");
    }
    reply.address = IpAddress::fromV4({datagram[8], datagram[9], datagram[10], datagram[11]});
    return reply;
}

std::vector<std::uint8_t> encodeExternalAddressResponse(std::uint32_t epoch, const IpAddress& address) {
    auto out = header(kOpExternalAddress | kResponseBit, 0, epoch);
    const auto bytes = address.v4Bytes();
    out.insert(out.end(), bytes.begin(), bytes.end());
    return out;
}

std::vector<std::uint8_t> encodeErrorResponse(std::uint8_t requestOpcode, ResultCode code, std::uint32_t epoch) {
    return header(static_cast<std::uint8_t>(requestOpcode | kResponseBit), static_cast<std::uint16_t>(code), epoch);
}

}  // namespace qdyn::detect::natpmp
