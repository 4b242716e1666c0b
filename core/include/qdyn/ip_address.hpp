// IpAddress: an IPv4 or IPv6 address as a value, parsed strictly and classified by scope so
// that private, CGNAT and other non-public addresses are never published by mistake.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace qdyn {

enum class AddressFamily : std::uint8_t { V4, V6 };

// RFC 6890 special-purpose ranges, reduced to what matters to a dynamic DNS client.
enum class AddressScope : std::uint8_t {
    Global,         // publishable
    Private,        // RFC 1918
    SharedCgnat,    // 100.64.0.0/10 (RFC 6598)
    Loopback,       // 127/8, ::1
    LinkLocal,      // 169.254/16, fe80::/10
    UniqueLocal,    // fc00::/7
    Multicast,      // 224/4, ff00::/8
    Documentation,  // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32
    Unspecified,    // 0.0.0.0, ::
    Reserved,       // everything else that is not global unicast (0/8, 240/4, mapped, ...)
};

std::string_view toString(AddressScope scope) noexcept;
std::string_view toString(AddressFamily family) noexcept;

class IpAddress {
public:
    using V4Bytes = std::array<std::uint8_t, 4>;
    using V6Bytes = std::array<std::uint8_t, 16>;

    IpAddress() = default;  // 0.0.0.0
    static IpAddress fromV4(const V4Bytes& bytes) noexcept;
    static IpAddress fromV6(const V6Bytes& bytes) noexcept;

    // Accepts only the canonical textual forms: dotted quad without leading zeros, RFC 4291
    // IPv6 text (no zone id, no brackets). Surrounding whitespace is not accepted.
    static std::optional<IpAddress> parse(std::string_view text);

    [[nodiscard]] AddressFamily family() const noexcept { return m_family; }
    [[nodiscard]] bool isV4() const noexcept { return m_family == AddressFamily::V4; }
    [[nodiscard]] bool isV6() const noexcept { return m_family == AddressFamily::V6; }
    // 4 bytes for IPv4, 16 for IPv6, network order.
    [[nodiscard]] std::span<const std::uint8_t> bytes() const noexcept;
    [[nodiscard]] V4Bytes v4Bytes() const noexcept;
    [[nodiscard]] const V6Bytes& v6Bytes() const noexcept { return m_bytes; }

    // RFC 5952 for IPv6 (lower case, longest zero run compressed).
    [[nodiscard]] std::string toString() const;
    [[nodiscard]] AddressScope scope() const noexcept;
    // True only for Global: the one scope a DDNS client may publish by default.
    [[nodiscard]] bool isPublishable() const noexcept { return scope() == AddressScope::Global; }

    friend bool operator==(const IpAddress&, const IpAddress&) = default;
    friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

private:
    AddressFamily m_family = AddressFamily::V4;
    V6Bytes m_bytes{};  // IPv4 uses the first four bytes; the rest stay zero
};

}  // namespace qdyn
