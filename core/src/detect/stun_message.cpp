// STUN Binding messages (RFC 8489 5, 14.1, 14.2): strict framing, every length checked
// against the datagram before a single octet of an attribute is read.
#include "qdyn/detect/stun_message.hpp"

#include <algorithm>
#include <random>
#include <string>

namespace qdyn::detect::stun {

namespace {

std::uint16_t read16(std::span<const std::uint8_t> data, std::size_t at) {
    return static_cast<std::uint16_t>((data[at] << 8U) | data[at + 1]);
}

std::uint32_t read32(std::span<const std::uint8_t> data, std::size_t at) {
    return (std::uint32_t{data[at]} << 24U) | (std::uint32_t{data[at + 1]} << 16U) |
           (std::uint32_t{data[at + 2]} << 8U) | std::uint32_t{data[at + 3]};
}

void put16(std::vector<std::uint8_t>& out, std::uint16_t value) {
    out.push_back(static_cast<std::uint8_t>(value >> 8U));
    out.push_back(static_cast<std::uint8_t>(value & 0xFFU));
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t value) {
    put16(out, static_cast<std::uint16_t>(value >> 16U));
    put16(out, static_cast<std::uint16_t>(value & 0xFFFFU));
}

void putHeader(std::vector<std::uint8_t>& out, std::uint16_t type, std::uint16_t length, const TransactionId& id) {
    put16(out, type);
    put16(out, length);
    put32(out, kMagicCookie);
    out.insert(out.end(), id.begin(), id.end());
}

// The attributes qdyn understands or may meet in a Binding response; any other attribute in
// the comprehension-required range (below 0x8000) makes the response unusable (RFC 8489 7.3.3).
bool knownRequired(std::uint16_t type) {
    switch (type) {
        case kAttrMappedAddress:
        case 0x0006:  // USERNAME
        case 0x0008:  // MESSAGE-INTEGRITY
        case kAttrErrorCode:
        case 0x000A:  // UNKNOWN-ATTRIBUTES
        case 0x0014:  // REALM
        case 0x0015:  // NONCE
        case 0x001C:  // MESSAGE-INTEGRITY-SHA256
        case 0x001D:  // PASSWORD-ALGORITHM
        case 0x001E:  // USERHASH
        case kAttrXorMappedAddress:
            return true;
        default:
            return false;
    }
}

struct Attribute {
    std::uint16_t type = 0;
    std::span<const std::uint8_t> value;
};

// Walks the attributes after the header; false when one runs past the end. Values are padded
// to four octets (RFC 8489 14); the padding is not checked, as the RFC asks.
template <typename Visit>
bool walkAttributes(std::span<const std::uint8_t> message, Visit&& visit) {
    std::size_t at = kHeaderSize;
    while (at < message.size()) {
        if (message.size() - at < 4) return false;
        const std::uint16_t type = read16(message, at);
        const std::size_t length = read16(message, at + 2);
        const std::size_t padded = (length + 3U) & ~std::size_t{3};
        if (message.size() - at - 4 < padded) return false;
        if (!visit(Attribute{type, message.subspan(at + 4, length)})) return false;
        at += 4 + padded;
    }
    return true;
}

// Checks the 20-octet header and that the length field covers the datagram exactly.
std::optional<std::string> headerProblem(std::span<const std::uint8_t> message) {
    if (message.size() < kHeaderSize) return "shorter than a STUN header";
    if (message.size() > kMaxMessage) return "longer than " + std::to_string(kMaxMessage) + " octets";
    if ((message[0] & 0xC0U) != 0) return "not a STUN message (top bits set)";
    if (read32(message, 4) != kMagicCookie) return "wrong magic cookie";
    const std::size_t length = read16(message, 2);
    if (length % 4 != 0 || length != message.size() - kHeaderSize) return "length field disagrees with the datagram";
    return std::nullopt;
}

// MAPPED-ADDRESS and XOR-MAPPED-ADDRESS share one layout: a zero octet, the family (1: IPv4,
// 2: IPv6), the port, the address; XOR-MAPPED-ADDRESS xors the port with the cookie's high
// half and the address with the cookie followed by the transaction id.
std::optional<Mapped> decodeAddress(std::span<const std::uint8_t> value, bool xored, const TransactionId& id) {
    if (value.size() < 4 || value[0] != 0) return std::nullopt;
    std::array<std::uint8_t, 16> mask{};
    if (xored) {
        mask = {0x21, 0x12, 0xA4, 0x42};
        std::copy(id.begin(), id.end(), mask.begin() + 4);
    }
    Mapped mapped;
    mapped.port = static_cast<std::uint16_t>(read16(value, 2) ^ (xored ? (kMagicCookie >> 16U) : 0U));
    if (value[1] == 0x01 && value.size() == 8) {
        IpAddress::V4Bytes bytes{};
        for (std::size_t i = 0; i < bytes.size(); ++i)
            bytes[i] = static_cast<std::uint8_t>(value[4 + i] ^ mask[i]);
        mapped.address = IpAddress::fromV4(bytes);
        return mapped;
    }
    if (value[1] == 0x02 && value.size() == 20) {
        IpAddress::V6Bytes bytes{};
        for (std::size_t i = 0; i < bytes.size(); ++i)
            bytes[i] = static_cast<std::uint8_t>(value[4 + i] ^ mask[i]);
        mapped.address = IpAddress::fromV6(bytes);
        return mapped;
    }
    return std::nullopt;
}

}  // namespace

TransactionId randomTransactionId() {
    std::random_device device;
    TransactionId id{};
    for (std::size_t i = 0; i < id.size(); i += 4) {
        const std::uint32_t word = device();
        for (std::size_t j = 0; j < 4; ++j)
            id[i + j] = static_cast<std::uint8_t>(word >> (8U * j));
    }
    return id;
}

std::vector<std::uint8_t> encodeBindingRequest(const TransactionId& id) {
    std::vector<std::uint8_t> out;
    out.reserve(kHeaderSize);
    putHeader(out, kBindingRequest, 0, id);
    return out;
}

Result<Mapped> parseBindingResponse(std::span<const std::uint8_t> message, const TransactionId& id) {
    if (auto problem = headerProblem(message)) return makeError("STUN: " + *problem);
    if (!std::equal(id.begin(), id.end(), message.begin() + 8)) return makeError("STUN: wrong transaction id");
    const std::uint16_t type = read16(message, 0);
    if (type != kBindingSuccess && type != kBindingError) return makeError("STUN: not a Binding response");

    std::optional<Mapped> xorMapped;
    std::optional<Mapped> mapped;
    std::optional<std::string> problem;
    std::optional<std::string> errorText;
    const bool framed = walkAttributes(message, [&](const Attribute& attribute) {
        // Only the first of each attribute counts (RFC 8489 14).
        if (attribute.type == kAttrXorMappedAddress && !xorMapped) {
            xorMapped = decodeAddress(attribute.value, true, id);
            if (!xorMapped) problem = "malformed XOR-MAPPED-ADDRESS";
        } else if (attribute.type == kAttrMappedAddress && !mapped) {
            mapped = decodeAddress(attribute.value, false, id);
            if (!mapped) problem = "malformed MAPPED-ADDRESS";
        } else if (attribute.type == kAttrErrorCode && !errorText && attribute.value.size() >= 4) {
            const unsigned code = (attribute.value[2] & 0x07U) * 100U + attribute.value[3];
            errorText = "error response " + std::to_string(code);
        } else if (attribute.type < 0x8000 && !knownRequired(attribute.type)) {
            problem = "unknown comprehension-required attribute " + std::to_string(attribute.type);
        }
        return !problem;
    });
    if (problem) return makeError("STUN: " + *problem);
    if (!framed) return makeError("STUN: an attribute runs past the end of the message");
    if (type == kBindingError) return makeError("STUN: " + errorText.value_or("error response"));
    if (xorMapped) return *xorMapped;
    if (mapped) return *mapped;
    return makeError("STUN: the response carries no mapped address");
}

std::optional<TransactionId> parseBindingRequest(std::span<const std::uint8_t> message) {
    if (headerProblem(message)) return std::nullopt;
    if (read16(message, 0) != kBindingRequest) return std::nullopt;
    if (!walkAttributes(message, [](const Attribute&) { return true; })) return std::nullopt;
    TransactionId id{};
    std::copy(message.begin() + 8, message.begin() + 20, id.begin());
    return id;
}

std::vector<std::uint8_t> encodeBindingResponse(const TransactionId& id, const IpAddress& address, std::uint16_t port) {
    const auto bytes = address.bytes();
    const auto valueLength = static_cast<std::uint16_t>(4 + bytes.size());
    std::vector<std::uint8_t> out;
    out.reserve(kHeaderSize + 4 + valueLength);
    putHeader(out, kBindingSuccess, static_cast<std::uint16_t>(4 + valueLength), id);
    put16(out, kAttrXorMappedAddress);
    put16(out, valueLength);
    out.push_back(0);
    out.push_back(address.isV4() ? 0x01 : 0x02);
    put16(out, static_cast<std::uint16_t>(port ^ (kMagicCookie >> 16U)));
    std::array<std::uint8_t, 16> mask{0x21, 0x12, 0xA4, 0x42};
    std::copy(id.begin(), id.end(), mask.begin() + 4);
    for (std::size_t i = 0; i < bytes.size(); ++i)
        out.push_back(static_cast<std::uint8_t>(bytes[i] ^ mask[i]));
    return out;
}

}  // namespace qdyn::detect::stun
