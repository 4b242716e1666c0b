// The qdyn-server configuration: zone, name server, listeners, DNS limits and accounts, read
// from TOML.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn/dns/name.hpp"
#include "qdyn/dns/transport.hpp"
#include "qdyn/dns/tsig.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"
#include "qdyn_server/dns_cookies.hpp"
#include "qdyn_server/rate_limiter.hpp"

namespace qdyn::server {

struct ListenAddress {
    IpAddress address;       // 127.0.0.1, ::1, 0.0.0.0, ::
    std::uint16_t port = 0;  // 0: bind a free port and report it
    // A bound socket handed over by the service manager (systemd socket activation,
    // net/socket_activation.hpp); address and port then say where it is bound. -1: bind one.
    int fd = -1;
};

// [[account]]: a user of the dyndns2 API. Exactly one of `password` and `passwordHash` is set.
struct Account {
    std::string name;
    std::string password;          // plain text, compared in constant time; empty when hashed
    std::vector<dns::Name> hosts;  // names this account may update, each inside the zone
    // "$scrypt$ln=15,r=8,p=1$salt$hash" (accounts/password_hash.hpp), as `qdyn-server account`
    // writes it. Last and with an initializer, so {name, password, hosts} still initialises an
    // account without a missing-initializer warning.
    std::string passwordHash{};
    // nanodnsd's /api/update token for the account's hosts: plain `token` (compared in constant
    // time) or `token_hash` (the same scrypt PHC form as password_hash); both empty: no token.
    std::string token{};
    std::string tokenHash{};
    // md5hex(password), which GnuDIP's challenge needs the server to know (PROTOCOLS.md): a
    // password equivalent for that protocol only, so set only for accounts that use it. With a
    // plain `password` it is derived from that.
    std::string gnudipMd5{};

    // True when `host` is one of this account's hosts (exactly, case-insensitive).
    [[nodiscard]] bool grants(const dns::Name& host) const;
};

// True when some account lists `host` among its hosts.
bool grantedToAny(const std::vector<Account>& accounts, const dns::Name& host);

// A record from the configuration, served as it is and never changed by updates. The owner may
// be the apex ("@").
struct StaticRecord {
    dns::Name name;
    std::uint16_t type = 0;  // A, AAAA, CNAME, MX or TXT
    std::uint32_t ttl = 0;
    dns::RData data;
};

// [[tsig_key]]: a key that signs DNS UPDATEs (nsupdate -y, knsupdate) for one account, and/or
// the zone transfers and NOTIFYs of a [[secondary]]. The updates it signs may touch that
// account's hosts and the names below them; a key without an account signs no update (they are
// REFUSED) and must be named by a [[secondary]].
struct TsigKeyConfig {
    dns::Name name;
    std::string algorithm = "hmac-sha256";  // hmac-sha1, hmac-sha256, hmac-sha512
    std::string secret;                     // base64, as tsig-keygen prints it
    std::string account;                    // empty: a transfer-only key

    // The key itself (the parser has checked that it can be made).
    [[nodiscard]] Result<dns::TsigKey> makeKey() const;
};

// [[secondary]]: a server that copies the zone by AXFR/IXFR (RFC 5936, 1995) and is sent a
// NOTIFY (RFC 1996) after every change.
struct SecondaryConfig {
    IpAddress address;                 // transfers are answered to this source address only; NOTIFY goes here
    std::uint16_t port = 53;           // the secondary's DNS port, for NOTIFY
    std::optional<dns::Name> tsigKey;  // a [[tsig_key]] its transfers must be signed with; it signs our NOTIFYs
};

// [forward]: an external primary that receives every accepted change as well (dynonym's model,
// seed 004): one TSIG-signed RFC 2136 UPDATE per change, retried until the primary accepts it.
struct ForwardConfig {
    dns::ServerAddress server;             // the primary's DNS address and port
    dns::Name zone;                        // the primary's zone; holds [zone] origin (default: the origin)
    dns::Name tsigKey;                     // a [[tsig_key]] that signs the UPDATEs
    std::uint32_t timeoutMs = 2000;        // per attempt (UDP, then TCP for large messages)
    std::uint32_t retryMax = 300;          // seconds; the retry delay doubles from 1 s up to this
    bool resyncOnStart = true;             // send every dynamic RRset once at start-up

    friend bool operator==(const ForwardConfig&, const ForwardConfig&) = default;
};

// [file_drop]: per-account address files (seed 003, docs/file-drop.md), watched and applied
// through the update service like any other update.
struct FileDropOptions {
    enum class Watcher : std::uint8_t { Auto, Inotify, Poll };  // auto: inotify on Linux, else poll
    std::string pattern;                // a path; "{account}" stands for the account's name
    std::vector<std::string> accounts;  // the accounts that use it; empty: every account
    std::uint32_t pollInterval = 2;     // seconds between polls (and inotify's safety-net checks)
    Watcher watcher = Watcher::Auto;

