// Name: presentation-form parsing and printing, wire validation, and the case-insensitive
// comparisons every zone lookup depends on.
#include "qdyn/dns/name.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace qdyn::dns {

namespace {

// Length octets are 0..63, below 'A', so folding the whole wire form folds only label octets.
constexpr unsigned char foldCase(unsigned char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

// Octets that are equal need no folding; two that differ are still equal only when they are
// the same letter in the other case (0x20 apart). Most names compared are stored in one case,
// so the loop is mostly one comparison an octet (zone lookups and grant checks run it a lot).
bool equalFolded(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto x = static_cast<unsigned char>(a[i]);
        const auto y = static_cast<unsigned char>(b[i]);
        if (x == y) continue;
        if ((x ^ y) != 0x20U) return false;
        const auto lower = static_cast<unsigned char>(x | 0x20U);
        if (lower < 'a' || lower > 'z') return false;
    }
    return true;
}

bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }

std::string rootWire() { return std::string(1, '\0'); }

// Appends one label octet, enforcing both length limits as we go so a hostile, very long
// text is rejected after at most 255 octets of work.
Result<void> appendOctet(std::string& wire, std::size_t labelStart, char octet, std::size_t offset) {
    if (wire.size() - labelStart > Name::kMaxLabelLength) {
        return makeError("DNS name: label longer than 63 octets at offset " + std::to_string(offset));
    }
    // +1 for the terminating root octet still to come.
    if (wire.size() + 1 + 1 > Name::kMaxWireLength) {
        return makeError("DNS name: longer than 255 octets in wire form at offset " +
                         std::to_string(offset));
    }
    wire.push_back(octet);
    return {};
}

}  // namespace

Name::Name() : m_wire(rootWire()) {}

Result<Name> Name::parse(std::string_view text) {
    if (text.empty() || text == ".") return Name();

    std::string wire;
    wire.reserve(std::min(text.size() + 2, kMaxWireLength));
    std::size_t labelStart = 0;
    wire.push_back('\0');  // length octet of the first label, patched when the label ends

    auto closeLabel = [&](std::size_t offset) -> Result<void> {
        const std::size_t length = wire.size() - labelStart - 1;
        if (length == 0) return makeError("DNS name: empty label at offset " + std::to_string(offset));
        wire[labelStart] = static_cast<char>(length);
        return {};
    };

    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        const std::size_t offset = i;
        if (c == '.') {
            if (auto closed = closeLabel(offset); !closed) return closed.error();
            ++i;
            if (i == text.size()) {  // trailing dot: the root label follows
                wire.push_back('\0');
                return Name(std::move(wire));
            }
            labelStart = wire.size();
            wire.push_back('\0');
            continue;
        }
        char octet = c;
        if (c == '\\') {
            if (i + 1 >= text.size()) {
                return makeError("DNS name: dangling backslash at offset " + std::to_string(offset));
            }
            if (isDigit(text[i + 1])) {
                if (i + 3 >= text.size() || !isDigit(text[i + 2]) || !isDigit(text[i + 3])) {
                    return makeError("DNS name: \\DDD escape needs three digits at offset " +
                                     std::to_string(offset));
                }
                const int value = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
                if (value > 255) {
                    return makeError("DNS name: \\DDD escape above 255 at offset " + std::to_string(offset));
                }
                octet = static_cast<char>(static_cast<unsigned char>(value));
                i += 4;
            } else {
                octet = text[i + 1];
                i += 2;
            }
        } else {
            const auto u = static_cast<unsigned char>(c);
            if (u <= 0x20 || u >= 0x7f) {
                // Unescaped spaces, control characters and non-ASCII octets are almost always a
                // mistake (or an attempt to smuggle one); IDNs must arrive as punycode.
                return makeError("DNS name: unescaped space, control or non-ASCII octet at offset " +
                                 std::to_string(offset));
            }
            ++i;
        }
        if (auto appended = appendOctet(wire, labelStart, octet, offset); !appended) {
            return appended.error();
        }
    }
    if (auto closed = closeLabel(text.size()); !closed) return closed.error();
    wire.push_back('\0');
    return Name(std::move(wire));
}

