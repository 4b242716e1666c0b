// nanodnsd client: /api/update requests and the classification of its fixed replies.
#include "qdyn/protocols/nanodnsd.hpp"

#include <array>
#include <utility>

namespace qdyn::nanodnsd {

namespace {

struct Reply {
    long status;
    std::string_view line;
    OutcomeClass outcome;
    std::string_view meaning;
};

// Every reply nanodnsd sends for /api/update, matched on status and exact body line together.
// Why each class:
// - 400s are per-request faults the same request would repeat: stop this host (HostRejected),
//   as dyndns2's notfqdn does, rather than resend a request the server has called malformed.
// - "authorization required" is the reply to a missing token: a profile without a password,
//   so the whole profile stops until its config changes (AuthFailed).
// - "forbidden" covers a wrong token, an unknown or static host and a name outside the zone.
//   nanodnsd keeps one token per host, so all of these concern this host alone
//   (HostRejected; PROTOCOLS.md maps 403 there too) and the profile's other hosts go on.
// - "update failed" is the server's own trouble: RetryLater.
// 429 (throttled), 404 (wrong path) and 501 carry no fixed body; the shared status rules
// apply to them (RetryLater, with Retry-After in the detail).
constexpr std::array kReplies{
    Reply{200, "ok", OutcomeClass::Updated, "the update was accepted"},
    Reply{400, "hostname required", OutcomeClass::HostRejected, "the server saw no host name in the request"},
    Reply{400, "bad ipv4 address", OutcomeClass::HostRejected, "the server refused the IPv4 address"},
    Reply{400, "bad ipv6 address", OutcomeClass::HostRejected, "the server refused the IPv6 address"},
    Reply{400, "bad request", OutcomeClass::HostRejected, "the server called the request malformed"},
    Reply{403, "authorization required", OutcomeClass::AuthFailed, "no token was sent (set the profile's password)"},
    Reply{403, "forbidden", OutcomeClass::HostRejected,
          "wrong token, or the host is unknown, static or outside the server's zone"},
    Reply{500, "update failed", OutcomeClass::RetryLater, "the server could not apply the update"},
};

}  // namespace

std::string buildUrl(const Settings& settings, const std::string& host, const std::optional<IpAddress>& ipv4,
                     const std::optional<IpAddress>& ipv6, bool revealToken) {
    std::string url = httpupdate::joinUrl(settings.endpoint.baseUrl, settings.endpoint.path);
    httpupdate::appendQuery(url, "hostname", host);
    if (revealToken) {
        httpupdate::appendQuery(url, "token", settings.token.reveal());
    } else {
        url += "&token=***";
    }
    if (ipv4) httpupdate::appendAddress(url, "ipv4", *ipv4);
    if (ipv6) httpupdate::appendAddress(url, "ipv6", *ipv6);
    return url;
}

HostOutcome classifyReply(const std::string& host, long httpStatus, std::string_view body,
                          std::optional<std::string_view> retryAfter) {
    if (const auto line = httpupdate::onlyLine(body)) {
        for (const auto& reply : kReplies) {
            if (reply.status == httpStatus && reply.line == *line) {
                return HostOutcome{host, reply.outcome, std::string(reply.line), std::string(reply.meaning), {}, {}};
            }
        }
    }
    HostOutcome outcome = httpupdate::statusOutcome(host, httpStatus, retryAfter);
    if (httpStatus == 200) outcome.detail = "unrecognised reply (HTTP 200 without \"ok\")";
    return outcome;
}

Client::Client(Settings settings) : m_settings(std::move(settings)) {}

std::vector<std::string> Client::describe(const UpdateRequest& request) const {
    std::vector<std::string> lines;
    if (!request.ipv4 && !request.ipv6) {
        lines.emplace_back("nothing: nanodnsd needs at least one address");
        return lines;
    }
    for (const auto& host : request.hosts) {
        lines.push_back("GET " + buildUrl(m_settings, host, request.ipv4, request.ipv6, false));
    }
    return lines;
}

std::vector<HostOutcome> Client::update(const UpdateRequest& request) {
    std::vector<HostOutcome> outcomes;
    outcomes.reserve(request.hosts.size());
    for (const auto& host : request.hosts) {
        if (!request.ipv4 && !request.ipv6) {
            // Without any address the request would delete both records of the host. Not a
            // stopping class: the next detection run may well find an address.
            outcomes.push_back(HostOutcome{host,
                                           OutcomeClass::RetryLater,
                                           "no-address",
                                           "no address known, and nanodnsd would delete the host's records "
                                           "for a request without one; nothing sent",
                                           {}, {}});
            continue;
        }
        net::HttpRequest get =
            httpupdate::makeRequest(m_settings.endpoint, buildUrl(m_settings, host, request.ipv4, request.ipv6, true));
        outcomes.push_back(httpupdate::exchange(m_http, std::move(get), host, &m_settings.token, classifyReply));
    }
    return outcomes;
}

}  // namespace qdyn::nanodnsd
