// The IPv6 policy of a profile: which of this machine's IPv6 addresses to publish. Temporary
// (privacy) addresses change daily, deprecated ones are on their way out, tentative ones may be
// duplicates, link-local and unique-local ones are not reachable from outside: skip them and
// prefer a stable address. Or publish, for a host behind this machine, the detected prefix with
// a fixed interface identifier.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qdyn/detect/address_check.hpp"
#include "qdyn/detect/source.hpp"

namespace qdyn::detect {

struct Ipv6Policy {
    std::string interfaceName;   // only addresses on this interface; empty: any (non-interface sources have none)
    bool skipTemporary = true;   // RFC 8981 privacy addresses
    bool skipDeprecated = true;  // preferred lifetime over
    bool preferStable = true;    // stable-privacy or static addresses before the others
    // Tentative addresses (duplicate address detection pending) and link-local ones are always
    // skipped; unique local ones go through checkAddress ("behind NAT" unless allowPrivate).

    // Prefix + fixed interface identifier: when set, the chosen address's first `prefixLength`
    // bits are kept and the rest come from `interfaceId` (e.g. ::1234:5678:9abc:def0).
    std::optional<IpAddress> interfaceId;
    unsigned prefixLength = 64;  // 1..127
};

struct SkippedCandidate {
    IpAddress address;
    std::string why;  // "temporary", "deprecated", "link-local", "on eth1, not eth0", ...
};

struct Ipv6Choice {
    std::optional<IpAddress> address;    // the address to publish, if any
    std::optional<IpAddress> behindNat;  // nothing publishable, but this private/ULA one was usable
    std::string reason;                  // why this address, or why none
    std::vector<SkippedCandidate> skipped;  // every other candidate and why it lost
};

// Chooses one address from `candidates` (in the source's order). Pure: no OS call, no clock.
Ipv6Choice chooseIpv6(std::span<const Candidate> candidates, const Ipv6Policy& policy,
                      const CheckOptions& check = {});

// `prefix`'s first `prefixLength` bits followed by `interfaceId`'s remaining bits.
IpAddress combinePrefixAndInterfaceId(const IpAddress& prefix, unsigned prefixLength, const IpAddress& interfaceId);

}  // namespace qdyn::detect
