// Shared pieces of the HTTP update protocols.
#include "qdyn/protocols/http_update.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "qdyn/version.hpp"

namespace qdyn::httpupdate {

namespace {

bool isBlankChar(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Stopping classes first, then RetryLater, then Updated, then Unchanged.
int severity(OutcomeClass outcome) {
    switch (outcome) {
        case OutcomeClass::AuthFailed:
            return 6;
        case OutcomeClass::Abuse:
            return 5;
        case OutcomeClass::ClockSkew:
            return 4;
        case OutcomeClass::HostRejected:
            return 3;
        case OutcomeClass::RetryLater:
            return 2;
        case OutcomeClass::Updated:
            return 1;
        case OutcomeClass::Unchanged:
            return 0;
    }
    return 0;
}

void replaceAll(std::string& text, std::string_view what, std::string_view with) {
    if (what.empty()) return;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size())) {
        text.replace(at, what.size(), with);
    }
}

}  // namespace

std::string userAgent() {
#if defined(_WIN32)
    constexpr const char* platform = "windows";
#elif defined(__APPLE__)
    constexpr const char* platform = "macos";
#elif defined(__linux__)
    constexpr const char* platform = "linux";
#else
    constexpr const char* platform = "unix";
#endif
    return std::string("qdyn/") + kVersion + " (" + platform + ")";
}

std::string joinUrl(std::string_view baseUrl, std::string_view path) {
    std::string url(baseUrl);
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    if (path.empty() || path.front() != '/') url += '/';
    url += path;
    return url;
}

void appendQuery(std::string& url, std::string_view name, std::string_view value) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += name;
    url += '=';
    url += net::urlEncode(value);
}

void appendAddress(std::string& url, std::string_view name, const IpAddress& address) {
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += name;
    url += '=';
    url += address.toString();
}

net::HttpRequest makeRequest(const Endpoint& endpoint, std::string url) {
    net::HttpRequest request;
    request.url = std::move(url);
    request.userAgent = userAgent();
    request.timeout = endpoint.timeout;
    request.verifyTls = endpoint.verifyTls;
    request.caFile = endpoint.caFile;
    return request;
}

std::optional<std::string_view> onlyLine(std::string_view body) {
    while (!body.empty() && isBlankChar(body.back()))
        body.remove_suffix(1);
    if (body.find_first_of("\r\n") != std::string_view::npos) return std::nullopt;
    return body;
}

std::string_view firstToken(std::string_view body) {
    const std::size_t start = std::min(body.size(), body.find_first_not_of(" \t\r\n"));
    body.remove_prefix(start);
    return body.substr(0, body.find_first_of(" \t\r\n"));
}

bool isBlank(std::string_view body) {
    return std::all_of(body.begin(), body.end(), isBlankChar);
}

std::string printable(std::string_view text, std::size_t limit) {
    std::string out(text.substr(0, limit));
    for (char& c : out) {
        if (c < 0x20 || c > 0x7e) c = '?';
    }
    return out;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

bool isRetryStatus(long status) noexcept {
    return status == 429 || (status >= 500 && status <= 599);
}

std::string retryAfterNote(std::optional<std::string_view> retryAfter) {
    if (!retryAfter || retryAfter->empty() || retryAfter->size() > 40) return {};
    const std::string_view value = *retryAfter;
    // RFC 9110 10.2.3: delay-seconds or an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT").
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (value.size() > 9)
            return "; the server asks to wait a very long time (Retry-After: " + std::string(value) + ")";
        return "; the server asks to wait " + std::string(value) + " s (Retry-After)";
    }
    const bool dateLike =
        value.size() > 4 && value.substr(value.size() - 4) == " GMT" &&
        std::all_of(value.begin(), value.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == ' ' || c == ',' || c == ':' || c == '-';
        });
    if (dateLike) return "; the server asks to wait until " + std::string(value) + " (Retry-After)";
    return {};
}

