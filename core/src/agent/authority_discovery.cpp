// Discovery of a zone's authoritative servers through recursive resolvers, and the reading of
// the replies it gets. Every reply comes from the network: only records of the right owner,
// class and type count, every list is capped, and nothing waits past the deadline.
#include "authority_discovery.hpp"

#include <algorithm>
#include <utility>

#include "parallel.hpp"
#include "qdyn/agent/verifier.hpp"

namespace qdyn::agent::detail {

namespace {

std::chrono::milliseconds timeLeft(Clock::time_point deadline) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
}

bool usableRcode(dns::Rcode rcode) {
    return rcode == dns::Rcode::NoError || rcode == dns::Rcode::NxDomain;
}

// The same question to each resolver in turn until one gives a usable answer (NOERROR or
// NXDOMAIN); SERVFAIL, REFUSED and silence move on to the next one.
Result<dns::Message> askResolvers(const std::vector<dns::ServerAddress>& resolvers, const dns::Name& name,
                                  std::uint16_t type, const dns::QueryOptions& options, Clock::time_point deadline) {
    std::string errors;
    for (const auto& resolver : resolvers) {
        dns::Message query = dns::makeQuery(name, type);
        query.header.rd = true;  // a resolver: let it recurse
        auto reply = exchangeBefore(resolver, query, options, deadline);
        if (reply && usableRcode(reply->header.rcode)) return reply;
        if (!errors.empty()) errors += "; ";
        errors += reply ? "resolver " + formatServerAddress(resolver) + " answered " +
                              std::string(dns::toString(reply->header.rcode))
                        : reply.message();
    }
    if (resolvers.empty()) return makeError("no resolver to ask");
    return makeError(errors);
}

Result<dns::Name> findZone(const dns::Name& host, const std::vector<dns::ServerAddress>& resolvers,
                           const dns::QueryOptions& options, Clock::time_point deadline,
                           const DiscoveryLimits& limits) {
    dns::Name name = host;
    // Usually the first answer names the zone (its SOA, or the SOA of a negative answer); the
    // walk up is for resolvers that strip authority sections and for aliased names.
    for (std::size_t step = 0; step < limits.maxWalk; ++step) {
        auto reply = askResolvers(resolvers, name, dns::rrtype::SOA, options, deadline);
        if (!reply) return makeError("asking for the SOA of " + displayName(name) + ": " + reply.message());
        if (auto zone = zoneFromSoaReply(name, *reply)) return std::move(*zone);
        const dns::Name parent = name.parent();
        if (parent.isRoot()) break;
        name = parent;
    }
    return makeError("the resolvers know no zone that holds " + displayName(host));
}

struct NameAddresses {
    std::vector<IpAddress> addresses;
    std::string error;
};

// A and AAAA of one name server through the resolvers (a recursive answer may be a CNAME chain;
// one link is followed).
NameAddresses lookUp(const dns::Name& name, const std::vector<dns::ServerAddress>& resolvers,
                     const dns::QueryOptions& options, Clock::time_point deadline) {
    NameAddresses out;
    for (const std::uint16_t type : {dns::rrtype::A, dns::rrtype::AAAA}) {
        auto reply = askResolvers(resolvers, name, type, options, deadline);
        if (!reply) {
            out.error = reply.message();
            continue;
        }
        const auto found = answerAddresses(name, type, *reply);
        out.addresses.insert(out.addresses.end(), found.addresses.begin(), found.addresses.end());
    }
    return out;
}

// An address a name server may have: not 0.0.0.0 or ::, not multicast (a hostile resolver
// could otherwise point the checks anywhere odd).
bool askable(const IpAddress& address) {
    const AddressScope scope = address.scope();
    return scope != AddressScope::Unspecified && scope != AddressScope::Multicast;
}

}  // namespace

Result<dns::Message> exchangeBefore(const dns::ServerAddress& server, const dns::Message& query,
                                    const dns::QueryOptions& options, Clock::time_point deadline) {
    const std::string where = "DNS query to " + formatServerAddress(server) + ": ";
    std::string lastError = where + "no time left before the verification deadline";
    for (int attempt = 0; attempt < std::max(1, options.attempts); ++attempt) {
        const auto left = timeLeft(deadline);
        if (left <= std::chrono::milliseconds::zero()) break;
        auto reply = dns::exchangeUdp(server, query, dns::QueryOptions{std::min(options.timeout, left), 1});
        if (!reply) {
            lastError = reply.message();
            continue;
        }
        if (!reply->header.tc) return reply;
        const auto tcpLeft = timeLeft(deadline);
        if (tcpLeft <= std::chrono::milliseconds::zero())
            return makeError(where + "truncated, and no time left for TCP");
        return dns::exchangeTcp(server, query, dns::QueryOptions{std::min(options.timeout, tcpLeft), 1});
    }
    return makeError(lastError);
}

