// dyndns2 server side (PROTOCOLS.md "dyndns2"): account-wide checks first, then one reply line
// per hostname in request order. Addresses follow deSEC's rules, so all three IPv6
// conventions in the wild (myip=v4,v6 / myipv6= / one request per family) work.
#include "qdyn_server/dyndns2_handler.hpp"

#include <algorithm>
#include <initializer_list>

#include "accounts/credential_cache.hpp"
#include "qdyn_server/http_fields.hpp"

namespace qdyn::server {

namespace {

HttpReply textReply(unsigned status, std::string body, std::string summary) {
    HttpReply reply;
    reply.status = status;
    reply.body = std::move(body);
    reply.logSummary = std::move(summary);
    return reply;
}

HttpReply badAuth(std::string why) {
    auto reply = textReply(401, "badauth\n", "badauth (" + why + ")");
    // RFC 7235: a 401 must carry the challenge, or clients never send credentials.
    reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"qdyn\"");
    return reply;
}

std::vector<std::string_view> splitComma(std::string_view text) {
    std::vector<std::string_view> parts;
    while (true) {
        const auto comma = text.find(',');
        parts.push_back(text.substr(0, comma));
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return parts;
}

// The first address of `family` found in the listed parameters, each of which may hold a
// comma-separated list ("myip=v4,v6"). Invalid values are skipped, not fatal.
std::optional<IpAddress> pickAddress(const QueryParams& params, std::initializer_list<std::string_view> names,
                                     AddressFamily family) {
    for (const auto name : names) {
        const auto value = findParam(params, name);
        if (!value) continue;
        for (const auto part : splitComma(*value)) {
            auto address = IpAddress::parse(part);
            if (address && address->family() == family) return address;
        }
    }
    return std::nullopt;
}

// A fully-qualified name: valid DNS syntax and at least two labels (a bare "home" is not).
std::optional<dns::Name> parseFqdn(std::string_view text) {
    if (text.empty()) return std::nullopt;
    auto name = dns::Name::parse(text);
    if (!name || name->labelCount() < 2) return std::nullopt;
    return *name;
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

std::string withAddress(std::string_view code, const std::string& addresses) {
    return addresses.empty() ? std::string(code) : std::string(code) + " " + addresses;
}

}  // namespace

Dyndns2Handler::Dyndns2Handler(const Config& config, UpdateService& updates, CredentialCache* credentials)
    : m_config(config),
      m_updates(updates),
      m_ownCredentials(credentials == nullptr ? std::make_unique<CredentialCache>() : nullptr),
      m_credentials(credentials != nullptr ? *credentials : *m_ownCredentials),
      m_anyHashed(std::any_of(config.accounts.begin(), config.accounts.end(),
                              [](const Account& account) { return !account.passwordHash.empty(); })) {}

Dyndns2Handler::~Dyndns2Handler() = default;

HttpReply Dyndns2Handler::handle(const HttpRequestInfo& request) const {
    const auto credentials = parseBasicAuth(request.authorization);
    if (!credentials) {
        return badAuth(request.authorization.empty() ? "no Authorization header" : "malformed Authorization header");
    }
    const auto found = std::find_if(m_config.accounts.begin(), m_config.accounts.end(),
                                    [&](const Account& a) { return a.name == credentials->user; });
    const Account* account = found == m_config.accounts.end() ? nullptr : &*found;
    // Check even for an unknown user so the timing does not reveal which names exist.
    const bool passwordOk = account != nullptr ? checkPassword(*account, credentials->password, m_credentials)
                                               : checkUnknownUser(credentials->password, m_anyHashed);
    if (account == nullptr || !passwordOk) {
        return badAuth(account == nullptr ? "unknown user" : "wrong password for " + account->name);
    }
    const std::string user = "user=" + account->name;

    if (trimmed(request.userAgent).empty()) return textReply(200, "badagent\n", user + " badagent (no User-Agent)");

    const auto params = parseQuery(splitTarget(request.target).second);
    if (const auto system = findParam(params, "system"); system && *system != "dyndns") {
        return textReply(200, "badsys\n", user + " badsys");
    }
    const auto hostnames = findParam(params, "hostname");
    if (!hostnames || hostnames->empty()) return textReply(200, "notfqdn\n", user + " notfqdn (no hostname)");
    const auto hosts = splitComma(*hostnames);
    if (hosts.size() > kMaxHosts) {
        return textReply(200, "numhost\n", user + " numhost (" + std::to_string(hosts.size()) + " hosts)");
    }

    auto v4 = pickAddress(params, {"myip", "myipv4", "ip"}, AddressFamily::V4);
    auto v6 = pickAddress(params, {"myipv6", "ipv6", "myip", "ip"}, AddressFamily::V6);
    // No usable address for a family: the connection's own address stands in for its family.
    if (!v4 && request.peer.isV4()) v4 = request.peer;
    if (!v6 && request.peer.isV6()) v6 = request.peer;
    const std::string addresses = addressList(v4, v6);

    std::string body;
    std::string summary = user;
    bool failed = false;
    std::uint64_t ticket = 0;
    for (const auto text : hosts) {
        std::string line;
        const auto host = parseFqdn(text);
        if (!host) {
            line = "notfqdn";
        } else {
            const auto outcome = m_updates.apply(*account, *host, HostUpdate{v4, v6, false, false, false});
            // Writes become durable in order: the last ticket covers every host of the request.
            ticket = std::max(ticket, outcome.ticket);
            switch (outcome.status) {
            case UpdateStatus::Updated: line = withAddress("good", addresses); break;
            case UpdateStatus::Unchanged: line = withAddress("nochg", addresses); break;
            case UpdateStatus::NotInZone:
            case UpdateStatus::NotGranted:
            case UpdateStatus::StaticRecord: line = "nohost"; break;
            case UpdateStatus::BadAddress:
                line = "911";
                failed = true;
                break;
            }
        }
        body += line + "\n";
        summary += " " + (host ? host->toString() : "<invalid>") + ":" + line;
    }
    auto reply = textReply(failed ? 500 : 200, std::move(body), std::move(summary));
    reply.ticket = ticket;
    return reply;
}

}  // namespace qdyn::server
