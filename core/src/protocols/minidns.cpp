// miniDNS HTTP client: areg.php requests and the classification of its three fixed replies.
#include "qdyn/protocols/minidns.hpp"

#include <utility>

namespace qdyn::minidns {

namespace {

constexpr std::string_view kOkayPrefix = "okay. ";
constexpr std::string_view kMappedTo = " mapped to ";

// The addresses to send, one request each; a single empty slot when none is known.
std::vector<std::optional<IpAddress>> addressesOf(const UpdateRequest& request) {
    std::vector<std::optional<IpAddress>> out;
    if (request.ipv4) out.emplace_back(request.ipv4);
    if (request.ipv6) out.emplace_back(request.ipv6);
    if (out.empty()) out.emplace_back(std::nullopt);
    return out;
}

}  // namespace

std::string buildUrl(const Settings& settings, const std::string& host, const std::optional<IpAddress>& address,
                     bool revealPassword) {
    std::string url = httpupdate::joinUrl(settings.endpoint.baseUrl, settings.endpoint.path);
    httpupdate::appendQuery(url, "opcode", "ADD");
    httpupdate::appendQuery(url, "host", host);
    httpupdate::appendQuery(url, "username", settings.username);
    if (revealPassword) {
        httpupdate::appendQuery(url, "password", settings.password.reveal());
    } else {
        url += "&password=***";
    }
    if (address) httpupdate::appendAddress(url, "ip", *address);
    return url;
}

HostOutcome classifyReply(const std::string& host, long httpStatus, std::string_view body,
                          std::optional<std::string_view> retryAfter) {
    // A throttle or a server error says more than whatever page came with it.
    if (httpupdate::isRetryStatus(httpStatus)) return httpupdate::statusOutcome(host, httpStatus, retryAfter);
    const auto line = httpupdate::onlyLine(body);
    if (line && *line == "auth_fail. Incorrect username/password/hostname.") {
        // One answer for three faults: the credentials of the whole profile are the likely
        // one, and guessing again with them would look like password guessing. Stop the
        // profile (AuthFailed) until its config changes.
        return HostOutcome{
            host, OutcomeClass::AuthFailed, "auth_fail", "incorrect username, password or host name", {}, {}};
    }
    if (line && *line == "auth_fail. Host name format error.") {
        return HostOutcome{
            host, OutcomeClass::HostRejected, "auth_fail", "the server refused the host name's format", {}, {}};
    }
    // "okay. HOST mapped to ADDR." taken apart by its fixed pieces, never searched.
    if (line && line->substr(0, kOkayPrefix.size()) == kOkayPrefix && line->size() > kOkayPrefix.size() + 1 &&
        line->back() == '.') {
        const std::string_view rest = line->substr(kOkayPrefix.size(), line->size() - kOkayPrefix.size() - 1);
        const std::size_t mapped = rest.find(kMappedTo);
        if (mapped != std::string_view::npos) {
            const std::string_view replyHost = rest.substr(0, mapped);
            const auto address = IpAddress::parse(rest.substr(mapped + kMappedTo.size()));
            if (address && httpupdate::equalsIgnoringCase(replyHost, host)) {
                return HostOutcome{host, OutcomeClass::Updated, "okay", "the update was accepted", {*address}, {}};
            }
            if (address) {
                // Success for another name is not success for ours.
                return HostOutcome{host,
                                   OutcomeClass::RetryLater,
                                   "okay",
                                   "the server confirmed another host (" + httpupdate::printable(replyHost) + ")",
                                   {}, {}};
            }
        }
    }
    HostOutcome outcome = httpupdate::statusOutcome(host, httpStatus, retryAfter);
    if (httpStatus == 200) outcome.detail = "unrecognised reply (HTTP 200)";
    return outcome;
}

Client::Client(Settings settings) : m_settings(std::move(settings)) {}

std::vector<std::string> Client::describe(const UpdateRequest& request) const {
    std::vector<std::string> lines;
    for (const auto& host : request.hosts) {
        for (const auto& address : addressesOf(request)) {
            lines.push_back("GET " + buildUrl(m_settings, host, address, false));
        }
    }
    return lines;
}

std::vector<HostOutcome> Client::update(const UpdateRequest& request) {
    std::vector<HostOutcome> outcomes;
    outcomes.reserve(request.hosts.size());
    for (const auto& host : request.hosts) {
        std::optional<HostOutcome> merged;
        for (const auto& address : addressesOf(request)) {
            net::HttpRequest get =
                httpupdate::makeRequest(m_settings.endpoint, buildUrl(m_settings, host, address, true));
            HostOutcome reply = httpupdate::exchange(m_http, std::move(get), host, &m_settings.password, classifyReply);
            if (!merged) {
                merged = std::move(reply);
            } else {
                httpupdate::mergeOutcome(*merged, reply);
            }
            // After a stopping answer the second family is not worth a request.
            if (isStopping(merged->outcome)) break;
        }
        outcomes.push_back(std::move(*merged));
    }
    return outcomes;
}

}  // namespace qdyn::minidns
