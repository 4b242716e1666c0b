// Reads server.toml strictly: unknown keys, wrong types and values out of range are errors
// that name the file and line, so a typo never silently turns into a default.
#include "qdyn_server/config.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_set>

#include <toml++/toml.h>

#include "qdyn_server/zone.hpp"

namespace qdyn::server {

namespace {

// RFC 2181 section 8: TTLs are 31-bit values.
constexpr std::int64_t kMaxTtl = 2147483647;
// [dns] limits: an hour of idling is already generous; the connection cap stays below what a
// default file-descriptor limit could ever hold.
constexpr std::int64_t kMaxTcpIdleTimeout = 3600;
constexpr std::int64_t kMaxTcpConnections = 65535;

class Reader {
public:
    explicit Reader(std::string sourceName) : m_source(std::move(sourceName)) {}

    Error at(const toml::source_region& where, const std::string& what) const {
        return makeError(m_source + ":" + std::to_string(where.begin.line) + ": " + what);
    }
    Error at(const toml::node& node, const std::string& what) const { return at(node.source(), what); }
    Error whole(const std::string& what) const { return makeError(m_source + ": " + what); }

    // Every key of `table` must be one of `allowed`.
    Result<void> onlyKeys(const toml::table& table, std::initializer_list<std::string_view> allowed,
                          std::string_view where) const {
        for (auto&& [key, node] : table) {
            bool known = false;
            for (auto name : allowed) known = known || key.str() == name;
            if (!known) {
                return at(key.source(), "unknown key '" + std::string(key.str()) + "' in " + std::string(where));
            }
        }
        return {};
    }

    Result<std::string> string(const toml::node& node, std::string_view key) const {
        if (const auto* value = node.as_string()) return value->get();
        return at(node, std::string(key) + " must be a string");
    }

    Result<std::vector<std::pair<std::string, const toml::node*>>> stringArray(const toml::node& node,
                                                                                std::string_view key) const {
        const auto* array = node.as_array();
        if (array == nullptr) return at(node, std::string(key) + " must be an array of strings");
        std::vector<std::pair<std::string, const toml::node*>> out;
        for (const auto& element : *array) {
            const auto* value = element.as_string();
            if (value == nullptr) return at(element, std::string(key) + " must contain only strings");
            out.emplace_back(value->get(), &element);
        }
        return out;
    }

    Result<std::uint32_t> ttl(const toml::node& node, std::string_view key) const {
        const auto* value = node.as_integer();
        if (value == nullptr) return at(node, std::string(key) + " must be an integer (seconds)");
        const std::int64_t seconds = value->get();
        if (seconds < 0 || seconds > kMaxTtl) {
            return at(node, std::string(key) + " must be between 0 and " + std::to_string(kMaxTtl));
        }
        return static_cast<std::uint32_t>(seconds);
    }

    Result<std::uint32_t> integer(const toml::node& node, std::string_view key, std::int64_t low, std::int64_t high,
                                  std::string_view unit) const {
        const auto* value = node.as_integer();
        if (value == nullptr) return at(node, std::string(key) + " must be an integer" + std::string(unit));
        const std::int64_t number = value->get();
        if (number < low || number > high) {
            return at(node, std::string(key) + " must be between " + std::to_string(low) + " and " + std::to_string(high));
        }
        return static_cast<std::uint32_t>(number);
    }

