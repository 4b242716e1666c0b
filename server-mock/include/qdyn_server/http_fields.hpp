// Parsing of the untrusted pieces of an HTTP request that every update API shares: the query
// string (percent-decoded, raw values accepted too) and the Basic Authorization header.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qdyn/dns/name.hpp"
#include "qdyn_server/http_message.hpp"

namespace qdyn::server {

// Decodes %XX escapes; a '%' not followed by two hex digits stays as it is, so raw values
// (as nanodnsd-style clients send them) survive. '+' is kept: RFC 3986 gives it no meaning.
std::string percentDecode(std::string_view text);

// "a=1&b=%32&c" -> {a,1} {b,2} {c,""}, in order, names and values decoded. Empty pieces skipped.
using QueryParams = std::vector<std::pair<std::string, std::string>>;
QueryParams parseQuery(std::string_view query);
// The value of the first parameter with this exact name.
std::optional<std::string_view> findParam(const QueryParams& params, std::string_view name);

// The parameters of a request: its query string, then the body of a form POST
// (application/x-www-form-urlencoded), which nanodnsd-style clients may use instead.
QueryParams requestParams(const HttpRequestInfo& request);
// The first of `names` that occurs more than once: such a request is ambiguous (a proxy and
// the server could each read a different value), so the APIs refuse it.
std::optional<std::string_view> duplicatedParam(const QueryParams& params, std::initializer_list<std::string_view> names);

// A host name as the update APIs take it: valid DNS syntax and at least two labels (a bare
// "home" is not fully qualified).
std::optional<dns::Name> parseFqdn(std::string_view text);

// ASCII case-insensitive equality (header values, scheme names, flags such as offline=YES).
bool equalsIgnoreCase(std::string_view a, std::string_view b) noexcept;

// Splits a request target into its path and its query (without '?').
std::pair<std::string_view, std::string_view> splitTarget(std::string_view target);

struct BasicCredentials {
    std::string user;
    std::string password;
};
// Parses "Basic <base64(user:password)>" (scheme case-insensitive, strict base64 with padding).
std::optional<BasicCredentials> parseBasicAuth(std::string_view header);

}  // namespace qdyn::server