    // The address file of one account: the pattern with every "{account}" replaced.
    [[nodiscard]] std::filesystem::path pathFor(std::string_view account) const;
};

// [[host]]: settings of one updatable host that differ from the zone's defaults.
struct HostSettings {
    dns::Name name;
    std::optional<std::uint32_t> ttl;     // TTL of its dynamic records
    std::optional<std::uint32_t> expire;  // seconds after an update until they go; 0: never
};

struct ZoneConfig {
    dns::Name origin;                        // e.g. dyn.example.test
    dns::Name nameserver;                    // MNAME and the apex NS
    std::vector<IpAddress> nameserverGlue;   // A/AAAA for the name server when it is inside the zone
    std::string email = "hostmaster";        // RNAME source; dots before '@' are escaped
    std::uint32_t hostTtl = 60;
    std::uint32_t hostExpire = 86400;  // dynamic records go this long after their last update; 0: never
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
    // Under load (a receive round that took 4 datagrams or more, UdpListener::kBusyRound) the UDP listener
    // waits this long before the next round, so that round takes a fuller batch: fewer system
    // calls and wake-ups per query, at most this much more latency. 0: never waits.
    std::uint32_t udpBatchWaitMicroseconds = 100;
    // The answers of one receive round to one peer go out as segmented groups (Linux UDP_SEGMENT,
    // where the kernel and route take it): one trip through the network stack per group.
    bool udpSegmentation = true;
    CookieOptions cookies;                   // RFC 7873/9018 server cookies
    RateLimitOptions rateLimit;              // UDP answers per source prefix without a valid cookie
    std::uint32_t ixfrJournal = 1000;        // serial changes kept for IXFR; 0: secondaries always get AXFR
    // A name answered with the querier's own address (A, AAAA, TXT; class IN, and CH TXT), TTL 0,
    // for the DNS echo source; may lie outside the zone. Empty: none.
    std::optional<dns::Name> whoami;
};

// [throttle]: how the HTTP APIs slow down password guessing and misbehaving clients. A source
// is an IPv4 address or an IPv6 /64.
struct ThrottleOptions {
    std::uint32_t failures = 5;    // failed logins from one source, or for one account, within `window`; 0: off
    std::uint32_t window = 600;    // seconds the counts run over
    std::uint32_t block = 900;     // seconds a source or an account is refused once over a limit
    std::uint32_t unchanged = 30;  // dyndns2 updates of one account that change nothing within `window`
                                   // before it is blocked (`abuse`); 0: off
    friend bool operator==(const ThrottleOptions&, const ThrottleOptions&) = default;
};

// [http]: the HTTP(S) update APIs.
struct HttpOptions {
    // TLS certificate chain and private key (PEM) for the [listen] https listeners.
    std::filesystem::path tlsCertificate;
    std::filesystem::path tlsKey;
    // More paths that serve nanodnsd's /api/update: each prefix + "/api/update" (a Fritz!Box
    // behind a proxy used "/dns").
    std::vector<std::string> nanodnsdPrefixes;
    std::uint32_t gnudipSaltLifetime = 60;  // seconds a GnuDIP HTTP salt stays valid
    // The UPnP IGD echo (http/igd_handler.hpp): a root description and a WANIPConnection control
    // URL answering GetExternalIPAddress with the peer's address. Off unless asked for.
    bool igd = false;
};

// [line]: the line protocols' listeners (QDNS, miniupdate, GnuDIP over TCP).
struct LineOptions {
    std::uint32_t idleTimeout = 30;      // seconds without a complete line before a session is closed
    std::uint32_t maxConnections = 256;  // per listener; over it new connections are closed at once
    friend bool operator==(const LineOptions&, const LineOptions&) = default;
};

struct Config {
    ZoneConfig zone;
    DnsOptions dns;
    std::vector<ListenAddress> dnsUdp;
    std::vector<ListenAddress> dnsTcp;
    std::vector<ListenAddress> http;
    std::vector<ListenAddress> https;
    std::vector<ListenAddress> qdns;        // QDNS over TCP (7393)
    std::vector<ListenAddress> qdnsTls;     // QDNS over TLS (7394), with [http]'s certificate
    std::vector<ListenAddress> miniupdate;  // miniupdate over TCP (9120)
    std::vector<ListenAddress> gnudip;      // GnuDIP over TCP (3495)
    std::vector<ListenAddress> myip;        // miniDNS's myip over UDP (9121)
    std::vector<ListenAddress> stun;        // STUN Binding responses over UDP (3478)
    std::vector<ListenAddress> natpmp;      // NAT-PMP external address answers over UDP (5351), IPv4 only
    LineOptions lineOptions;
    HttpOptions httpOptions;
    ThrottleOptions throttle;
    std::vector<Account> accounts;
    std::vector<StaticRecord> records;
    std::vector<HostSettings> hosts;
    std::vector<TsigKeyConfig> tsigKeys;
    std::vector<SecondaryConfig> secondaries;
    std::optional<ForwardConfig> forward;
    std::optional<FileDropOptions> fileDrop;  // [file_drop]; empty: no address files are watched
    // [store] path: the SQLite file holding the dynamic records. Empty: updates live in memory
    // only and are lost on restart (the server says so when it starts).
    std::filesystem::path storePath;
    // [accounts] file: the accounts and TSIG keys `qdyn-server account` and `tsig-key` manage,
    // resolved against the directory of the main file; read together with it. Empty: none.
    std::filesystem::path accountsFile;

    // The TTL and expiry that apply to a host's dynamic records.
    [[nodiscard]] std::uint32_t ttlFor(const dns::Name& host) const;
    [[nodiscard]] std::uint32_t expireFor(const dns::Name& host) const;

    // Errors name the source and the line ("server.toml:12: ..."). A relative [accounts] file is
    // found next to `sourceName` and read from disk.
    static Result<Config> parse(std::string_view toml, const std::string& sourceName);
    // The same with `accountsText` standing in for the [accounts] file's content: the account
    // commands check the file they are about to write exactly as the server will read it.
    static Result<Config> parse(std::string_view toml, const std::string& sourceName, std::string_view accountsText);
    static Result<Config> load(const std::filesystem::path& path);
};

}  // namespace qdyn::server
