// dyndns2 server side (PROTOCOLS.md "dyndns2"): account-wide checks first, then one reply line
// per hostname in request order. Addresses follow deSEC's rules, so all three IPv6
// conventions in the wild (myip=v4,v6 / myipv6= / one request per family) work.
#include "qdyn_server/dyndns2_handler.hpp"

#include <algorithm>
#include <initializer_list>

#include <boost/container/small_vector.hpp>

#include "accounts/authenticator.hpp"
#include "accounts/login_throttle.hpp"
#include "qdyn_server/http_fields.hpp"

namespace qdyn::server {

namespace {

HttpReply badAuth(const std::string& why) {
    auto reply = textReply(401, "badauth\n", "badauth (" + why + ")");
    // RFC 7235: a 401 must carry the challenge, or clients never send credentials.
    reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"qdyn\"");
    return reply;
}

// Up to kMaxHosts parts stay in place; more (a request refused as numhost) spill to the heap.
using CommaParts = boost::container::small_vector<std::string_view, Dyndns2Handler::kMaxHosts>;

CommaParts splitComma(std::string_view text) {
    CommaParts parts;
    while (true) {
        const auto comma = text.find(',');
        parts.push_back(text.substr(0, comma));
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return parts;
}

// What the request says about one family's address.
struct FamilyChoice {
    std::optional<IpAddress> address;
    bool clear = false;     // an empty myipv4= / myipv6=: delete that record (deSEC)
    bool preserve = false;  // "preserve": leave that record as it is (deSEC)
};

// The first address of `family` found in the listed parameters, each of which may hold a
// comma-separated list ("myip=v4,v6"). Invalid and duplicated values are skipped, not fatal:
// the connecting address then stands in, as for a missing one.
FamilyChoice pickAddress(const QueryParams& params, std::initializer_list<std::string_view> names,
                         std::string_view familyOnly, AddressFamily family) {
    for (const auto name : names) {
        const auto value = findParam(params, name);
        if (!value || duplicatedParam(params, {name})) continue;
        if (name == familyOnly && value->empty()) return FamilyChoice{std::nullopt, true, false};
        if (name == familyOnly && *value == "preserve") return FamilyChoice{std::nullopt, false, true};
        for (const auto part : splitComma(*value)) {
            auto address = IpAddress::parse(part);
            if (address && address->family() == family) return FamilyChoice{address, false, false};
        }
    }
    return {};
}

std::string trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return std::string(text);
}

std::string addressList(const std::optional<IpAddress>& v4, const std::optional<IpAddress>& v6) {
    std::string out;
    if (v4) out = v4->toString();
    if (v6) out += (out.empty() ? "" : ",") + v6->toString();
    return out;
}

void appendWithAddress(std::string& out, std::string_view code, const std::string& addresses) {
    out.append(code);
    if (!addresses.empty()) out.append(" ").append(addresses);
}

}  // namespace

Dyndns2Handler::Dyndns2Handler(UpdateService& updates, const Authenticator& auth) : m_updates(updates), m_auth(auth) {}

HttpReply Dyndns2Handler::handle(const HttpRequestInfo& request) const {
    const auto auth = m_auth.basic(request.authorization, request.peer);
    if (auth.status == AuthStatus::Throttled) {
        // dyndns2 has one word for "blocked": abuse. It comes with 200 like every other code.
        auto reply = textReply(200, "abuse\n", "abuse (" + auth.why + ")");
        reply.headers.emplace_back("Retry-After", std::to_string(auth.retryAfter.count()));
        return reply;
    }
    if (!auth.ok()) return badAuth(auth.why);
    const Account& account = *auth.account;
    const std::string user = "user=" + account.name;

    if (trimmed(request.userAgent).empty()) return textReply(200, "badagent\n", user + " badagent (no User-Agent)");

    const auto params = requestParams(request);
    if (const auto system = findParam(params, "system"); system && *system != "dyndns" && *system != "dyndns2") {
        return textReply(200, "badsys\n", user + " badsys");
    }
    const auto hostnames = findParam(params, "hostname");
    if (!hostnames || hostnames->empty() || duplicatedParam(params, {"hostname"})) {
        return textReply(200, "notfqdn\n", user + " notfqdn (no single hostname parameter)");
    }
    const auto hosts = splitComma(*hostnames);
    if (hosts.size() > kMaxHosts) {
        return textReply(200, "numhost\n", user + " numhost (" + std::to_string(hosts.size()) + " hosts)");
    }

    auto v4 = pickAddress(params, {"myip", "myipv4", "ip"}, "myipv4", AddressFamily::V4);
    auto v6 = pickAddress(params, {"myipv6", "ipv6", "myip", "ip"}, "myipv6", AddressFamily::V6);
    // No usable address for a family: the connection's own address stands in for its family.
    if (!v4.address && !v4.clear && !v4.preserve && request.peer.isV4()) v4.address = request.peer;
    if (!v6.address && !v6.clear && !v6.preserve && request.peer.isV6()) v6.address = request.peer;
    const auto offline = findParam(params, "offline");
    const bool goOffline = offline && equalsIgnoreCase(*offline, "YES");
    const std::string addresses = addressList(v4.address, v6.address);

    std::string body;
    std::string summary = user;
    std::uint64_t ticket = 0;
    for (const auto text : hosts) {
        const std::size_t lineStart = body.size();
        const auto host = parseFqdn(text);
        if (!host) {
            body.append("notfqdn");
        } else {
            const auto outcome = m_updates.apply(account, *host, HostUpdate{v4.address, v6.address, v4.clear, v6.clear, goOffline});
            // Writes become durable in order: the last ticket covers every host of the request.
            ticket = std::max(ticket, outcome.ticket);
            switch (outcome.status) {
            case UpdateStatus::Updated:
            case UpdateStatus::Unchanged:
                if (outcome.upstreamRefuses) {
                    // Taken and durable here, but the [forward] primary refuses this name:
                    // Dyn's "DNS error encountered". The change stays queued for the primary.
                    body.append("dnserr");
                } else if (outcome.status == UpdateStatus::Updated) {
                    appendWithAddress(body, "good", addresses);
                } else {
                    appendWithAddress(body, "nochg", addresses);
                    m_auth.throttle().unchanged(account.name);
                }
                break;
            case UpdateStatus::NotInZone:
            case UpdateStatus::NotGranted:
            case UpdateStatus::StaticRecord: body.append("nohost"); break;
            case UpdateStatus::BadAddress:
                // The zone could not take the change: a DNS-side error, not a storage one
                // (the checks above make this unreachable from a valid request).
                body.append("dnserr");
                break;
            }
        }
        const std::string_view line = std::string_view(body).substr(lineStart);
        summary.append(" ").append(host ? host->toString() : "<invalid>").append(":").append(line);
        body.push_back('\n');
    }
    if (goOffline) summary += " offline";
    auto reply = textReply(200, std::move(body), std::move(summary));
    reply.ticket = ticket;
    return reply;
}

}  // namespace qdyn::server
