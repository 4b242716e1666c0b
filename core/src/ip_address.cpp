// IpAddress parsing, formatting and scope classification.
#include "qdyn/ip_address.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace qdyn {

namespace {

std::optional<std::uint8_t> parseDecimalOctet(std::string_view text) {
    // 1 to 3 digits, no leading zero (so "010" is never read as octal by someone else).
    if (text.empty() || text.size() > 3) return std::nullopt;
    if (text.size() > 1 && text[0] == '0') return std::nullopt;
    unsigned value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 255) return std::nullopt;
    return static_cast<std::uint8_t>(value);
}

std::optional<IpAddress::V4Bytes> parseV4(std::string_view text) {
    IpAddress::V4Bytes out{};
    std::size_t part = 0;
    while (true) {
        const std::size_t dot = text.find('.');
        const std::string_view piece = text.substr(0, dot);
        const auto octet = parseDecimalOctet(piece);
        if (!octet || part >= 4) return std::nullopt;
        out[part++] = *octet;
        if (dot == std::string_view::npos) break;
        text.remove_prefix(dot + 1);
    }
    if (part != 4) return std::nullopt;
    return out;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Up to eight 16-bit words, kept in place (parsing allocates nothing).
struct Words {
    std::array<std::uint16_t, 8> values{};
    std::size_t size = 0;
    bool push(std::uint16_t word) {
        if (size == values.size()) return false;
        values[size++] = word;
        return true;
    }
};

// Parses a run of colon-separated groups (no "::" inside) into 16-bit words. An embedded IPv4
// tail is allowed only when allowV4Tail is set, and counts as two words.
bool parseGroups(std::string_view text, bool allowV4Tail, Words& words) {
    if (text.empty()) return true;
    while (true) {
        const std::size_t colon = text.find(':');
        const std::string_view group = text.substr(0, colon);
        if (colon == std::string_view::npos && allowV4Tail && group.find('.') != std::string_view::npos) {
            const auto v4 = parseV4(group);
            if (!v4) return false;
            return words.push(static_cast<std::uint16_t>(((*v4)[0] << 8) | (*v4)[1])) &&
                   words.push(static_cast<std::uint16_t>(((*v4)[2] << 8) | (*v4)[3]));
        }
        if (group.empty() || group.size() > 4) return false;
        unsigned value = 0;
        for (char c : group) {
            const int digit = hexValue(c);
            if (digit < 0) return false;
            value = (value << 4) | static_cast<unsigned>(digit);
        }
        if (!words.push(static_cast<std::uint16_t>(value))) return false;
        if (colon == std::string_view::npos) return true;
        text.remove_prefix(colon + 1);
        if (text.empty()) return false;  // trailing single colon
    }
}

std::optional<IpAddress::V6Bytes> parseV6(std::string_view text) {
    if (text.size() < 2 || text.size() > 45) return std::nullopt;
    Words head;
    Words tail;
    const std::size_t gap = text.find("::");
    if (gap != std::string_view::npos) {
        if (text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
        const std::string_view before = text.substr(0, gap);
        const std::string_view after = text.substr(gap + 2);
        if (!parseGroups(before, false, head)) return std::nullopt;
        if (!parseGroups(after, true, tail)) return std::nullopt;
        if (head.size + tail.size > 7) return std::nullopt;
    } else {
        if (!parseGroups(text, true, head) || head.size != 8) return std::nullopt;
    }
    IpAddress::V6Bytes out{};
    std::size_t index = 0;
    for (std::size_t i = 0; i < head.size; ++i) {
        out[index++] = static_cast<std::uint8_t>(head.values[i] >> 8);
        out[index++] = static_cast<std::uint8_t>(head.values[i] & 0xff);
    }
    index = 16 - tail.size * 2;
    for (std::size_t i = 0; i < tail.size; ++i) {
        out[index++] = static_cast<std::uint8_t>(tail.values[i] >> 8);
        out[index++] = static_cast<std::uint8_t>(tail.values[i] & 0xff);
    }
    return out;
}

bool inV4(const IpAddress::V4Bytes& a, std::uint8_t b0, std::uint8_t b1, std::uint8_t b2, int prefix) {
    const std::uint32_t value = (std::uint32_t{a[0]} << 24) | (std::uint32_t{a[1]} << 16) |
                                (std::uint32_t{a[2]} << 8) | std::uint32_t{a[3]};
    const std::uint32_t net = (std::uint32_t{b0} << 24) | (std::uint32_t{b1} << 16) | (std::uint32_t{b2} << 8);
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    return (value & mask) == (net & mask);
}

AddressScope classifyV4(const IpAddress::V4Bytes& a) {
    if (a == IpAddress::V4Bytes{0, 0, 0, 0}) return AddressScope::Unspecified;
    if (inV4(a, 127, 0, 0, 8)) return AddressScope::Loopback;
    if (inV4(a, 10, 0, 0, 8) || inV4(a, 172, 16, 0, 12) || inV4(a, 192, 168, 0, 16)) return AddressScope::Private;
    if (inV4(a, 100, 64, 0, 10)) return AddressScope::SharedCgnat;
    if (inV4(a, 169, 254, 0, 16)) return AddressScope::LinkLocal;
    if (inV4(a, 224, 0, 0, 4)) return AddressScope::Multicast;
    if (inV4(a, 192, 0, 2, 24) || inV4(a, 198, 51, 100, 24) || inV4(a, 203, 0, 113, 24)) {
        return AddressScope::Documentation;
    }
    // 0/8 "this network", 192.0.0/24 protocol assignments, 198.18/15 benchmarking, 240/4 reserved
    // (includes broadcast).
    if (inV4(a, 0, 0, 0, 8) || inV4(a, 192, 0, 0, 24) || inV4(a, 198, 18, 0, 15) || inV4(a, 240, 0, 0, 4)) {
        return AddressScope::Reserved;
    }
    return AddressScope::Global;
}

AddressScope classifyV6(const IpAddress::V6Bytes& a) {
    const bool allZeroButLast = std::all_of(a.begin(), a.begin() + 15, [](std::uint8_t b) { return b == 0; });
    if (allZeroButLast && a[15] == 0) return AddressScope::Unspecified;
    if (allZeroButLast && a[15] == 1) return AddressScope::Loopback;
    if (a[0] == 0xff) return AddressScope::Multicast;
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return AddressScope::LinkLocal;
    if ((a[0] & 0xfe) == 0xfc) return AddressScope::UniqueLocal;
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) return AddressScope::Documentation;
    // Global unicast is 2000::/3; inside it, 2001::/23 holds IETF protocol assignments
    // (Teredo, benchmarking, ORCHID) that are not a host's public address.
    if ((a[0] & 0xe0) != 0x20) return AddressScope::Reserved;
    if (a[0] == 0x20 && a[1] == 0x01 && a[2] < 0x02) return AddressScope::Reserved;
    return AddressScope::Global;
}

}  // namespace

