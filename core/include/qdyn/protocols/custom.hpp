// The custom protocol: any HTTP GET update URL, written as a template with Fritz!Box
// (`<domain> <ipaddr> <ip6addr> <username> <pass>`) or inadyn (`%h %i %u %p`) placeholders,
// and replies sorted by configured first words. For services no other protocol covers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/net/http_client.hpp"
#include "qdyn/protocols/http_update.hpp"
#include "qdyn/protocols/protocol.hpp"
#include "qdyn/result.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::custom {

struct FailureToken {
    std::string token;
    OutcomeClass outcome;
};

// First words of a reply and what they mean. All empty: any 2xx is a success.
struct Patterns {
    std::vector<std::string> success;    // Updated
    std::vector<std::string> unchanged;  // Unchanged
    std::vector<FailureToken> failures;  // each with its class

    [[nodiscard]] bool empty() const { return success.empty() && unchanged.empty() && failures.empty(); }
};

struct Settings {
    std::string urlTemplate;        // absolute http:// or https:// template
    httpupdate::Endpoint endpoint;  // timeout and TLS; baseUrl and path are not used
    std::string username;           // Basic auth when set; also <username> and %u
    Secret password;                // <pass> and %p
    Patterns patterns;
};

// A template is valid when it is an http:// or https:// URL of printable ASCII without blanks,
// every '<' starts a known placeholder, and every '%' starts %h, %i, %u, %p, %% or a %XX escape.
Result<void> checkTemplate(std::string_view urlTemplate);

// The URL for one host. Placeholders:
//   <domain> %h   the host            <username> %u   the user name
//   <ipaddr>      the IPv4 address    <pass> %p       the password
//   <ip6addr>     the IPv6 address    %i              the IPv4 address, else the IPv6 one
//   %%            a literal '%'
// Names and credentials are percent-encoded. Addresses go in as they are: their characters
// (hex digits, '.', ':') need no encoding anywhere in a URL, and some servers (nanodnsd) do
// not decode them. An unknown address becomes empty. Any other text, %XX escapes included,
// stays as written. With revealPassword false the password shows as "***".
std::string expandTemplate(const Settings& settings, const std::string& host, const std::optional<IpAddress>& ipv4,
                           const std::optional<IpAddress>& ipv6, bool revealPassword);

// 401 is AuthFailed, 429 and 5xx RetryLater, whatever the body. Otherwise the first word of
// the body is compared exactly with the patterns: a failure word counts at any status, a
// success or unchanged word only with a 2xx. With no patterns a 2xx is Updated.
HostOutcome classifyReply(const Patterns& patterns, const std::string& host, long httpStatus, std::string_view body,
                          std::optional<std::string_view> retryAfter = std::nullopt);

class Client final : public UpdateProtocol {
public:
    explicit Client(Settings settings);
    [[nodiscard]] std::string_view name() const override { return "custom"; }
    // One request per host.
    std::vector<HostOutcome> update(const UpdateRequest& request) override;
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest& request) const override;

private:
    Settings m_settings;
    net::HttpClient m_http;
};

}  // namespace qdyn::custom
