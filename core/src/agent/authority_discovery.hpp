// Finding the authoritative servers of a host's zone through recursive resolvers (SOA, then NS,
// then the name servers' addresses), and the deadline-bounded exchange the verifier shares.
// Private to core/src/agent; the reading of each reply is a pure function the fuzz target drives.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn/dns/name.hpp"
#include "qdyn/dns/transport.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::agent::detail {

using Clock = std::chrono::steady_clock;

// One address to ask, with what the report calls it.
struct Authority {
    std::string label;  // "ns1.example.net (192.0.2.53)"
    std::string group;  // the NS name: its addresses together are one server
    dns::ServerAddress address;
};

struct DiscoveryLimits {
    std::size_t maxNames = 8;
    std::size_t maxAddresses = 16;
    std::size_t maxWalk = 16;  // SOA queries while walking up from the host
};

struct Discovery {
    dns::Name zone;
    std::vector<Authority> authorities;
};

// One exchange (UDP, then TCP when the reply is truncated) whose every attempt ends by
// `deadline`: `options.attempts` attempts of at most `options.timeout` each.
Result<dns::Message> exchangeBefore(const dns::ServerAddress& server, const dns::Message& query,
                                    const dns::QueryOptions& options, Clock::time_point deadline);

// The zone apex, the name servers and their addresses (glue from the NS reply's additional
// section, else asked of the resolvers), each address with `authorityPort`.
Result<Discovery> discoverAuthorities(const dns::Name& host, const std::vector<dns::ServerAddress>& resolvers,
                                      std::uint16_t authorityPort, const dns::QueryOptions& options,
                                      Clock::time_point deadline, const DiscoveryLimits& limits = {});

// The pure readings of replies, for discovery and for the checks.

// The apex of the zone holding `asked`, from a resolver's reply to `asked SOA`: the owner of an
// IN SOA in the answer owned by `asked` itself, or of one in the authority section that `asked`
// lies below (RFC 2308 negative answers). Nothing when the name is an alias (a CNAME at `asked`:
// the SOA then belongs to the target's zone), the rcode is neither NOERROR nor NXDOMAIN, or the
// owner would be the root.
std::optional<dns::Name> zoneFromSoaReply(const dns::Name& asked, const dns::Message& reply);

// The distinct NS names of `zone` in the answer section (IN, owned by `zone`), at most `max`.
std::vector<dns::Name> nameServersFromReply(const dns::Name& zone, const dns::Message& reply, std::size_t max);

// The A/AAAA of `name` in `section` (IN, owned by `name`, of `type`), sorted, no duplicates.
std::vector<IpAddress> addressesOf(const dns::Name& name, std::uint16_t type,
                                   const std::vector<dns::ResourceRecord>& section);

// The addresses a reply's answer section gives for `name`, following at most one CNAME owned by
// `name` whose target's records are in the same answer.
struct AnswerAddresses {
    std::vector<IpAddress> addresses;
    std::optional<dns::Name> alias;  // the CNAME target, when `name` is an alias
    bool unresolvedAlias = false;    // an alias whose target gives no addresses here, or a longer chain
};
AnswerAddresses answerAddresses(const dns::Name& name, std::uint16_t type, const dns::Message& reply);

// "ns1.example.net" (no trailing dot; the root stays ".").
std::string displayName(const dns::Name& name);

}  // namespace qdyn::agent::detail
