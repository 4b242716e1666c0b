// The agent's decisions, apart from the cycle's plumbing: which stops still hold, which hosts
// wait out a backoff, which need an update and why, in the words reports and logs use.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qdyn/agent/agent.hpp"

namespace qdyn::agent {

// The addresses a cycle publishes for a profile, and why a wanted family has none.
struct Addresses {
    std::optional<IpAddress> ipv4;
    std::optional<IpAddress> ipv6;
    std::vector<std::string> missing;  // "IPv6: no source found a publishable address"
};

// Clears stops recorded under another fingerprint (the profile or its secret changed); true
// when the state changed. `note` gets one line per lifted stop.
bool liftStaleStops(const config::Profile& profile, StateStore& state, const std::function<void(const std::string&)>& note);

// Marks hosts a stop or a backoff keeps from sending (Stopped, BackingOff); true when no host
// may send. `force` overrides a backoff, never a stop.
bool applyStops(const StateStore& state, TimePoint now, bool force, std::span<HostReport> hosts);

// For every host not already stopped or backing off: Current, NoAddress, or a place in the
// returned request with the reason ("IPv4 changed from A to B", "refresh: ...", "forced").
UpdateRequest decideHosts(const config::Profile& profile, const StateStore& state, const Addresses& addresses,
                          TimePoint now, bool force, std::span<HostReport> hosts);

std::string stopReason(const Stop& stop, bool wholeProfile);
std::string backoffReason(const HostOutcome& outcome, unsigned failures, std::chrono::seconds delay);

}  // namespace qdyn::agent