Result<Name> Name::fromWire(std::string_view wire) {
    std::size_t pos = 0;
    while (true) {
        if (pos >= wire.size()) {
            return makeError("DNS name: wire form ends before the root label at offset " +
                             std::to_string(pos));
        }
        const auto length = static_cast<unsigned char>(wire[pos]);
        if (length == 0) break;
        if (length > kMaxLabelLength) {
            return makeError("DNS name: label longer than 63 octets (or compressed) at offset " +
                             std::to_string(pos));
        }
        pos += 1 + length;
        // The root octet must still fit after this label.
        if (pos + 1 > kMaxWireLength) {
            return makeError("DNS name: longer than 255 octets in wire form at offset " +
                             std::to_string(pos));
        }
    }
    if (pos + 1 != wire.size()) {
        return makeError("DNS name: trailing bytes after the root label at offset " +
                         std::to_string(pos + 1));
    }
    return Name(std::string(wire));
}

std::string Name::toString() const {
    if (isRoot()) return ".";
    std::string out;
    out.reserve(m_wire.size() + 8);
    std::size_t pos = 0;
    while (true) {
        const auto length = static_cast<unsigned char>(m_wire[pos]);
        if (length == 0) break;
        for (std::size_t k = pos + 1; k <= pos + length; ++k) {
            const auto u = static_cast<unsigned char>(m_wire[k]);
            if (u == '.' || u == '\\') {
                out.push_back('\\');
                out.push_back(static_cast<char>(u));
            } else if (u <= 0x20 || u >= 0x7f) {
                out.push_back('\\');
                out.push_back(static_cast<char>('0' + u / 100));
                out.push_back(static_cast<char>('0' + (u / 10) % 10));
                out.push_back(static_cast<char>('0' + u % 10));
            } else {
                out.push_back(static_cast<char>(u));
            }
        }
        out.push_back('.');
        pos += 1 + length;
    }
    return out;
}

std::size_t Name::labelCount() const noexcept {
    std::size_t count = 0;
    for (std::size_t pos = 0; static_cast<unsigned char>(m_wire[pos]) != 0;
         pos += 1 + std::size_t{static_cast<unsigned char>(m_wire[pos])}) {
        ++count;
    }
    return count;
}

std::vector<std::string_view> Name::labels() const {
    std::vector<std::string_view> out;
    out.reserve(labelCount());
    const std::string_view wire(m_wire);
    for (std::size_t pos = 0; static_cast<unsigned char>(wire[pos]) != 0;) {
        const auto length = static_cast<unsigned char>(wire[pos]);
        out.push_back(wire.substr(pos + 1, length));
        pos += 1 + length;
    }
    return out;
}

Name Name::parent() const {
    if (isRoot()) return Name();
    const auto length = static_cast<unsigned char>(m_wire[0]);
    return Name(m_wire.substr(1 + static_cast<std::size_t>(length)));
}

bool Name::isSubdomainOf(const Name& zone) const noexcept {
    const std::size_t zoneSize = zone.m_wire.size();
    if (zoneSize > m_wire.size()) return false;
    // Walk label boundaries so "example.test" never matches the zone "ample.test": only a
    // suffix that starts at a length octet counts.
    std::size_t pos = 0;
    while (m_wire.size() - pos > zoneSize) {
        pos += 1 + std::size_t{static_cast<unsigned char>(m_wire[pos])};
    }
    if (m_wire.size() - pos != zoneSize) return false;
    return equalFolded(std::string_view(m_wire).substr(pos), zone.m_wire);
}

Name Name::lowercased() const { return Name(lowercasedWire()); }

std::string Name::lowercasedWire() const {
    std::string wire = m_wire;
    for (char& c : wire) c = static_cast<char>(foldCase(static_cast<unsigned char>(c)));
    return wire;
}

std::string_view Name::lowercasedWire(std::array<char, kMaxWireLength>& buffer) const noexcept {
    // Every Name holds a valid wire form, so it fits; the bound only keeps a broken one in range.
    const std::size_t size = std::min(m_wire.size(), buffer.size());
    for (std::size_t i = 0; i < size; ++i) buffer[i] = static_cast<char>(foldCase(static_cast<unsigned char>(m_wire[i])));
    return {buffer.data(), size};
}

bool operator==(const Name& a, const Name& b) noexcept { return equalFolded(a.m_wire, b.m_wire); }

std::size_t NameHash::operator()(const Name& name) const {
    // FNV-1a over the case-folded wire form, so names equal under operator== hash equally.
    std::uint64_t hash = 14695981039346656037ULL;
    for (const char c : name.wire()) {
        hash ^= foldCase(static_cast<unsigned char>(c));
        hash *= 1099511628211ULL;
    }
    return static_cast<std::size_t>(hash);
}

}  // namespace qdyn::dns