    Result<dns::Name> name(const toml::node& node, std::string_view key) const {
        auto text = string(node, key);
        if (!text) return text.error();
        if (text->empty()) return at(node, std::string(key) + " must not be empty");
        auto parsed = dns::Name::parse(*text);
        if (!parsed) return at(node, std::string(key) + ": " + parsed.message());
        if (parsed->isRoot()) return at(node, std::string(key) + " must not be the root");
        return parsed;
    }

private:
    std::string m_source;
};

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

Result<std::vector<ListenAddress>> listenList(const Reader& reader, const toml::node& node, std::string_view key) {
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
                                     "apex_ttl", "refresh", "retry", "expire", "minimum"},
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
    return zone;
}

Result<DnsOptions> parseDns(const Reader& reader, const toml::table& table) {
    if (auto keys = reader.onlyKeys(table, {"tcp_idle_timeout", "tcp_max_connections"}, "[dns]"); !keys) {
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
    return options;
}

// A host as written in an account: absolute when it ends in a dot or already lies inside the
// zone; a single label is relative to the zone. Anything else is refused rather than guessed.
Result<dns::Name> hostName(std::string_view text, const dns::Name& origin) {
    if (text.empty()) return makeError("empty host name");
    auto parsed = dns::Name::parse(text);
    if (!parsed) return parsed.error();
    dns::Name name = *parsed;
    if (text.back() != '.' && !name.isSubdomainOf(origin)) {
        if (name.labelCount() != 1) {
            return makeError("is not inside the zone " + origin.toString() +
                             " (write a single label or the full name)");
        }
        auto joined = dns::Name::parse(std::string(text) + "." + origin.toString());
        if (!joined) return joined.error();
        name = *joined;
    }
    if (!name.isSubdomainOf(origin)) return makeError("is not inside the zone " + origin.toString());
    if (name == origin) return makeError("is the zone apex, which holds SOA and NS only");
    return name;
}

Result<Account> parseAccount(const Reader& reader, const toml::table& table, const ZoneConfig& zone) {
    if (auto keys = reader.onlyKeys(table, {"name", "password", "hosts"}, "[[account]]"); !keys) {
        return keys.error();
    }
    Account account;
    const auto* name = table.get("name");
    if (name == nullptr) return reader.at(table, "[[account]] needs name");
    auto nameText = reader.string(*name, "name");
    if (!nameText) return nameText.error();
    if (nameText->empty()) return reader.at(*name, "account name must not be empty");
    // Basic auth splits user:password at the first colon, so a colon can never match.
    if (nameText->find(':') != std::string::npos) return reader.at(*name, "account name must not contain ':'");
    account.name = *nameText;

    const auto* password = table.get("password");
    if (password == nullptr) return reader.at(table, "[[account]] '" + account.name + "' needs password");
    auto passwordText = reader.string(*password, "password");
    if (!passwordText) return passwordText.error();
    if (passwordText->empty()) return reader.at(*password, "password must not be empty");
    account.password = *passwordText;

    const auto* hosts = table.get("hosts");
    if (hosts == nullptr) return reader.at(table, "[[account]] '" + account.name + "' needs hosts");
    auto items = reader.stringArray(*hosts, "hosts");
    if (!items) return items.error();
    if (items->empty()) return reader.at(*hosts, "hosts must list at least one name");
    for (const auto& [text, element] : *items) {
        auto host = hostName(text, zone.origin);
        if (!host) return reader.at(*element, "host '" + text + "' " + host.message());
        if (*host == zone.nameserver) {
            return reader.at(*element, "host '" + text + "' is the zone's name server and cannot be updated");
        }
        for (const auto& existing : account.hosts) {
            if (existing == *host) return reader.at(*element, "host '" + text + "' is listed twice");
        }
        account.hosts.push_back(*host);
    }
    return account;
}

Result<Config> parseDocument(const Reader& reader, const toml::table& root) {
    if (auto keys = reader.onlyKeys(root, {"zone", "listen", "dns", "account"}, "the top level"); !keys) {
        return keys.error();
    }
    Config config;
    const auto* zoneNode = root.get("zone");
    if (zoneNode == nullptr) return reader.whole("missing [zone] table");
    const auto* zoneTable = zoneNode->as_table();
    if (zoneTable == nullptr) return reader.at(*zoneNode, "zone must be a table ([zone])");
    auto zone = parseZone(reader, *zoneTable);
    if (!zone) return zone.error();
    config.zone = std::move(*zone);

    if (const auto* listenNode = root.get("listen")) {
        const auto* listen = listenNode->as_table();
        if (listen == nullptr) return reader.at(*listenNode, "listen must be a table ([listen])");
        if (auto keys = reader.onlyKeys(*listen, {"dns_udp", "dns_tcp", "http"}, "[listen]"); !keys) return keys.error();
        if (const auto* node = listen->get("dns_udp")) {
            auto list = listenList(reader, *node, "dns_udp");
            if (!list) return list.error();
            config.dnsUdp = std::move(*list);
        }
        if (const auto* node = listen->get("dns_tcp")) {
            auto list = listenList(reader, *node, "dns_tcp");
            if (!list) return list.error();
            config.dnsTcp = std::move(*list);
        }
        if (const auto* node = listen->get("http")) {
            auto list = listenList(reader, *node, "http");
            if (!list) return list.error();
            config.http = std::move(*list);
        }
    }

    if (const auto* dnsNode = root.get("dns")) {
        const auto* dnsTable = dnsNode->as_table();
        if (dnsTable == nullptr) return reader.at(*dnsNode, "dns must be a table ([dns])");
        auto options = parseDns(reader, *dnsTable);
        if (!options) return options.error();
        config.dns = *options;
    }

    if (const auto* accountsNode = root.get("account")) {
        const auto* accounts = accountsNode->as_array();
        if (accounts == nullptr) return reader.at(*accountsNode, "account must be an array of tables ([[account]])");
        std::unordered_set<std::string> seen;
        for (const auto& element : *accounts) {
            const auto* table = element.as_table();
            if (table == nullptr) return reader.at(element, "account entries must be tables ([[account]])");
            auto account = parseAccount(reader, *table, config.zone);
            if (!account) return account.error();
            if (!seen.insert(account->name).second) {
                return reader.at(*table, "account '" + account->name + "' is defined twice");
            }
            config.accounts.push_back(std::move(*account));
        }
    }
    return config;
}

}  // namespace

Result<Config> Config::parse(std::string_view toml, const std::string& sourceName) {
    const Reader reader(sourceName);
    toml::table root;
    try {
        root = toml::parse(toml, sourceName);
    } catch (const toml::parse_error& error) {
        return reader.at(error.source(), std::string(error.description()));
    }
    return parseDocument(reader, root);
}

Result<Config> Config::load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(path.string() + ": cannot open: " + std::strerror(errno));
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) return makeError(path.string() + ": read error");
    return parse(content.str(), path.string());
}

}  // namespace qdyn::server
