// [zone], [dns] and [listen] of server.toml.
#include <charconv>
#include <optional>
#include <tuple>

#include "config/sections.hpp"
#include "qdyn_server/zone.hpp"

namespace qdyn::server::config {

namespace {

// [dns] limits: an hour of idling is already generous; the connection cap stays below what a
// default file-descriptor limit could ever hold; a million journal entries is far more history
// than any secondary that talks to us at least once a day needs; a UDP batch wait beyond a
// millisecond would cost more latency than any batch saves.
constexpr std::int64_t kMaxTcpIdleTimeout = 3600;
constexpr std::int64_t kMaxUdpBatchWait = 1000;
constexpr std::int64_t kMaxTcpConnections = 65535;
constexpr std::int64_t kMaxIxfrJournal = 1000000;

// "127.0.0.1:53", "[::1]:5353". Port 0 means "any free port".
Result<ListenAddress> parseListenAddress(std::string_view text) {
    std::string_view host;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find("]:");
        if (close == std::string_view::npos) return makeError("expected [IPv6]:port");
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return makeError("expected address:port");
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) return makeError("IPv6 addresses need brackets: [addr]:port");
    }
    auto address = IpAddress::parse(host);
    if (!address) return makeError("'" + std::string(host) + "' is not an IP address");
    if (text.front() == '[' && !address->isV6()) return makeError("brackets are for IPv6 addresses only");
    unsigned value = 0;
    const auto* end = port.data() + port.size();
    auto [ptr, ec] = std::from_chars(port.data(), end, value);
    if (port.empty() || ec != std::errc() || ptr != end || value > 65535 || port.front() == '+') {
        return makeError("'" + std::string(port) + "' is not a port (0..65535)");
    }
    return ListenAddress{*address, static_cast<std::uint16_t>(value)};
}

std::optional<CookieSecret> parseHexSecret(std::string_view text) {
    CookieSecret secret{};
    if (text.size() != secret.size() * 2) return std::nullopt;
    for (std::size_t i = 0; i < secret.size(); ++i) {
        unsigned value = 0;
        const char* first = text.data() + 2 * i;
        auto [ptr, ec] = std::from_chars(first, first + 2, value, 16);
        if (ec != std::errc() || ptr != first + 2) return std::nullopt;
        secret[i] = static_cast<std::uint8_t>(value);
    }
    return secret;
}

}  // namespace

Result<std::vector<ListenAddress>> parseListenList(const Reader& reader, const toml::node& node, std::string_view key) {
    auto items = reader.stringArray(node, key);
    if (!items) return items.error();
    std::vector<ListenAddress> out;
    for (const auto& [text, element] : *items) {
        auto parsed = parseListenAddress(text);
        if (!parsed) return reader.at(*element, std::string(key) + " '" + text + "': " + parsed.message());
        for (const auto& existing : out) {
            if (existing.port != 0 && existing.port == parsed->port && existing.address == parsed->address) {
                return reader.at(*element, std::string(key) + " '" + text + "' is listed twice");
            }
        }
        out.push_back(*parsed);
    }
    return out;
}

Result<ZoneConfig> parseZone(const Reader& reader, const toml::table& table) {
    if (auto keys = reader.onlyKeys(table,
                                    {"origin", "nameserver", "nameserver_addresses", "email", "host_ttl",
                                     "host_expire", "apex_ttl", "refresh", "retry", "expire", "minimum"},
                                    "[zone]");
        !keys) {
        return keys.error();
    }
    ZoneConfig zone;
    const auto* origin = table.get("origin");
    if (origin == nullptr) return reader.at(table, "[zone] needs origin (the zone's name)");
    auto originName = reader.name(*origin, "origin");
    if (!originName) return originName.error();
    zone.origin = *originName;

    const auto* nameserver = table.get("nameserver");
    if (nameserver == nullptr) return reader.at(table, "[zone] needs nameserver (the zone's NS and SOA MNAME)");
    auto nsName = reader.name(*nameserver, "nameserver");
    if (!nsName) return nsName.error();
    zone.nameserver = *nsName;
    if (zone.nameserver == zone.origin) {
        return reader.at(*nameserver, "nameserver must not be the zone apex itself");
    }

    if (const auto* glue = table.get("nameserver_addresses")) {
        auto items = reader.stringArray(*glue, "nameserver_addresses");
        if (!items) return items.error();
        if (!zone.nameserver.isSubdomainOf(zone.origin) && !items->empty()) {
            return reader.at(*glue, "nameserver_addresses only apply when nameserver is inside the zone");
        }
        for (const auto& [text, element] : *items) {
            auto address = IpAddress::parse(text);
            if (!address) return reader.at(*element, "nameserver_addresses: '" + text + "' is not an IP address");
            for (const auto& existing : zone.nameserverGlue) {
                if (existing == *address) return reader.at(*element, "nameserver_addresses: '" + text + "' is listed twice");
            }
            zone.nameserverGlue.push_back(*address);
        }
    }

    if (const auto* email = table.get("email")) {
        auto text = reader.string(*email, "email");
        if (!text) return text.error();
        zone.email = *text;
        if (auto rname = rnameFromEmail(zone.email, zone.origin); !rname) {
            return reader.at(*email, "email: " + rname.message());
        }
    }

    const std::pair<const char*, std::uint32_t*> ttls[] = {
        {"host_ttl", &zone.hostTtl}, {"apex_ttl", &zone.apexTtl}, {"refresh", &zone.refresh},
        {"retry", &zone.retry},      {"expire", &zone.expire},    {"minimum", &zone.minimum},
    };
    for (const auto& [key, target] : ttls) {
        if (const auto* node = table.get(key)) {
            auto value = reader.ttl(*node, key);
            if (!value) return value.error();
            *target = *value;
        }
    }
    if (const auto* node = table.get("host_expire")) {
        auto value = reader.duration(*node, "host_expire");
        if (!value) return value.error();
        zone.hostExpire = *value;
    }
    return zone;
}

