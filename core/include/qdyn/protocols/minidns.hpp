// miniDNS HTTP client (`areg.php`): request building and the reply classifier.
// Wire rules: PROTOCOLS.md, "miniDNS". The miniupdate TCP protocol is a separate client.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/net/http_client.hpp"
#include "qdyn/protocols/http_update.hpp"
#include "qdyn/protocols/protocol.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::minidns {

inline constexpr std::string_view kDefaultPath = "/areg.php";

struct Settings {
    httpupdate::Endpoint endpoint;  // path: kDefaultPath unless the profile says otherwise
    std::string username;
    Secret password;
};

// `{server}{path}?opcode=ADD&host=H&username=U&password=P[&ip=A]`; without an address the ip
// parameter is left out and the server uses the connecting address. With revealPassword
// false the password shows as "***".
std::string buildUrl(const Settings& settings, const std::string& host, const std::optional<IpAddress>& address,
                     bool revealPassword);

// Sorts one reply by its exact one-line body: `okay. HOST mapped to ADDR.` (HOST compared
// with the requested host without regard to case, ADDR parsed), `auth_fail. Incorrect
// username/password/hostname.`, `auth_fail. Host name format error.`; anything else falls back
// on the HTTP status.
HostOutcome classifyReply(const std::string& host, long httpStatus, std::string_view body,
                          std::optional<std::string_view> retryAfter = std::nullopt);

class Client final : public UpdateProtocol {
public:
    explicit Client(Settings settings);
    [[nodiscard]] std::string_view name() const override { return "minidns"; }
    // One request per host and address family (areg.php takes one address); the outcomes of
    // a host's two requests merge into one.
    std::vector<HostOutcome> update(const UpdateRequest& request) override;
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest& request) const override;

private:
    Settings m_settings;
    net::HttpClient m_http;
};

}  // namespace qdyn::minidns
