// Name: a DNS domain name held in uncompressed wire form, with strict limits (RFC 1035:
// labels of 1..63 octets, 255 octets in all). Comparison is ASCII case-insensitive.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/result.hpp"

namespace qdyn::dns {

class Name {
public:
    static constexpr std::size_t kMaxWireLength = 255;
    static constexpr std::size_t kMaxLabelLength = 63;

    Name();  // the root "."

    // Presentation form: "home.dyn.example.test" or with a trailing dot; "." or "" is the root.
    // Accepts RFC 1035 escapes (\. \\ \DDD). Rejects empty labels and over-long names.
    static Result<Name> parse(std::string_view text);
    // From uncompressed wire form (length-prefixed labels ending in 0), validated.
    static Result<Name> fromWire(std::string_view wire);

    // Presentation form with a trailing dot ("." for the root); unusual octets escaped.
    [[nodiscard]] std::string toString() const;
    // Uncompressed wire form, including the final zero octet.
    [[nodiscard]] const std::string& wire() const noexcept { return m_wire; }
    [[nodiscard]] std::size_t labelCount() const noexcept;
    [[nodiscard]] bool isRoot() const noexcept { return m_wire.size() == 1; }
    [[nodiscard]] std::vector<std::string_view> labels() const;

    // The name with its first label removed; the root's parent is the root.
    [[nodiscard]] Name parent() const;
    // True when this name equals `zone` or lies below it (case-insensitive).
    [[nodiscard]] bool isSubdomainOf(const Name& zone) const noexcept;
    // Lower-cased copy, used as a map key.
    [[nodiscard]] Name lowercased() const;
    // The wire form of lowercased(), without making a Name of it.
    [[nodiscard]] std::string lowercasedWire() const;
    // The same, written into `buffer` (nothing allocated); the view is of `buffer`.
    [[nodiscard]] std::string_view lowercasedWire(std::array<char, kMaxWireLength>& buffer) const noexcept;

    friend bool operator==(const Name& a, const Name& b) noexcept;

private:
    explicit Name(std::string wire) : m_wire(std::move(wire)) {}
    std::string m_wire;
};

// Hash consistent with the case-insensitive operator==.
struct NameHash {
    // Deliberately not noexcept (it never throws): libstdc++ then keeps each element's hash in
    // its hash-table node, so walking a bucket compares stored hashes instead of hashing every
    // name it passes. Zones of a million names insert and look up markedly faster.
    std::size_t operator()(const Name& name) const;
};

}  // namespace qdyn::dns