Result<DnsOptions> parseDns(const Reader& reader, const toml::table& table) {
    if (auto keys = reader.onlyKeys(table,
                                    {"tcp_idle_timeout", "tcp_max_connections", "udp_batch_wait", "udp_segmentation", "cookies", "cookie_secret", "rate_limit",
                                     "rate_limit_burst", "rate_limit_slip", "rate_limit_ipv4_prefix",
                                     "rate_limit_ipv6_prefix", "ixfr_journal", "whoami"},
                                    "[dns]");
        !keys) {
        return keys.error();
    }
    DnsOptions options;
    if (const auto* node = table.get("tcp_idle_timeout")) {
        auto value = reader.integer(*node, "tcp_idle_timeout", 1, kMaxTcpIdleTimeout, " (seconds)");
        if (!value) return value.error();
        options.tcpIdleTimeout = *value;
    }
    if (const auto* node = table.get("tcp_max_connections")) {
        auto value = reader.integer(*node, "tcp_max_connections", 1, kMaxTcpConnections, "");
        if (!value) return value.error();
        options.tcpMaxConnections = *value;
    }
    if (const auto* node = table.get("udp_batch_wait")) {
        auto value = reader.integer(*node, "udp_batch_wait", 0, kMaxUdpBatchWait, " (microseconds)");
        if (!value) return value.error();
        options.udpBatchWaitMicroseconds = *value;
    }
    if (const auto* node = table.get("udp_segmentation")) {
        const auto* flag = node->as_boolean();
        if (flag == nullptr) return reader.at(*node, "udp_segmentation must be true or false");
        options.udpSegmentation = flag->get();
    }
    if (const auto* node = table.get("ixfr_journal")) {
        auto value = reader.integer(*node, "ixfr_journal", 0, kMaxIxfrJournal, " (serial changes)");
        if (!value) return value.error();
        options.ixfrJournal = *value;
    }
    if (const auto* node = table.get("whoami")) {
        auto text = reader.string(*node, "whoami");
        if (!text) return text.error();
        auto whoami = dns::Name::parse(*text);
        if (!whoami || whoami->isRoot()) return reader.at(*node, "whoami must be a domain name");
        options.whoami = std::move(*whoami);
    }
    if (const auto* node = table.get("cookies")) {
        const auto* flag = node->as_boolean();
        if (flag == nullptr) return reader.at(*node, "cookies must be true or false");
        options.cookies.enabled = flag->get();
    }
    if (const auto* node = table.get("cookie_secret")) {
        auto text = reader.string(*node, "cookie_secret");
        if (!text) return text.error();
        auto secret = parseHexSecret(*text);
        if (!secret) return reader.at(*node, "cookie_secret must be 32 hex digits (16 octets), e.g. from `openssl rand -hex 16`");
        options.cookies.secret = *secret;
    }
    // rate_limit = 0 turns the limit off; the rest shape it (BIND's RRL terms).
    const std::tuple<const char*, std::int64_t, std::int64_t, std::uint32_t*> limits[] = {
        {"rate_limit", 0, 1000000, &options.rateLimit.responsesPerSecond},
        {"rate_limit_burst", 1, 1000000, &options.rateLimit.burst},
        {"rate_limit_slip", 0, 10, &options.rateLimit.slip},
    };
    for (const auto& [key, low, high, target] : limits) {
        if (const auto* node = table.get(key)) {
            auto value = reader.integer(*node, key, low, high, "");
            if (!value) return value.error();
            *target = *value;
        }
    }
    if (options.rateLimit.responsesPerSecond == 0) {
        options.rateLimit.enabled = false;
        options.rateLimit.responsesPerSecond = 1;  // unused, but keeps the limiter's own checks happy
    }
    const std::tuple<const char*, std::int64_t, std::uint8_t*> prefixes[] = {
        {"rate_limit_ipv4_prefix", 32, &options.rateLimit.ipv4PrefixLength},
        {"rate_limit_ipv6_prefix", 128, &options.rateLimit.ipv6PrefixLength},
    };
    for (const auto& [key, high, target] : prefixes) {
        if (const auto* node = table.get(key)) {
            auto value = reader.integer(*node, key, 0, high, "");
            if (!value) return value.error();
            *target = static_cast<std::uint8_t>(*value);
        }
    }
    return options;
}

}  // namespace qdyn::server::config
