// The HTTP echo source: body parsers, the default list and the per-service backoff.
#include "qdyn/detect/http_echo_source.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "qdyn/net/http_client.hpp"

namespace qdyn::detect {

namespace {

constexpr std::string_view kWhitespace = " \t\r\n";

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(kWhitespace);
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(kWhitespace);
    return text.substr(first, last - first + 1);
}

// Consumes `token` (after optional whitespace) from the front of `text`.
bool take(std::string_view& text, std::string_view token) {
    text = text.substr(std::min(text.size(), text.find_first_not_of(kWhitespace)));
    if (!text.starts_with(token)) return false;
    text.remove_prefix(token.size());
    return true;
}

Result<IpAddress> addressText(std::string_view text, std::string_view what) {
    const auto address = IpAddress::parse(text);
    if (!address) return makeError(std::string(what) + " does not hold exactly one address");
    return *address;
}

// {"ip":"A"}: one member, no escapes (an address has no character JSON would escape).
Result<IpAddress> parseJson(std::string_view body) {
    std::string_view rest = body;
    if (!take(rest, "{") || !take(rest, "\"ip\"") || !take(rest, ":") || !take(rest, "\"")) {
        return makeError("the JSON reply is not {\"ip\":\"...\"}");
    }
    const auto close = rest.find('"');
    if (close == std::string_view::npos) return makeError("the JSON reply is not {\"ip\":\"...\"}");
    const std::string_view value = rest.substr(0, close);
    rest.remove_prefix(close + 1);
    if (!take(rest, "}") || !trim(rest).empty()) return makeError("the JSON reply has more than the \"ip\" member");
    return addressText(value, "the JSON \"ip\" member");
}

// The body element must be exactly "Current IP Address: A", as checkip.dyndns.org sends it;
// the page must have one body.
Result<IpAddress> parseCheckip(std::string_view body) {
    constexpr std::string_view kOpen = "<body>";
    constexpr std::string_view kClose = "</body>";
    constexpr std::string_view kLabel = "Current IP Address: ";
    const auto open = body.find(kOpen);
    if (open == std::string_view::npos || body.find(kOpen, open + 1) != std::string_view::npos) {
        return makeError("the checkip page has no single <body>");
    }
    const auto start = open + kOpen.size();
    const auto close = body.find(kClose, start);
    if (close == std::string_view::npos) return makeError("the checkip page has no </body>");
    const std::string_view content = body.substr(start, close - start);
    if (!content.starts_with(kLabel)) return makeError("the checkip page does not say \"Current IP Address: \"");
    return addressText(content.substr(kLabel.size()), "the checkip page");
}

std::size_t familyIndex(AddressFamily family) {
    return family == AddressFamily::V4 ? 0 : 1;
}
}  // namespace

std::span<const HttpEchoService> defaultHttpEchoServices() {
    static const std::array<HttpEchoService, 7> services{{
        {"https://api64.ipify.org/", EchoFormat::PlainText, true, true},
        {"https://api.ipify.org/", EchoFormat::PlainText, true, false},
        {"https://api6.ipify.org/", EchoFormat::PlainText, false, true},
        {"https://ipv4.icanhazip.com/", EchoFormat::PlainText, true, false},
        {"https://ipv6.icanhazip.com/", EchoFormat::PlainText, false, true},
        {"https://ifconfig.co/ip", EchoFormat::PlainText, true, true},
        {"http://checkip.dyndns.org/", EchoFormat::CheckipHtml, true, false},
    }};
    return services;
}

Result<IpAddress> parseEchoBody(std::string_view body, EchoFormat format) {
    switch (format) {
        case EchoFormat::PlainText:
            return addressText(trim(body), "the reply");
        case EchoFormat::Json:
            return parseJson(body);
        case EchoFormat::CheckipHtml:
            return parseCheckip(body);
    }
    return makeError("unknown echo format");
}

HttpEchoSource::HttpEchoSource(HttpEchoOptions options) : m_options(std::move(options)) {
    if (m_options.services.empty()) {
        const auto defaults = defaultHttpEchoServices();
        m_options.services.assign(defaults.begin(), defaults.end());
    }
    m_backoff.resize(2 * m_options.services.size());
}

std::string HttpEchoSource::describe() const {
    if (m_options.services.size() == 1) return "http " + m_options.services.front().url;
    return "http " + m_options.services.front().url + " and " + std::to_string(m_options.services.size() - 1) + " more";
}

Result<IpAddress> HttpEchoSource::ask(const HttpEchoService& service, AddressFamily family,
                                      const HttpEchoOptions& options) {
    net::HttpRequest request;
    request.url = service.url;
    request.userAgent = options.userAgent;
    request.timeout = options.timeout;
    request.connectTimeout = std::min(options.timeout, request.connectTimeout);
    request.family = family;
    request.maxBodyBytes = options.maxBodyBytes;
    net::HttpClient client;
    auto response = client.get(request);
    if (!response) return response.error();
    if (response->status != 200) return makeError("HTTP status " + std::to_string(response->status));
    if (response->peerAddress && response->peerAddress->family() != family) {
        return makeError("the connection did not go over " + std::string(toString(family)));
    }
    auto address = parseEchoBody(response->body, service.format);
    if (!address) return address.error();
    if (address->family() != family) {
        return makeError("asked over " + std::string(toString(family)) + ", got " + address->toString());
    }
    return *address;
}

Result<std::vector<Candidate>> HttpEchoSource::detect(AddressFamily family) {
    std::string failures;
    const auto now = m_options.now();
    for (std::size_t i = 0; i < m_options.services.size(); ++i) {
        const auto& service = m_options.services[i];
        if (!(family == AddressFamily::V4 ? service.ipv4 : service.ipv6)) continue;
        auto& backoff = m_backoff[2 * i + familyIndex(family)];
        if (backoff.failures > 0 && now < backoff.retryAt) {
            failures += (failures.empty() ? "" : "; ") + service.url + ": backing off";
            continue;
        }
        auto address = ask(service, family, m_options);
        if (address) {
            backoff = {};
            Candidate candidate;
            candidate.address = *address;
            return std::vector<Candidate>{candidate};
        }
        failures += (failures.empty() ? "" : "; ") + service.url + ": " + address.message();
        // First failure: firstBackoff; then doubling up to maxBackoff.
        const auto doublings = std::min(backoff.failures, 16);
        const std::chrono::seconds longer = m_options.firstBackoff * (std::chrono::seconds::rep{1} << doublings);
        const auto wait = std::min(m_options.maxBackoff, longer);
        ++backoff.failures;
        backoff.retryAt = m_options.now() + wait;
    }
    if (failures.empty()) return makeError("http: no service answers over " + std::string(toString(family)));
    return makeError("http: " + failures);
}

}  // namespace qdyn::detect
