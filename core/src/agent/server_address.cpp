// Server addresses as profiles write them ("192.0.2.53:5353", "[2001:db8::53]:5353") and the
// nameserver lines of a resolv.conf. Both read text a user or the system wrote: strict, no
// guessing, no name resolution.
#include <algorithm>
#include <cstddef>

#include "qdyn/agent/verifier.hpp"

namespace qdyn::agent {

namespace {

constexpr std::size_t kMaxServerText = 64;  // "[ffff:...:255.255.255.255]:65535" is 54 octets
constexpr std::size_t kMaxResolvers = 3;    // glibc's MAXNS

// The text as an error message may quote it: capped, control octets and non-ASCII replaced.
std::string quotedServerText(std::string_view text) {
    std::string out = "\"";
    for (const char c : text.substr(0, kMaxServerText)) {
        const auto octet = static_cast<unsigned char>(c);
        out += (octet < 0x20 || octet >= 0x7f || c == '"') ? '?' : c;
    }
    if (text.size() > kMaxServerText) out += "...";
    return out + "\"";
}

// 1-65535 in plain decimal: no sign, no leading zero, at most five digits.
std::optional<std::uint16_t> parsePort(std::string_view text) {
    if (text.empty() || text.size() > 5 || text.front() == '0') return std::nullopt;
    unsigned value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value < 1 || value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

bool isUnicast(const IpAddress& address) {
    const AddressScope scope = address.scope();
    return scope != AddressScope::Unspecified && scope != AddressScope::Multicast;
}

bool isSpaceOrTab(char c) {
    return c == ' ' || c == '\t';
}

}  // namespace

Result<dns::ServerAddress> parseServerAddress(std::string_view text) {
    const auto fail = [&](std::string_view why) {
        return makeError("server address " + quotedServerText(text) + ": " + std::string(why));
    };
    if (text.empty()) return fail("empty");
    if (text.size() > kMaxServerText) return fail("too long");
    std::string_view host = text;
    std::optional<std::string_view> port;
    const bool bracketed = text.front() == '[';
    if (bracketed) {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos) return fail("missing ]");
        host = text.substr(1, close - 1);
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return fail("expected :PORT after ]");
            port = rest.substr(1);
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        // One colon: ADDRESS:PORT. More: a bare IPv6 address, which never carries a port.
        const std::size_t colon = text.find(':');
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (host.find('%') != std::string_view::npos) return fail("scope ids are not supported");
    const auto address = IpAddress::parse(host);
    if (!address) return fail("not an IP address (server names are not resolved)");
    if (bracketed && !address->isV6()) return fail("brackets are for IPv6 addresses only");
    if (!isUnicast(*address)) return fail("not a unicast address");
    dns::ServerAddress server{*address, 53};
    if (port) {
        const auto number = parsePort(*port);
        if (!number) return fail("the port must be a number from 1 to 65535");
        server.port = *number;
    }
    return server;
}

std::string formatServerAddress(const dns::ServerAddress& server) {
    if (server.port == 53) return server.address.toString();
    const std::string port = ":" + std::to_string(server.port);
    return server.address.isV6() ? "[" + server.address.toString() + "]" + port : server.address.toString() + port;
}

std::vector<dns::ServerAddress> parseResolvConf(std::string_view text) {
    constexpr std::string_view keyword = "nameserver";
    std::vector<dns::ServerAddress> out;
    std::size_t counted = 0;
    while (!text.empty() && counted < kMaxResolvers) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        // glibc: the keyword at the very start of the line, then a space or tab. Comment lines
        // (# or ;) and indented lines never match.
        if (line.size() <= keyword.size() || line.substr(0, keyword.size()) != keyword ||
            !isSpaceOrTab(line[keyword.size()])) {
            continue;
        }
        line.remove_prefix(keyword.size());
        while (!line.empty() && isSpaceOrTab(line.front()))
            line.remove_prefix(1);
        // The token ends at white space (a CR from a file edited on Windows included); glibc
        // ignores whatever follows it.
        const std::size_t tokenEnd = line.find_first_of(" \t\r");
        const std::string_view token = line.substr(0, tokenEnd);
        if (token.empty()) continue;
        const std::size_t percent = token.find('%');
        const auto address = IpAddress::parse(token.substr(0, percent));
        if (!address || (percent != std::string_view::npos && !address->isV6())) continue;
        ++counted;  // glibc would use it: it takes one of the three places either way
        // An IPv6 link-local address is unreachable without its scope; IPv4's needs none.
        if (percent != std::string_view::npos || (address->isV6() && address->scope() == AddressScope::LinkLocal) ||
            address->scope() == AddressScope::Multicast) {
            continue;
        }
        dns::ServerAddress server{*address, 53};
        if (address->scope() == AddressScope::Unspecified) {
            server.address = *IpAddress::parse(address->isV4() ? "127.0.0.1" : "::1");
        }
        if (std::find(out.begin(), out.end(), server) == out.end()) out.push_back(server);
    }
    return out;
}

}  // namespace qdyn::agent
