// dyndns2 client: builds /nic/update requests and sorts every reply into outcome classes.
#include "qdyn/protocols/dyndns2.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "qdyn/protocols/http_update.hpp"

namespace qdyn::dyndns2 {

namespace {

struct CodeClass {
    std::string_view code;
    OutcomeClass outcome;
    std::string_view meaning;
};

// Every return code of PROTOCOLS.md. Exact, case-sensitive tokens: a reply is never searched
// for a substring.
constexpr std::array kCodes{
    CodeClass{"good", OutcomeClass::Updated, "the update was accepted"},
    CodeClass{"nochg", OutcomeClass::Unchanged, "the server already had this address"},
    CodeClass{"badauth", OutcomeClass::AuthFailed, "wrong user name or password"},
    CodeClass{"!donator", OutcomeClass::Abuse, "the request uses a feature the account does not have"},
    CodeClass{"notfqdn", OutcomeClass::HostRejected, "the host name is not a fully qualified domain name"},
    CodeClass{"nohost", OutcomeClass::HostRejected, "the host does not exist in this account"},
    CodeClass{"numhost", OutcomeClass::Abuse, "too many hosts in one request"},
    CodeClass{"abuse", OutcomeClass::Abuse, "the host is blocked for abuse"},
    CodeClass{"badagent", OutcomeClass::Abuse, "the server rejected this client (user agent or method)"},
    CodeClass{"dnserr", OutcomeClass::RetryLater, "the server had a DNS error"},
    CodeClass{"911", OutcomeClass::RetryLater, "the server has a problem or is down for maintenance"},
    CodeClass{"badsys", OutcomeClass::Abuse, "the server rejected the system parameter"},
    CodeClass{"!yours", OutcomeClass::HostRejected, "the host belongs to another account"},
    CodeClass{"!active", OutcomeClass::HostRejected, "the host is not active"},
};

// Codes that concern the whole account: one such line answers for every host.
bool isAccountWide(std::string_view code) {
    return code == "badauth" || code == "!donator" || code == "numhost" || code == "badagent" ||
           code == "911" || code == "badsys" || code == "abuse";
}

const CodeClass* findCode(std::string_view code) {
    for (const auto& entry : kCodes) {
        if (entry.code == code) return &entry;
    }
    return nullptr;
}

std::vector<std::string_view> splitLines(std::string_view body) {
    std::vector<std::string_view> lines;
    while (!body.empty()) {
        const std::size_t end = body.find('\n');
        std::string_view line = body.substr(0, end);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
            line.remove_suffix(1);
        }
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (!line.empty()) lines.push_back(line);
        if (end == std::string_view::npos || lines.size() > 2 * kMaxHostsPerRequest) break;
        body.remove_prefix(end + 1);
    }
    return lines;
}

std::vector<IpAddress> parseAddresses(std::string_view text) {
    std::vector<IpAddress> out;
    while (!text.empty() && out.size() < 4) {
        const std::size_t comma = text.find(',');
        if (auto address = IpAddress::parse(text.substr(0, comma))) out.push_back(*address);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

HostOutcome classifyLine(const std::string& host, std::string_view line, long httpStatus, const ReplyContext& context) {
    HostOutcome result;
    result.host = host;
    const std::size_t space = line.find(' ');
    const std::string_view code = line.substr(0, space);
    const std::string_view rest = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    result.code = std::string(code);
    if (const CodeClass* known = findCode(code)) {
        result.outcome = known->outcome;
        result.detail = std::string(known->meaning);
        if (result.outcome == OutcomeClass::Updated || result.outcome == OutcomeClass::Unchanged) {
            result.addresses = parseAddresses(rest);
            // DynDNS answers "good 127.0.0.1" to a client it refuses. It is a real answer only
            // when 127.0.0.1 was asked for, or when no address was given and the server itself
            // is on loopback (so it saw us as 127.0.0.1).
            const IpAddress loopback = IpAddress::fromV4({127, 0, 0, 1});
            const bool plausible = context.requestedIpv4 ? *context.requestedIpv4 == loopback
                                                         : context.serverOnLoopback;
            if (code == "good" && result.addresses.size() == 1 && result.addresses[0] == loopback && !plausible) {
                result.outcome = OutcomeClass::Abuse;
                result.detail = "the server answered good 127.0.0.1: it refuses this client (badagent)";
            }
        }
        return result;
    }
    // An unknown word: fall back on the HTTP status (the meaning every HTTP protocol shares),
    // never on a substring of the body; the word itself stays as the code.
    HostOutcome fallback = httpupdate::statusOutcome(host, httpStatus, std::nullopt);
    if (!result.code.empty()) fallback.code = std::move(result.code);
    return fallback;
}

}  // namespace

std::optional<Ipv6Convention> parseIpv6Convention(std::string_view text) {
    if (text == "comma" || text == "myip") return Ipv6Convention::CommaInMyip;
    if (text == "myipv6") return Ipv6Convention::MyipV6Parameter;
    if (text == "separate") return Ipv6Convention::SeparateRequests;
    return std::nullopt;
}

std::string_view toString(Ipv6Convention convention) noexcept {
    switch (convention) {
        case Ipv6Convention::CommaInMyip: return "comma";
        case Ipv6Convention::MyipV6Parameter: return "myipv6";
        case Ipv6Convention::SeparateRequests: return "separate";
    }
    return "comma";
}

std::string buildUrl(const Settings& settings, const std::vector<std::string>& hosts,
                     const std::optional<IpAddress>& ipv4, const std::optional<IpAddress>& ipv6) {
    std::string url = httpupdate::joinUrl(settings.baseUrl, settings.path);
    url += "?hostname=";
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        if (i > 0) url += ',';
        url += net::urlEncode(hosts[i]);
    }
    const bool myipv6 = settings.ipv6Convention == Ipv6Convention::MyipV6Parameter;
    if (ipv4 && ipv6 && !myipv6) {
        url += "&myip=" + ipv4->toString() + "," + ipv6->toString();
    } else {
        if (ipv4) url += "&myip=" + ipv4->toString();
        if (ipv6) url += (myipv6 ? "&myipv6=" : "&myip=") + ipv6->toString();
    }
    return url;
}

std::optional<OutcomeClass> classifyCode(std::string_view code) {
    if (const CodeClass* known = findCode(code)) return known->outcome;
    return std::nullopt;
}

std::vector<HostOutcome> classifyReply(const std::vector<std::string>& hosts, long httpStatus, std::string_view body,
                                       const ReplyContext& context) {
    const std::vector<std::string_view> lines = splitLines(body);
    std::vector<HostOutcome> outcomes;
    outcomes.reserve(hosts.size());
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        std::string_view line;
        if (lines.size() == 1) {
            line = lines[0];  // one line for N hosts applies to all N
        } else if (!lines.empty() && isAccountWide(lines[0].substr(0, lines[0].find(' ')))) {
            line = lines[0];
        } else if (i < lines.size()) {
            line = lines[i];
        } else if (!lines.empty()) {
            HostOutcome missing;
            missing.host = hosts[i];
            missing.outcome = OutcomeClass::RetryLater;
            missing.code = "HTTP " + std::to_string(httpStatus);
            missing.detail = "the reply has no line for this host";
            outcomes.push_back(std::move(missing));
            continue;
        }
        outcomes.push_back(classifyLine(hosts[i], line, httpStatus, context));
    }
    return outcomes;
}