std::string_view toString(AddressScope scope) noexcept {
    switch (scope) {
        case AddressScope::Global: return "global";
        case AddressScope::Private: return "private";
        case AddressScope::SharedCgnat: return "cgnat";
        case AddressScope::Loopback: return "loopback";
        case AddressScope::LinkLocal: return "link-local";
        case AddressScope::UniqueLocal: return "unique-local";
        case AddressScope::Multicast: return "multicast";
        case AddressScope::Documentation: return "documentation";
        case AddressScope::Unspecified: return "unspecified";
        case AddressScope::Reserved: return "reserved";
    }
    return "unknown";
}

std::string_view toString(AddressFamily family) noexcept {
    return family == AddressFamily::V4 ? "IPv4" : "IPv6";
}

IpAddress IpAddress::fromV4(const V4Bytes& bytes) noexcept {
    IpAddress address;
    address.m_family = AddressFamily::V4;
    std::copy(bytes.begin(), bytes.end(), address.m_bytes.begin());
    return address;
}

IpAddress IpAddress::fromV6(const V6Bytes& bytes) noexcept {
    IpAddress address;
    address.m_family = AddressFamily::V6;
    address.m_bytes = bytes;
    return address;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (text.find(':') != std::string_view::npos) {
        if (auto v6 = parseV6(text)) return fromV6(*v6);
        return std::nullopt;
    }
    if (auto v4 = parseV4(text)) return fromV4(*v4);
    return std::nullopt;
}

std::span<const std::uint8_t> IpAddress::bytes() const noexcept {
    return {m_bytes.data(), isV4() ? std::size_t{4} : std::size_t{16}};
}

IpAddress::V4Bytes IpAddress::v4Bytes() const noexcept {
    return {m_bytes[0], m_bytes[1], m_bytes[2], m_bytes[3]};
}

std::string IpAddress::toString() const {
    char buffer[48];
    if (isV4()) {
        std::snprintf(buffer, sizeof buffer, "%u.%u.%u.%u", unsigned{m_bytes[0]}, unsigned{m_bytes[1]},
                      unsigned{m_bytes[2]}, unsigned{m_bytes[3]});
        return buffer;
    }
    std::array<unsigned, 8> words{};
    for (std::size_t i = 0; i < 8; ++i) words[i] = (unsigned{m_bytes[2 * i]} << 8) | m_bytes[2 * i + 1];
    // RFC 5952: compress the longest run of two or more zero words, the first one on a tie.
    std::size_t bestStart = 8;
    std::size_t bestLength = 1;
    for (std::size_t i = 0; i < 8;) {
        if (words[i] != 0) { ++i; continue; }
        std::size_t j = i;
        while (j < 8 && words[j] == 0) ++j;
        if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
        i = j;
    }
    std::string out;
    out.reserve(40);
    for (std::size_t i = 0; i < 8; ++i) {
        if (i == bestStart) {
            out += "::";
            i += bestLength - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        std::snprintf(buffer, sizeof buffer, "%x", words[i]);
        out += buffer;
    }
    return out;
}

AddressScope IpAddress::scope() const noexcept {
    return isV4() ? classifyV4(v4Bytes()) : classifyV6(m_bytes);
}

}  // namespace qdyn
