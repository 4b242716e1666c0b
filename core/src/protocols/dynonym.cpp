// dynonym client: /dns/update requests and the classification of its status-only replies.
#include "qdyn/protocols/dynonym.hpp"

#include <utility>

namespace qdyn::dynonym {

std::string buildUrl(const Settings& settings, const std::string& host, const std::optional<IpAddress>& ipv4,
                     const std::optional<IpAddress>& ipv6) {
    std::string url = httpupdate::joinUrl(settings.endpoint.baseUrl, settings.endpoint.path);
    httpupdate::appendQuery(url, "domain", host);
    if (ipv4) httpupdate::appendAddress(url, "ipv4", *ipv4);
    if (ipv6) httpupdate::appendAddress(url, "ipv6", *ipv6);
    return url;
}

HostOutcome classifyReply(const std::string& host, long httpStatus, std::string_view body,
                          std::optional<std::string_view> retryAfter) {
    // Why each class: 400 means the domain or an address is malformed, which the same request
    // repeats, so this host stops (HostRejected); 401 is wrong or missing credentials for the
    // whole profile (AuthFailed); 403 is a domain not granted to this user (HostRejected, the
    // other hosts go on); 500 is the server's failure to forward the update, and 429 a
    // throttle (RetryLater). These come from the shared status rules; only 400 and 200 are
    // dynonym's own.
    HostOutcome outcome;
    outcome.host = host;
    outcome.code = "HTTP " + std::to_string(httpStatus);
    if (httpStatus == 200) {
        if (httpupdate::isBlank(body)) {
            outcome.outcome = OutcomeClass::Updated;
            outcome.detail = "the update was accepted";
        } else {
            outcome.outcome = OutcomeClass::RetryLater;
            outcome.detail = "unrecognised reply: HTTP 200 with a body (dynonym answers success with none)";
        }
        return outcome;
    }
    if (httpStatus == 400) {
        outcome.outcome = OutcomeClass::HostRejected;
        outcome.detail = "HTTP 400: the server called the domain or an address malformed";
        return outcome;
    }
    outcome = httpupdate::statusOutcome(host, httpStatus, retryAfter);
    if (httpStatus == 403) outcome.detail = "HTTP 403: the domain is not granted to this user";
    if (httpStatus == 500) outcome.detail = "HTTP 500: the server could not apply the update";
    return outcome;
}

Client::Client(Settings settings) : m_settings(std::move(settings)) {}

std::vector<std::string> Client::describe(const UpdateRequest& request) const {
    std::vector<std::string> lines;
    for (const auto& host : request.hosts) {
        lines.push_back("GET " + buildUrl(m_settings, host, request.ipv4, request.ipv6) + " (Basic auth as " +
                        m_settings.username + ")");
    }
    return lines;
}

std::vector<HostOutcome> Client::update(const UpdateRequest& request) {
    std::vector<HostOutcome> outcomes;
    outcomes.reserve(request.hosts.size());
    for (const auto& host : request.hosts) {
        net::HttpRequest get =
            httpupdate::makeRequest(m_settings.endpoint, buildUrl(m_settings, host, request.ipv4, request.ipv6));
        get.username = m_settings.username;
        get.password = &m_settings.password;
        outcomes.push_back(httpupdate::exchange(m_http, std::move(get), host, nullptr, classifyReply));
    }
    return outcomes;
}

}  // namespace qdyn::dynonym