std::string userAgent() { return httpupdate::userAgent(); }

Client::Client(Settings settings) : m_settings(std::move(settings)) {}

std::vector<HostOutcome> Client::send(const std::vector<std::string>& hosts, const std::optional<IpAddress>& ipv4,
                                      const std::optional<IpAddress>& ipv6) {
    net::HttpRequest request;
    request.url = buildUrl(m_settings, hosts, ipv4, ipv6);
    request.userAgent = userAgent();
    request.username = m_settings.username;
    request.password = &m_settings.password;
    request.timeout = m_settings.timeout;
    request.verifyTls = m_settings.verifyTls;
    request.caFile = m_settings.caFile;
    auto response = m_http.get(request);
    if (!response) {
        std::vector<HostOutcome> outcomes;
        for (const auto& host : hosts) {
            outcomes.push_back(HostOutcome{host, OutcomeClass::RetryLater, "network", response.message(), {}, {}});
        }
        return outcomes;
    }
    const bool loopback = response->peerAddress && response->peerAddress->scope() == AddressScope::Loopback;
    return classifyReply(hosts, response->status, response->body, ReplyContext{ipv4, ipv6, loopback});
}

std::vector<Client::Planned> Client::plan(const UpdateRequest& request) const {
    std::vector<Planned> requests;
    const bool split = m_settings.ipv6Convention == Ipv6Convention::SeparateRequests && request.ipv4 && request.ipv6;
    for (std::size_t first = 0; first < request.hosts.size(); first += kMaxHostsPerRequest) {
        const std::size_t last = std::min(request.hosts.size(), first + kMaxHostsPerRequest);
        std::vector<std::string> chunk(request.hosts.begin() + static_cast<std::ptrdiff_t>(first),
                                       request.hosts.begin() + static_cast<std::ptrdiff_t>(last));
        if (split) {
            requests.push_back(Planned{first, chunk, request.ipv4, std::nullopt});
            requests.push_back(Planned{first, std::move(chunk), std::nullopt, request.ipv6});
        } else {
            requests.push_back(Planned{first, std::move(chunk), request.ipv4, request.ipv6});
        }
    }
    return requests;
}

std::vector<std::string> Client::describe(const UpdateRequest& request) const {
    std::vector<std::string> lines;
    for (const auto& planned : plan(request)) {
        std::string line = "GET " + buildUrl(m_settings, planned.hosts, planned.ipv4, planned.ipv6);
        if (!m_settings.username.empty()) line += " (Basic auth as " + m_settings.username + ")";
        lines.push_back(std::move(line));
    }
    return lines;
}

std::vector<HostOutcome> Client::update(const UpdateRequest& request) {
    // One outcome per host; when a host travels in two requests (one per family), the more
    // important of its two outcomes wins and the reported addresses are joined.
    std::vector<HostOutcome> outcomes;
    outcomes.reserve(request.hosts.size());
    for (const auto& planned : plan(request)) {
        std::vector<HostOutcome> replies = send(planned.hosts, planned.ipv4, planned.ipv6);
        if (planned.firstHost < outcomes.size()) {
            for (std::size_t i = 0; i < replies.size(); ++i) {
                httpupdate::mergeOutcome(outcomes[planned.firstHost + i], replies[i]);
            }
            continue;
        }
        for (auto& reply : replies) outcomes.push_back(std::move(reply));
    }
    return outcomes;
}

}  // namespace qdyn::dyndns2
