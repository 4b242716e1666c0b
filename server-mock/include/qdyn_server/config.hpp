// The qdyn-server configuration: zone, name server, listeners, DNS limits and accounts, read
// from TOML.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/dns/name.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::server {

struct ListenAddress {
    IpAddress address;       // 127.0.0.1, ::1, 0.0.0.0, ::
    std::uint16_t port = 0;  // 0: bind a free port and report it
};

struct Account {
    std::string name;
    std::string password;          // compared in constant time (strong hashes arrive with the HTTP issue)
    std::vector<dns::Name> hosts;  // names this account may update, each inside the zone
};

struct ZoneConfig {
    dns::Name origin;                        // e.g. dyn.example.test
    dns::Name nameserver;                    // MNAME and the apex NS
    std::vector<IpAddress> nameserverGlue;   // A/AAAA for the name server when it is inside the zone
    std::string email = "hostmaster";        // RNAME source; dots before '@' are escaped
    std::uint32_t hostTtl = 60;
    std::uint32_t apexTtl = 86400;
    std::uint32_t refresh = 600;
    std::uint32_t retry = 300;
    std::uint32_t expire = 604800;
    std::uint32_t minimum = 600;
};

// [dns]: limits of the DNS front ends.
struct DnsOptions {
    std::uint32_t tcpIdleTimeout = 10;       // seconds between messages, and for a message to arrive whole
    std::uint32_t tcpMaxConnections = 256;   // over this, a new connection evicts the oldest
};

struct Config {
    ZoneConfig zone;
    DnsOptions dns;
    std::vector<ListenAddress> dnsUdp;
    std::vector<ListenAddress> dnsTcp;
    std::vector<ListenAddress> http;
    std::vector<Account> accounts;

    // Errors name the source and the line ("server.toml:12: ...").
    static Result<Config> parse(std::string_view toml, const std::string& sourceName);
    static Result<Config> load(const std::filesystem::path& path);
};

}  // namespace qdyn::server
