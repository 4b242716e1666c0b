// What a profile tells the agent beyond the wire: which address families to keep published,
// where to detect them, when to poll and refresh, how to verify, and what to run on a change.
// Parsed with the rest of the profile (profile_agent.cpp); every field has a sane default.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "qdyn/detect/ipv6_policy.hpp"

namespace qdyn::config {

enum class VerifyMode {
    Off,      // verify = false
    Auto,     // find the zone's authoritative servers (SOA, NS) and ask each
    Servers,  // verify = ["192.0.2.53", "[2001:db8::53]:5353"]: ask exactly these (addresses, never names)
};

struct AgentSettings {
    // families = ["ipv4", "ipv6"]; default IPv4 only, like ddclient and inadyn.
    bool ipv4 = true;
    bool ipv6 = false;
    // Source specs (detect::sourcesFromSpec); `detect` sets both, detect_ipv4/detect_ipv6 one
    // family. Empty: detect::defaultSourceSpecs().
    std::vector<std::string> detectV4;
    std::vector<std::string> detectV6;
    std::size_t agreement = 1;  // sources that must report the same address (1..8)
    bool allowPrivate = false;  // publish private, CGNAT and ULA addresses (a LAN-only zone)
    detect::Ipv6Policy ipv6Policy;  // ipv6_interface, ipv6_temporary, ipv6_interface_id, ...

    // The agent's periodic poll, which catches changes behind a NAT that raise no local event.
    std::chrono::seconds pollInterval{std::chrono::minutes(5)};
    // An unchanged address is sent again after this long (providers expire hosts idle 28 days).
    std::chrono::seconds refreshAfter{std::chrono::hours(24 * 25)};

    VerifyMode verify = VerifyMode::Auto;
    std::vector<std::string> verifyServers;  // VerifyMode::Servers: "ADDRESS[:PORT]" or "[V6]:PORT"

    // Hooks: argv vectors, never a shell string (hooks.hpp documents the environment).
    std::vector<std::string> onChange;
    std::vector<std::string> onFailure;
};

}  // namespace qdyn::config