std::optional<std::chrono::seconds> parseRetryAfter(std::string_view value, std::chrono::system_clock::time_point now) {
    constexpr std::chrono::seconds kLongest{std::chrono::hours(24 * 7)};
    if (value.empty() || value.size() > 40) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (value.size() > 9) return kLongest;
        long long seconds = 0;
        for (char c : value) seconds = seconds * 10 + (c - '0');
        return std::min(std::chrono::seconds(seconds), kLongest);
    }
    // IMF-fixdate, the only date form a sender may generate (RFC 9110 5.6.7): "Sun, 06 Nov 1994 08:49:37 GMT".
    static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
    if (value.size() != 29 || value[3] != ',' || value.substr(25) != " GMT") return std::nullopt;
    auto number = [&](std::size_t at, std::size_t digits) -> int {
        int n = 0;
        for (std::size_t i = at; i < at + digits; ++i) {
            if (value[i] < '0' || value[i] > '9') return -1;
            n = n * 10 + (value[i] - '0');
        }
        return n;
    };
    const std::size_t month = kMonths.find(value.substr(8, 3));
    const int day = number(5, 2), year = number(12, 4), hour = number(17, 2), minute = number(20, 2), second = number(23, 2);
    if (month == std::string_view::npos || month % 3 != 0 || day < 1 || day > 31 || year < 1970 || hour > 23 ||
        minute > 59 || second > 60 || value[16] != ' ' || value[19] != ':' || value[22] != ':') {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month / 3 + 1)),
                                           std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok()) return std::nullopt;
    const auto when = std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
                      std::chrono::seconds(second);
    const auto wait = std::chrono::duration_cast<std::chrono::seconds>(when - now);
    return std::clamp(wait, std::chrono::seconds(0), kLongest);
}

HostOutcome statusOutcome(const std::string& host, long status, std::optional<std::string_view> retryAfter) {
    HostOutcome outcome;
    outcome.host = host;
    if (retryAfter && isRetryStatus(status)) outcome.retryAfter = parseRetryAfter(*retryAfter, std::chrono::system_clock::now());
    outcome.code = "HTTP " + std::to_string(status);
    if (status == 401) {
        outcome.outcome = OutcomeClass::AuthFailed;
        outcome.detail = "HTTP 401: the server refused the credentials";
    } else if (status == 403) {
        outcome.outcome = OutcomeClass::HostRejected;
        outcome.detail = "HTTP 403: the server refused this host";
    } else if (status == 429) {
        outcome.outcome = OutcomeClass::RetryLater;
        outcome.detail = "HTTP 429: the server throttles this client" + retryAfterNote(retryAfter);
    } else if (status >= 500 && status <= 599) {
        outcome.outcome = OutcomeClass::RetryLater;
        outcome.detail = "HTTP " + std::to_string(status) + ": server error" + retryAfterNote(retryAfter);
    } else if (status == 404) {
        // Not a stopping class: a reverse proxy in the middle of a reconfiguration answers 404
        // for a while, and the agent's backoff keeps the retries polite.
        outcome.outcome = OutcomeClass::RetryLater;
        outcome.detail = "HTTP 404: no update service at this URL (check server and path)";
    } else {
        outcome.outcome = OutcomeClass::RetryLater;
        outcome.detail = "unrecognised reply (HTTP " + std::to_string(status) + ")";
    }
    return outcome;
}

HostOutcome networkFailure(const std::string& host, std::string message) {
    return HostOutcome{host, OutcomeClass::RetryLater, "network", std::move(message), {}, {}};
}

HostOutcome exchange(net::HttpClient& http, net::HttpRequest request, const std::string& host, const Secret* urlSecret,
                     const ReplyClassifier& classify) {
    auto response = http.get(request);
    if (urlSecret != nullptr) {
        const Secret spent(std::move(request.url));
    }
    if (!response) {
        return networkFailure(host, urlSecret != nullptr ? redact(response.message(), *urlSecret) : response.message());
    }
    return classify(host, response->status, response->body, response->header("retry-after"));
}

void mergeOutcome(HostOutcome& merged, const HostOutcome& reply) {
    for (const auto& address : reply.addresses)
        merged.addresses.push_back(address);
    if (severity(reply.outcome) > severity(merged.outcome)) {
        merged.outcome = reply.outcome;
        merged.code = reply.code;
        merged.detail = reply.detail;
    }
}

std::string redact(std::string text, const Secret& secret) {
    if (secret.empty()) return text;
    // The encoded form is never shorter, so it goes first: a secret inside its own encoding
    // is then not left half-replaced.
    const Secret encoded(net::urlEncode(secret.reveal()));
    replaceAll(text, encoded.reveal(), "***");
    replaceAll(text, secret.reveal(), "***");
    return text;
}

}  // namespace qdyn::httpupdate
