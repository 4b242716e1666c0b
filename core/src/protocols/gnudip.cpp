// GnuDIP HTTP client: the salt page, the signed update and a strict reader of the meta tags
// both carry.
#include "qdyn/protocols/gnudip.hpp"

#include <algorithm>
#include <utility>

#include "qdyn/crypto/digest.hpp"

namespace qdyn::gnudip {

namespace {

constexpr std::size_t kMaxTags = 32;
constexpr std::size_t kMaxName = 32;
constexpr std::size_t kMaxContent = 256;

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::size_t skipSpaces(std::string_view& text) {
    std::size_t skipped = 0;
    while (skipped < text.size() && isSpace(text[skipped]))
        ++skipped;
    text.remove_prefix(skipped);
    return skipped;
}

// Reads `attribute="value"` at the start of text and moves past it; nullopt unless exactly so.
std::optional<std::string_view> readAttribute(std::string_view& text, std::string_view attribute, std::size_t limit) {
    if (text.substr(0, attribute.size()) != attribute) return std::nullopt;
    std::string_view rest = text.substr(attribute.size());
    if (rest.substr(0, 2) != "=\"") return std::nullopt;
    rest.remove_prefix(2);
    const std::size_t end = rest.find('"');
    if (end == std::string_view::npos || end > limit) return std::nullopt;
    const std::string_view value = rest.substr(0, end);
    const bool clean = std::none_of(value.begin(), value.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f || c == '<' || c == '>';
    });
    if (!clean) return std::nullopt;
    text = rest.substr(end + 1);
    return value;
}

// Printable ASCII without blanks, 1..limit characters: what a salt or a sign can be.
bool isToken(std::string_view text, std::size_t limit) {
    return !text.empty() && text.size() <= limit &&
           std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

bool isDigits(std::string_view text, std::size_t limit) {
    return !text.empty() && text.size() <= limit &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const MetaTag* findTag(const std::vector<MetaTag>& tags, std::string_view name) {
    for (const auto& tag : tags) {
        if (tag.name == name) return &tag;
    }
    return nullptr;
}

}  // namespace

std::optional<std::vector<MetaTag>> parseMetaTags(std::string_view html) {
    constexpr std::string_view kOpen = "<meta";
    std::vector<MetaTag> tags;
    for (std::size_t at = html.find(kOpen); at != std::string_view::npos; at = html.find(kOpen)) {
        html.remove_prefix(at + kOpen.size());
        if (html.empty()) return std::nullopt;  // cut off inside a tag
        if (!isSpace(html.front())) continue;   // "<metadata>" and the like
        skipSpaces(html);
        if (html.substr(0, 5) != "name=") {
            // http-equiv and other unnamed meta tags carry nothing for us.
            const std::size_t close = html.find('>');
            if (close == std::string_view::npos) return std::nullopt;
            html.remove_prefix(close + 1);
            continue;
        }
        const auto name = readAttribute(html, "name", kMaxName);
        if (!name || name->empty() || skipSpaces(html) == 0) return std::nullopt;
        const auto content = readAttribute(html, "content", kMaxContent);
        if (!content) return std::nullopt;
        skipSpaces(html);
        if (!html.empty() && html.front() == '/') html.remove_prefix(1);
        if (html.empty() || html.front() != '>') return std::nullopt;
        html.remove_prefix(1);
        // Two values for one name leave the reply's meaning open: refuse it.
        if (findTag(tags, *name) != nullptr || tags.size() == kMaxTags) return std::nullopt;
        tags.push_back(MetaTag{std::string(*name), std::string(*content)});
    }
    return tags;
}

Result<Challenge> parseChallenge(std::string_view html) {
    const auto tags = parseMetaTags(html);
    if (!tags) return makeError("the salt page has malformed meta tags");
    const MetaTag* salt = findTag(*tags, "salt");
    const MetaTag* time = findTag(*tags, "time");
    const MetaTag* sign = findTag(*tags, "sign");
    if (salt == nullptr || time == nullptr || sign == nullptr) {
        return makeError("the salt page lacks the salt, time or sign meta tag (is this a GnuDIP server?)");
    }
    if (!isToken(salt->content, 64) || !isDigits(time->content, 20) || !isToken(sign->content, 128)) {
        return makeError("the salt page has an invalid salt, time or sign");
    }
    return Challenge{salt->content, time->content, sign->content};
}

Result<Secret> passwordHash(const Secret& password, std::string_view salt) {
    auto inner = crypto::md5Hex(password.reveal());
    if (!inner) return inner.error();
    const Secret innerHex(std::move(*inner));
    auto outer = crypto::md5Hex({innerHex.reveal(), ".", salt});
    if (!outer) return outer.error();
    return Secret(std::move(*outer));
}

Result<std::string> domainOf(std::string_view host, std::string_view username) {
    const bool fits = !username.empty() && host.size() > username.size() + 1 && host[username.size()] == '.' &&
                      httpupdate::equalsIgnoringCase(host.substr(0, username.size()), username);
    if (!fits) {
        return makeError("GnuDIP updates <username>.<domain>, so the host must start with \"" + std::string(username) +
                         ".\" (the profile's username)");
    }
    return std::string(host.substr(username.size() + 1));
}

std::string buildUpdateUrl(const Settings& settings, const Challenge& challenge, std::string_view domain,
                           std::optional<std::string_view> hash, RequestCode code,
                           const std::optional<IpAddress>& ipv4) {
    std::string url = httpupdate::joinUrl(settings.endpoint.baseUrl, settings.endpoint.path);
    httpupdate::appendQuery(url, "salt", challenge.salt);
    httpupdate::appendQuery(url, "time", challenge.time);
    httpupdate::appendQuery(url, "sign", challenge.sign);
    httpupdate::appendQuery(url, "user", settings.username);
    if (hash) {
        httpupdate::appendQuery(url, "pass", *hash);
    } else {
        url += "&pass=***";
    }
    httpupdate::appendQuery(url, "domn", domain);
    httpupdate::appendQuery(url, "reqc", std::to_string(static_cast<int>(code)));
    if (code == RequestCode::SetAddress && ipv4) httpupdate::appendAddress(url, "addr", *ipv4);
    return url;
}

HostOutcome classifyReply(const std::string& host, long httpStatus, std::string_view body, RequestCode code,
                          std::optional<std::string_view> retryAfter) {
    // A throttle or a server error wins over the page: a GnuDIP server with a broken
    // configuration answers 500 with retc 1, which is no verdict on our credentials.
    if (httpupdate::isRetryStatus(httpStatus)) return httpupdate::statusOutcome(host, httpStatus, retryAfter);
    const auto tags = parseMetaTags(body);
    const MetaTag* retc = tags ? findTag(*tags, "retc") : nullptr;
    if (retc == nullptr) {
        HostOutcome outcome = httpupdate::statusOutcome(host, httpStatus, retryAfter);
        if (httpStatus == 200) outcome.detail = "unrecognised reply: no readable retc meta tag";
        return outcome;
    }
    HostOutcome outcome;
    outcome.host = host;
    outcome.code = "retc " + httpupdate::printable(retc->content, 8);
    const bool offline = code == RequestCode::Offline;
    if (retc->content == "0" && !offline) {
        outcome.outcome = OutcomeClass::Updated;
        outcome.detail = "the update was accepted";
        if (const MetaTag* addr = findTag(*tags, "addr")) {
            if (const auto address = IpAddress::parse(addr->content); address && address->isV4()) {
                outcome.addresses.push_back(*address);
            }
        }
    } else if (retc->content == "1") {
        // GnuDIP answers 1 to a bad login and to every request it refuses (expired salt, bad
        // signature, bad address) alike. PROTOCOLS.md sorts it as AuthFailed: resending the
        // same credentials to a server that refused them is what must not loop.
        outcome.outcome = OutcomeClass::AuthFailed;
        outcome.detail = "the server refused the login or the request (GnuDIP return code 1)";
    } else if (retc->content == "2" && offline) {
        outcome.outcome = OutcomeClass::Updated;
        outcome.detail = "the host was taken offline";
    } else {
        outcome.outcome = OutcomeClass::RetryLater;
        outcome.detail = "unexpected GnuDIP return code for reqc " + std::to_string(static_cast<int>(code));
    }
    return outcome;
}

Client::Client(Settings settings) : m_settings(std::move(settings)) {}

std::vector<std::string> Client::describe(const UpdateRequest& request) const {
    std::vector<std::string> lines;
    const std::string saltUrl = httpupdate::joinUrl(m_settings.endpoint.baseUrl, m_settings.endpoint.path);
    const RequestCode code = request.ipv4 ? RequestCode::SetAddress : RequestCode::ConnectingAddress;
    for (const auto& host : request.hosts) {
        const auto domain = domainOf(host, m_settings.username);
        if (!domain) {
            lines.push_back("nothing for " + host + ": " + domain.message());
            continue;
        }
        lines.push_back("GET " + saltUrl + " (for a salt, time and sign)");
        lines.push_back("GET " + buildUpdateUrl(m_settings, Challenge{"SALT", "TIME", "SIGN"}, *domain, std::nullopt,
                                                code, request.ipv4));
    }
    return lines;
}

HostOutcome Client::updateHost(const std::string& host, const UpdateRequest& request) {
    const auto domain = domainOf(host, m_settings.username);
    if (!domain) return HostOutcome{host, OutcomeClass::HostRejected, "host", domain.message(), {}, {}};
    const RequestCode code = request.ipv4 ? RequestCode::SetAddress : RequestCode::ConnectingAddress;

    const net::HttpRequest first = httpupdate::makeRequest(
        m_settings.endpoint, httpupdate::joinUrl(m_settings.endpoint.baseUrl, m_settings.endpoint.path));
    auto page = m_http.get(first);
    if (!page) return httpupdate::networkFailure(host, page.message());
    if (page->status < 200 || page->status > 299) {
        return httpupdate::statusOutcome(host, page->status, page->header("retry-after"));
    }
    auto challenge = parseChallenge(page->body);
    if (!challenge) return HostOutcome{host, OutcomeClass::RetryLater, "no-salt", challenge.message(), {}, {}};
    auto hash = passwordHash(m_settings.password, challenge->salt);
    if (!hash) {
        // Not a server's verdict, but no later try can succeed either: stop the profile.
        return HostOutcome{
            host, OutcomeClass::AuthFailed, "md5", "cannot compute the GnuDIP login: " + hash.message(), {}, {}};
    }

    net::HttpRequest second = httpupdate::makeRequest(
        m_settings.endpoint, buildUpdateUrl(m_settings, *challenge, *domain, hash->reveal(), code, request.ipv4));
    // reqc=2 publishes the address the request comes from, which must then be an IPv4 one.
    if (code == RequestCode::ConnectingAddress) second.family = AddressFamily::V4;
    HostOutcome outcome = httpupdate::exchange(
        m_http, std::move(second), host, &*hash,
        [code](const std::string& h, long status, std::string_view body, std::optional<std::string_view> retryAfter) {
            return classifyReply(h, status, body, code, retryAfter);
        });
    if (request.ipv6 && isSuccess(outcome.outcome)) {
        outcome.detail += "; the IPv6 address was not sent (GnuDIP carries IPv4 only)";
    }
    return outcome;
}

std::vector<HostOutcome> Client::update(const UpdateRequest& request) {
    std::vector<HostOutcome> outcomes;
    outcomes.reserve(request.hosts.size());
    for (const auto& host : request.hosts)
        outcomes.push_back(updateHost(host, request));
    return outcomes;
}

}  // namespace qdyn::gnudip
