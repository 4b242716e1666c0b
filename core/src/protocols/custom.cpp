// The custom protocol: URL templates and configurable reply words.
#include "qdyn/protocols/custom.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace qdyn::custom {

namespace {

enum class Value { Host, Ipv4, Ipv6, AnyAddress, Username, Password, Percent };

struct Placeholder {
    std::string_view text;
    Value value;
};

constexpr std::array kPlaceholders{
    Placeholder{"<domain>", Value::Host},   Placeholder{"<ipaddr>", Value::Ipv4},
    Placeholder{"<ip6addr>", Value::Ipv6},  Placeholder{"<username>", Value::Username},
    Placeholder{"<pass>", Value::Password}, Placeholder{"%h", Value::Host},
    Placeholder{"%i", Value::AnyAddress},   Placeholder{"%u", Value::Username},
    Placeholder{"%p", Value::Password},     Placeholder{"%%", Value::Percent},
};

const Placeholder* placeholderAt(std::string_view text) {
    for (const auto& placeholder : kPlaceholders) {
        if (text.substr(0, placeholder.text.size()) == placeholder.text) return &placeholder;
    }
    return nullptr;
}

bool isHex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool contains(const std::vector<std::string>& words, std::string_view word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

Result<void> checkTemplate(std::string_view urlTemplate) {
    if (urlTemplate.substr(0, 7) != "http://" && urlTemplate.substr(0, 8) != "https://") {
        return makeError("url must start with http:// or https://");
    }
    if (urlTemplate.size() > 2048) return makeError("url is longer than 2048 characters");
    for (std::size_t i = 0; i < urlTemplate.size(); ++i) {
        const auto byte = static_cast<unsigned char>(urlTemplate[i]);
        if (byte <= 0x20 || byte >= 0x7f) {
            return makeError("url must be ASCII without blanks or control characters (percent-encode the rest)");
        }
        if (urlTemplate[i] == '>')
            return makeError("url: '>' at offset " + std::to_string(i) + " closes no placeholder");
        if (urlTemplate[i] != '%' && urlTemplate[i] != '<') continue;
        if (const Placeholder* placeholder = placeholderAt(urlTemplate.substr(i))) {
            i += placeholder->text.size() - 1;  // "%%" must not start another placeholder
            continue;
        }
        if (urlTemplate[i] == '<') {
            // '<' never belongs in a URL: this is a misspelt placeholder.
            const std::string_view rest = urlTemplate.substr(i, urlTemplate.find('>', i) + 1 - i);
            return makeError("url: unknown placeholder " + std::string(rest.substr(0, 32)) +
                             " (known: <domain> <ipaddr> <ip6addr> <username> <pass> %h %i %u %p %%)");
        }
        if (i + 2 < urlTemplate.size() && isHex(urlTemplate[i + 1]) && isHex(urlTemplate[i + 2])) continue;
        return makeError("url: '%' at offset " + std::to_string(i) +
                         " starts neither %h, %i, %u, %p, %% nor a %XX escape");
    }
    return {};
}

std::string expandTemplate(const Settings& settings, const std::string& host, const std::optional<IpAddress>& ipv4,
                           const std::optional<IpAddress>& ipv6, bool revealPassword) {
    const std::string_view text = settings.urlTemplate;
    std::string url;
    url.reserve(text.size() + 64);
    for (std::size_t i = 0; i < text.size();) {
        const Placeholder* placeholder = placeholderAt(text.substr(i));
        if (placeholder == nullptr) {
            url += text[i++];
            continue;
        }
        i += placeholder->text.size();
        switch (placeholder->value) {
            case Value::Host:
                url += net::urlEncode(host);
                break;
            case Value::Ipv4:
                url += ipv4 ? ipv4->toString() : std::string();
                break;
            case Value::Ipv6:
                url += ipv6 ? ipv6->toString() : std::string();
                break;
            case Value::AnyAddress:
                if (ipv4) {
                    url += ipv4->toString();
                } else if (ipv6) {
                    url += ipv6->toString();
                }
                break;
            case Value::Username:
                url += net::urlEncode(settings.username);
                break;
            case Value::Password:
                url += revealPassword ? net::urlEncode(settings.password.reveal()) : std::string("***");
                break;
            case Value::Percent:
                url += '%';
                break;
        }
    }
    return url;
}

HostOutcome classifyReply(const Patterns& patterns, const std::string& host, long httpStatus, std::string_view body,
                          std::optional<std::string_view> retryAfter) {
    if (httpStatus == 401 || httpupdate::isRetryStatus(httpStatus)) {
        return httpupdate::statusOutcome(host, httpStatus, retryAfter);
    }
    const bool ok = httpStatus >= 200 && httpStatus <= 299;
    if (patterns.empty()) {
        if (!ok) return httpupdate::statusOutcome(host, httpStatus, retryAfter);
        return HostOutcome{
            host, OutcomeClass::Updated, "HTTP " + std::to_string(httpStatus), "the server accepted the request", {}, {}};
    }
    const std::string_view word = httpupdate::firstToken(body);
    for (const auto& failure : patterns.failures) {
        if (failure.token == word) {
            return HostOutcome{
                host, failure.outcome, failure.token, "the reply starts with a configured failure word", {}, {}};
        }
    }
    if (ok && contains(patterns.success, word)) {
        return HostOutcome{host, OutcomeClass::Updated, std::string(word), "the update was accepted", {}, {}};
    }
    if (ok && contains(patterns.unchanged, word)) {
        return HostOutcome{host, OutcomeClass::Unchanged, std::string(word), "the server already had this address", {}, {}};
    }
    HostOutcome outcome = httpupdate::statusOutcome(host, httpStatus, retryAfter);
    if (ok) {
        outcome.detail = "unrecognised reply: its first word \"" + httpupdate::printable(word) +
                         "\" matches none of the configured patterns";
    }
    return outcome;
}

Client::Client(Settings settings) : m_settings(std::move(settings)) {}

std::vector<std::string> Client::describe(const UpdateRequest& request) const {
    std::vector<std::string> lines;
    for (const auto& host : request.hosts) {
        std::string line = "GET " + expandTemplate(m_settings, host, request.ipv4, request.ipv6, false);
        if (!m_settings.username.empty()) line += " (Basic auth as " + m_settings.username + ")";
        lines.push_back(std::move(line));
    }
    return lines;
}

std::vector<HostOutcome> Client::update(const UpdateRequest& request) {
    std::vector<HostOutcome> outcomes;
    outcomes.reserve(request.hosts.size());
    const httpupdate::ReplyClassifier classify = [this](const std::string& host, long status, std::string_view body,
                                                        std::optional<std::string_view> retryAfter) {
        return classifyReply(m_settings.patterns, host, status, body, retryAfter);
    };
    for (const auto& host : request.hosts) {
        net::HttpRequest get = httpupdate::makeRequest(
            m_settings.endpoint, expandTemplate(m_settings, host, request.ipv4, request.ipv6, true));
        if (!m_settings.username.empty()) {
            get.username = m_settings.username;
            get.password = &m_settings.password;
        }
        // The template may put the password anywhere, even in the path: treat the URL as secret.
        outcomes.push_back(httpupdate::exchange(m_http, std::move(get), host, &m_settings.password, classify));
    }
    return outcomes;
}

}  // namespace qdyn::custom
