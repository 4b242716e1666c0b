// The verifier: which servers to ask (the configured ones, or those discovery finds), one check
// per server address, all at once, and the status with a sentence a user can act on.
#include "qdyn/agent/verifier.hpp"

#include <algorithm>
#include <utility>

#include "authority_discovery.hpp"
#include "parallel.hpp"

namespace qdyn::agent {

namespace {

using detail::Authority;
using SteadyClock = detail::Clock;

std::string joined(const std::vector<IpAddress>& addresses) {
    std::string out;
    for (const auto& address : addresses) {
        if (!out.empty()) out += ", ";
        out += address.toString();
    }
    return out;
}

bool exactly(const std::vector<IpAddress>& addresses, const IpAddress& address) {
    return addresses.size() == 1 && addresses.front() == address;
}

// The host's records of `type` at one server, asked with RD clear: its own data, never a cache.
ServerCheck checkOne(const Authority& authority, const dns::Name& host, std::uint16_t type, const IpAddress& expected,
                     const std::optional<IpAddress>& previous, const dns::QueryOptions& options,
                     SteadyClock::time_point deadline) {
    ServerCheck check;
    check.server = authority.label;
    const auto reply = detail::exchangeBefore(authority.address, dns::makeQuery(host, type), options, deadline);
    if (!reply) {
        check.error = reply.message();
        return check;
    }
    const dns::Rcode rcode = reply->header.rcode;
    if (rcode != dns::Rcode::NoError && rcode != dns::Rcode::NxDomain) {
        check.error = "answered " + std::string(dns::toString(rcode));
        if (rcode == dns::Rcode::Refused || rcode == dns::Rcode::NotAuth) check.error += ": it does not serve the zone";
        return check;
    }
    if (!reply->header.aa) {
        check.error = "answered without authority (AA clear): it does not serve the zone, or answers from a cache";
        return check;
    }
    const auto found = detail::answerAddresses(host, type, *reply);
    check.addresses = found.addresses;
    if (found.alias) check.aliasOf = detail::displayName(*found.alias);
    if (found.unresolvedAlias) {
        check.verdict = ServerVerdict::Other;
        check.error = "the host is an alias (CNAME) of " + check.aliasOf + ", whose " + dns::typeToString(type) +
                      " this server does not give";
    } else if (check.addresses.empty()) {
        check.verdict = ServerVerdict::Empty;
    } else if (exactly(check.addresses, expected)) {
        check.verdict = ServerVerdict::Expected;
    } else if (previous && exactly(check.addresses, *previous)) {
        check.verdict = ServerVerdict::Previous;
    } else {
        check.verdict = ServerVerdict::Other;
    }
    return check;
}

// "1 still answers the previous address 192.0.2.1, 2 have no record, 1 did not answer"
std::string tally(const std::vector<const ServerCheck*>& checks, const std::optional<IpAddress>& previous) {
    std::size_t old = 0;
    std::size_t empty = 0;
    std::size_t silent = 0;
    for (const auto* check : checks) {
        if (check->verdict == ServerVerdict::Previous) ++old;
        if (check->verdict == ServerVerdict::Empty) ++empty;
        if (check->verdict == ServerVerdict::NoAnswer) ++silent;
    }
    std::vector<std::string> parts;
    if (old > 0) {
        parts.push_back(std::to_string(old) + (old == 1 ? " still answers" : " still answer") +
                        " the previous address " + (previous ? previous->toString() : std::string()));
    }
    if (empty > 0) parts.push_back(std::to_string(empty) + (empty == 1 ? " has no record" : " have no record"));
    if (silent > 0) parts.push_back(std::to_string(silent) + " did not answer");
    std::string out;
    for (const auto& part : parts)
        out += (out.empty() ? "" : ", ") + part;
    return out;
}

// The status from the checks; `groups[i]` names the server check i belongs to.
Verification decide(std::vector<ServerCheck> checks, const std::vector<std::string>& groups, const std::string& host,
                    const IpAddress& expected, const std::optional<IpAddress>& previous) {
    Verification result;
    // An address that did not answer is left out when another address of its server did.
    std::vector<const ServerCheck*> counted;
    for (std::size_t i = 0; i < checks.size(); ++i) {
        bool siblingAnswered = false;
        for (std::size_t j = 0; j < checks.size(); ++j) {
            siblingAnswered |= j != i && groups[j] == groups[i] && checks[j].verdict != ServerVerdict::NoAnswer;
        }
        if (checks[i].verdict != ServerVerdict::NoAnswer || !siblingAnswered) counted.push_back(&checks[i]);
    }
    const auto count = [&](ServerVerdict verdict) {
        return static_cast<std::size_t>(
            std::count_if(counted.begin(), counted.end(), [&](const ServerCheck* c) { return c->verdict == verdict; }));
    };
    const std::string want = expected.toString();
    const std::size_t total = counted.size();
    const std::size_t good = count(ServerVerdict::Expected);
    const auto other = std::find_if(counted.begin(), counted.end(),
                                    [](const ServerCheck* c) { return c->verdict == ServerVerdict::Other; });

    if (total == 0) {
        result.status = VerifyStatus::Unverifiable;
        result.summary = "No authoritative server of " + host + " to ask.";
    } else if (count(ServerVerdict::NoAnswer) == total) {
        result.status = VerifyStatus::Unverifiable;
        result.summary = "No authoritative server of " + host + " answered (" + counted.front()->server + ": " +
                         counted.front()->error + ").";
    } else if (other != counted.end()) {
        const ServerCheck& c = **other;
        result.status = VerifyStatus::Mismatch;
        result.summary = c.error.empty()
                             ? c.server + " answers " + joined(c.addresses) + " for " + host + ", not " + want + "."
                             : c.server + ": " + c.error + ".";
    } else if (good == 0) {
        result.status = VerifyStatus::Mismatch;
        result.summary =
            "No authoritative server answers " + want + " for " + host + ": " + tally(counted, previous) + ".";
    } else if (good == total) {
        result.status = VerifyStatus::Verified;
        result.summary = total == 1 ? "The authoritative server answers " + want + " for " + host + "."
                                    : "All " + std::to_string(total) + " authoritative servers answer " + want +
                                          " for " + host + ".";
    } else {
        result.status = VerifyStatus::Propagating;
        result.summary = std::to_string(good) + " of " + std::to_string(total) + " authoritative servers answer " +
                         want + " for " + host + "; " + tally(counted, previous) + ".";
    }
    result.servers = std::move(checks);
    return result;
}

Verification unverifiable(std::string summary) {
    Verification result;
    result.status = VerifyStatus::Unverifiable;
    result.summary = std::move(summary);
    return result;
}

}  // namespace

std::string_view toString(VerifyStatus status) noexcept {
    switch (status) {
        case VerifyStatus::Verified:
            return "verified";
        case VerifyStatus::Propagating:
            return "propagating";
        case VerifyStatus::Mismatch:
            return "mismatch";
        case VerifyStatus::Unverifiable:
            return "unverifiable";
    }
    return "unverifiable";
}

std::string_view toString(ServerVerdict verdict) noexcept {
    switch (verdict) {
        case ServerVerdict::Expected:
            return "expected";
        case ServerVerdict::Previous:
            return "previous";
        case ServerVerdict::Empty:
            return "empty";
        case ServerVerdict::Other:
            return "other";
        case ServerVerdict::NoAnswer:
            return "no answer";
    }
    return "no answer";
}

Result<VerifierOptions> verifierOptionsFor(const config::AgentSettings& settings) {
    VerifierOptions options;
    options.mode = settings.verify;
    if (settings.verify != config::VerifyMode::Servers) return options;
    for (const auto& text : settings.verifyServers) {
        auto server = parseServerAddress(text);
        if (!server) return makeError("verify: " + server.message());
        options.servers.push_back(*server);
    }
    return options;
}

Verifier::Verifier(VerifierOptions options) : m_options(std::move(options)) {}

Verification Verifier::verify(const std::string& host, const IpAddress& expected,
                              const std::optional<IpAddress>& previous) const {
    const auto hostName = dns::Name::parse(host);
    if (!hostName) return unverifiable("Cannot verify: " + hostName.message() + ".");
    const std::string hostText = detail::displayName(*hostName);
    if (m_options.mode == config::VerifyMode::Off) return unverifiable("Verification is off for this profile.");
    const std::uint16_t type = expected.isV4() ? dns::rrtype::A : dns::rrtype::AAAA;
    const std::optional<IpAddress> old =
        previous && previous->family() == expected.family() && *previous != expected ? previous : std::nullopt;
    const SteadyClock::time_point deadline = SteadyClock::now() + m_options.deadline;

    std::vector<Authority> authorities;
    std::string zone;
    if (m_options.mode == config::VerifyMode::Servers) {
        for (const auto& server : m_options.servers) {
            if (authorities.size() >= kMaxAddresses) break;
            const std::string label = formatServerAddress(server);
            authorities.push_back(Authority{label, label, server});
        }
        if (authorities.empty()) return unverifiable("No server to verify " + hostText + " with (verify lists none).");
    } else {
        auto resolvers = m_options.resolvers;
        if (resolvers.empty()) {
            auto system = systemResolvers();
            if (!system)
                return unverifiable("Cannot find the authoritative servers of " + hostText + ": " + system.message() +
                                    ".");
            resolvers = std::move(*system);
        }
        auto found = detail::discoverAuthorities(*hostName, resolvers, m_options.authorityPort, m_options.query,
                                                 deadline, {kMaxNameServers, kMaxAddresses, 16});
        if (!found)
            return unverifiable("Cannot find the authoritative servers of " + hostText + ": " + found.message() + ".");
        zone = detail::displayName(found->zone);
        authorities = std::move(found->authorities);
    }

    auto checks = detail::runAll<ServerCheck>(authorities.size(), [&](std::size_t i) {
        return checkOne(authorities[i], *hostName, type, expected, old, m_options.query, deadline);
    });
    std::vector<std::string> groups;
    groups.reserve(authorities.size());
    for (const auto& authority : authorities)
        groups.push_back(authority.group);
    Verification result = decide(std::move(checks), groups, hostText, expected, old);
    result.zone = std::move(zone);
    return result;
}

}  // namespace qdyn::agent
