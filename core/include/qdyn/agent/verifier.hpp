// Verification after an update: ask every authoritative server of a host's zone directly (RD
// clear) for the host's A or AAAA and say whether the new address is served everywhere, still
// propagating, or contradicted. Also the server-address and resolv.conf parsers it needs.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/config/agent_settings.hpp"
#include "qdyn/dns/transport.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::agent {

enum class VerifyStatus : std::uint8_t {
    Verified,      // every authoritative server answers exactly the new address
    Propagating,   // some do; the others still have the old address, no record, or did not answer
    Mismatch,      // a server answers something else, or none has the new address
    Unverifiable,  // no authoritative server could be found or none answered: nothing is known
};
// "verified", "propagating", "mismatch", "unverifiable"
std::string_view toString(VerifyStatus status) noexcept;

// What one server address said, sorted before the status is decided.
enum class ServerVerdict : std::uint8_t {
    Expected,  // exactly the new address
    Previous,  // exactly the address before the update
    Empty,     // no record of the family (NODATA) or no such name (NXDOMAIN)
    Other,     // anything else: other or extra addresses, an alias out of reach
    NoAnswer,  // timed out, unreachable, an error rcode, or not authoritative (AA clear)
};
// "expected", "previous", "empty", "other", "no answer"
std::string_view toString(ServerVerdict verdict) noexcept;

struct ServerCheck {
    std::string server;  // "ns1.example.net (192.0.2.53)"; in Servers mode "192.0.2.53" or "[2001:db8::53]:5353"
    std::vector<IpAddress> addresses;  // what it answers for the host (sorted, without duplicates)
    ServerVerdict verdict = ServerVerdict::NoAnswer;
    std::string error;    // why it counts as NoAnswer or Other; empty otherwise
    std::string aliasOf;  // the CNAME target followed when the host is an alias; empty otherwise
};

struct Verification {
    VerifyStatus status = VerifyStatus::Unverifiable;
    std::vector<ServerCheck> servers;
    std::string zone;     // the zone apex found by discovery ("dyn.example.net"); empty in Servers mode
    std::string summary;  // one plain sentence for the log, `status` and `explain`
};

struct VerifierOptions {
    config::VerifyMode mode = config::VerifyMode::Auto;
    std::vector<dns::ServerAddress> servers;    // VerifyMode::Servers: ask exactly these
    std::vector<dns::ServerAddress> resolvers;  // discovery (Auto); empty: systemResolvers()
    std::uint16_t authorityPort = 53;           // the port asked at discovered servers (tests change it)
    // Per exchange (a resolver's answer, one server's check); each attempt also ends by the deadline.
    dns::QueryOptions query{std::chrono::milliseconds(1500), 2};
    std::chrono::milliseconds deadline{10000};  // the whole verify(): discovery plus every check
};

// Options from a profile's `verify` setting: Off, Auto, or the parsed `verify = [...]` servers.
// Fails on the first server that parseServerAddress rejects.
Result<VerifierOptions> verifierOptionsFor(const config::AgentSettings& settings);

class Verifier {
public:
    // At most this many NS names and addresses are asked; a zone with more is checked on the
    // first ones (the order the resolver gave).
    static constexpr std::size_t kMaxNameServers = 8;
    static constexpr std::size_t kMaxAddresses = 16;

    explicit Verifier(VerifierOptions options);

    // Asks every authoritative server of `host`'s zone for its records of `expected.family()`
    // (Auto: found through the resolvers by SOA, then NS, then the name servers' addresses;
    // Servers: the given list), all at once, each within the deadline.
    //
    // The answer must be exactly {expected}: an extra address counts as Other (a mismatch),
    // because every update protocol replaces the host's whole RRset of the family, so anything
    // beside the new address is data the update did not put there and the user should hear of.
    // `previous` (ignored when of the other family) lets the old address count as propagating.
    // One CNAME at the host is followed within the answer (providers that alias hosts to a name
    // holding the address); a longer chain, or a target whose addresses the server does not
    // give, is Other.
    //
    // Several addresses of one NS name are one server: an address that gives no answer (an IPv6
    // address without IPv6 connectivity) is left out of the decision when another address of the
    // same name answered. Then:
    //   Unverifiable: no server found, or none answered;
    //   Mismatch:     any Other, or no server answers `expected`;
    //   Verified:     every server answers `expected`;
    //   Propagating:  the rest (some Expected, the others Previous, Empty or NoAnswer).
    // Never throws on hostile replies and returns within the deadline plus a little. Blocks; it
    // runs the checks on short-lived threads of its own.
    [[nodiscard]] Verification verify(const std::string& host, const IpAddress& expected,
                                      const std::optional<IpAddress>& previous) const;

    [[nodiscard]] const VerifierOptions& options() const noexcept { return m_options; }

private:
    VerifierOptions m_options;
};

// "192.0.2.53", "192.0.2.53:5353", "[2001:db8::53]:5353", "[2001:db8::53]", "2001:db8::53"
// (port 53 by default). Strict: canonical addresses only (IpAddress::parse), no names (they are
// not resolved), no scope ids, no unspecified or multicast addresses, ports 1-65535 without
// signs or leading zeros; a bare IPv6 address never carries a port.
Result<dns::ServerAddress> parseServerAddress(std::string_view text);
// The inverse: "192.0.2.53" for port 53, else "192.0.2.53:5353" or "[2001:db8::53]:5353".
std::string formatServerAddress(const dns::ServerAddress& server);

// The resolvers of a resolv.conf, read as glibc reads it: lines that start with `nameserver`
// then a space or tab; the address is the next token (anything after it is ignored); at most
// the first three usable-by-glibc entries count (MAXNS). Of those, entries qdyn cannot use are
// dropped rather than replaced by a fourth: a scope id ("fe80::1%eth0") or an IPv6 link-local
// address (ServerAddress holds no scope) and multicast. 0.0.0.0 and :: mean this host, as to
// the kernel, and become 127.0.0.1 and ::1. Comment lines start with # or ;. Duplicates are
// dropped.
std::vector<dns::ServerAddress> parseResolvConf(std::string_view text);

// The system's resolvers: /etc/resolv.conf on Linux, the BSDs and macOS (127.0.0.1 when it lists
// none, as the C library does); on Windows the adapters' DNS servers (GetNetworkParams).
Result<std::vector<dns::ServerAddress>> systemResolvers();

}  // namespace qdyn::agent
