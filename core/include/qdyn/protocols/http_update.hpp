// What the HTTP update protocols share: endpoint settings, request preparation, the reading of
// plain-text replies, and the meaning of a bare HTTP status. One copy, so that every protocol
// treats 401, 429, 5xx, Retry-After and network trouble alike.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "qdyn/net/http_client.hpp"
#include "qdyn/protocols/outcome.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::httpupdate {

// Where and how an HTTP protocol connects.
struct Endpoint {
    std::string baseUrl;  // "https://dyn.example.net" (a path prefix is allowed)
    std::string path;     // joined to baseUrl with exactly one slash
    std::chrono::milliseconds timeout{15000};
    bool verifyTls = true;
    std::string caFile;  // PEM CA bundle; empty: the system store
};

// "qdyn/0.1.0 (linux)": the User-Agent every qdyn HTTP request carries.
std::string userAgent();

// baseUrl without trailing slashes, then path with one leading slash.
std::string joinUrl(std::string_view baseUrl, std::string_view path);

// Appends "?name=value" (or "&name=value" once a query has started), value percent-encoded.
void appendQuery(std::string& url, std::string_view name, std::string_view value);

// Appends an address parameter unencoded: an address's characters (hex digits, '.', ':') are
// all allowed in a query, and servers that do not percent-decode (nanodnsd) read them right.
void appendAddress(std::string& url, std::string_view name, const IpAddress& address);

// A GET of `url` with qdyn's user agent and the endpoint's timeout and TLS settings.
net::HttpRequest makeRequest(const Endpoint& endpoint, std::string url);

// The body as one line: trailing blanks and line endings removed; nullopt when anything but
// blanks follows the first line break (a reply of several lines is not a one-line reply).
std::optional<std::string_view> onlyLine(std::string_view body);
// The first blank-delimited token (blanks: space, tab, CR, LF), empty for a blank body.
std::string_view firstToken(std::string_view body);
// True when the body holds nothing but blanks.
bool isBlank(std::string_view body);
// ASCII comparison without regard to case (host names and user names in replies).
bool equalsIgnoringCase(std::string_view a, std::string_view b);

// At most `limit` bytes of `text` with every byte outside printable ASCII shown as '?': for
// words from a reply that end up in messages and on terminals.
std::string printable(std::string_view text, std::size_t limit = 64);

// True for the statuses after which the server is to be asked again later: 429 and 5xx.
bool isRetryStatus(long status) noexcept;

// "; the server asks to wait 120 s (Retry-After)", or empty when the header is absent or not
// a plain number of seconds or an HTTP date.
std::string retryAfterNote(std::optional<std::string_view> retryAfter);
// A Retry-After value (delay-seconds or an IMF-fixdate) as a wait from `now`, capped at a week;
// nothing for anything else.
std::optional<std::chrono::seconds> parseRetryAfter(std::string_view value, std::chrono::system_clock::time_point now);

// The outcome a bare status implies when the body says nothing more specific: 401 AuthFailed,
// 403 HostRejected, everything else RetryLater (429 and 5xx with the Retry-After note).
// Code "HTTP <status>".
HostOutcome statusOutcome(const std::string& host, long status, std::optional<std::string_view> retryAfter);

// RetryLater with code "network": the request never got an HTTP answer.
HostOutcome networkFailure(const std::string& host, std::string message);

// Classifies one HTTP reply (status, body, Retry-After header) for one host.
using ReplyClassifier = std::function<HostOutcome(const std::string& host, long status, std::string_view body,
                                                  std::optional<std::string_view> retryAfter)>;

// Sends `request` and classifies the reply; a transport failure becomes networkFailure(host).
// With urlSecret the URL carries that secret: the URL is wiped afterwards and the secret is
// cut out of any error message.
HostOutcome exchange(net::HttpClient& http, net::HttpRequest request, const std::string& host, const Secret* urlSecret,
                     const ReplyClassifier& classify);

// Some protocols send one request per address family for one host. The merged outcome keeps
// the class that matters most (stopping classes, then RetryLater, then Updated, then
// Unchanged) and the addresses of both replies.
void mergeOutcome(HostOutcome& merged, const HostOutcome& reply);

// `text` with every copy of the secret, as is and percent-encoded, replaced by "***": for
// error messages that might echo a URL carrying the secret in its path.
std::string redact(std::string text, const Secret& secret);

}  // namespace qdyn::httpupdate