Result<Discovery> discoverAuthorities(const dns::Name& host, const std::vector<dns::ServerAddress>& resolvers,
                                      std::uint16_t authorityPort, const dns::QueryOptions& options,
                                      Clock::time_point deadline, const DiscoveryLimits& limits) {
    auto zone = findZone(host, resolvers, options, deadline, limits);
    if (!zone) return zone.error();
    const std::string zoneText = displayName(*zone);
    auto nsReply = askResolvers(resolvers, *zone, dns::rrtype::NS, options, deadline);
    if (!nsReply) return makeError("asking for the NS of " + zoneText + ": " + nsReply.message());
    const std::vector<dns::Name> names = nameServersFromReply(*zone, *nsReply, limits.maxNames);
    if (names.empty()) return makeError("the resolvers list no name servers for the zone " + zoneText);

    // Glue first: a resolver often sends the name servers' addresses with the NS answer.
    std::vector<NameAddresses> perName(names.size());
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < names.size(); ++i) {
        for (const std::uint16_t type : {dns::rrtype::A, dns::rrtype::AAAA}) {
            const auto glue = addressesOf(names[i], type, nsReply->additional);
            perName[i].addresses.insert(perName[i].addresses.end(), glue.begin(), glue.end());
        }
        if (perName[i].addresses.empty()) missing.push_back(i);
    }
    const auto looked = runAll<NameAddresses>(
        missing.size(), [&](std::size_t k) { return lookUp(names[missing[k]], resolvers, options, deadline); });
    for (std::size_t k = 0; k < missing.size(); ++k)
        perName[missing[k]] = looked[k];

    Discovery discovery{*zone, {}};
    std::vector<IpAddress> taken;
    std::string errors;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string nsText = displayName(names[i]);
        if (perName[i].addresses.empty() && !perName[i].error.empty() && errors.empty()) {
            errors = " (" + nsText + ": " + perName[i].error + ")";
        }
        for (const auto& address : perName[i].addresses) {
            if (discovery.authorities.size() >= limits.maxAddresses) break;
            if (!askable(address) || std::find(taken.begin(), taken.end(), address) != taken.end()) continue;
            taken.push_back(address);
            const dns::ServerAddress server{address, authorityPort};
            discovery.authorities.push_back(
                Authority{nsText + " (" + formatServerAddress(server) + ")", nsText, server});
        }
    }
    if (discovery.authorities.empty()) {
        return makeError("no name server of the zone " + zoneText + " has an address" + errors);
    }
    return discovery;
}

std::optional<dns::Name> zoneFromSoaReply(const dns::Name& asked, const dns::Message& reply) {
    if (!usableRcode(reply.header.rcode)) return std::nullopt;
    for (const auto& record : reply.answers) {
        if (record.type == dns::rrtype::CNAME && record.name == asked) return std::nullopt;
    }
    for (const auto& record : reply.answers) {
        if (record.type == dns::rrtype::SOA && record.klass == dns::rrclass::Internet && record.name == asked &&
            dns::soaOf(record.data) != nullptr && !record.name.isRoot()) {
            return record.name;
        }
    }
    for (const auto& record : reply.authority) {
        if (record.type == dns::rrtype::SOA && record.klass == dns::rrclass::Internet && asked.isSubdomainOf(record.name) &&
            dns::soaOf(record.data) != nullptr && !record.name.isRoot()) {
            return record.name;
        }
    }
    return std::nullopt;
}

std::vector<dns::Name> nameServersFromReply(const dns::Name& zone, const dns::Message& reply, std::size_t max) {
    std::vector<dns::Name> names;
    if (reply.header.rcode != dns::Rcode::NoError) return names;
    for (const auto& record : reply.answers) {
        if (names.size() >= max) break;
        if (record.type != dns::rrtype::NS || record.klass != dns::rrclass::Internet || !(record.name == zone)) continue;
        const auto* target = std::get_if<dns::NameData>(&record.data);
        if (target == nullptr || target->name.isRoot()) continue;
        if (std::find(names.begin(), names.end(), target->name) == names.end()) names.push_back(target->name);
    }
    return names;
}

std::vector<IpAddress> addressesOf(const dns::Name& name, std::uint16_t type,
                                   const std::vector<dns::ResourceRecord>& section) {
    std::vector<IpAddress> out;
    for (const auto& record : section) {
        if (record.type != type || record.klass != dns::rrclass::Internet || !(record.name == name)) continue;
        if (const auto* a = std::get_if<dns::AData>(&record.data); a != nullptr && type == dns::rrtype::A) {
            out.push_back(IpAddress::fromV4(a->address));
        } else if (const auto* aaaa = std::get_if<dns::AaaaData>(&record.data);
                   aaaa != nullptr && type == dns::rrtype::AAAA) {
            out.push_back(IpAddress::fromV6(aaaa->address));
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

AnswerAddresses answerAddresses(const dns::Name& name, std::uint16_t type, const dns::Message& reply) {
    AnswerAddresses out;
    out.addresses = addressesOf(name, type, reply.answers);
    if (!out.addresses.empty()) return out;
    const auto cnameOf = [&](const dns::Name& owner) -> const dns::Name* {
        for (const auto& record : reply.answers) {
            if (record.type != dns::rrtype::CNAME || record.klass != dns::rrclass::Internet || !(record.name == owner)) {
                continue;
            }
            if (const auto* target = std::get_if<dns::NameData>(&record.data)) return &target->name;
        }
        return nullptr;
    };
    const dns::Name* target = cnameOf(name);
    if (target == nullptr) return out;
    out.alias = *target;
    // One link only: a chain (or a loop back to `name`) is reported, not walked.
    if (cnameOf(*target) != nullptr) {
        out.unresolvedAlias = true;
        return out;
    }
    out.addresses = addressesOf(*target, type, reply.answers);
    out.unresolvedAlias = out.addresses.empty();
    return out;
}

std::string displayName(const dns::Name& name) {
    std::string text = name.toString();
    if (text.size() > 1 && text.back() == '.') text.pop_back();
    return text;
}

}  // namespace qdyn::agent::detail
