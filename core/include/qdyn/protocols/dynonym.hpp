// dynonym client: `GET /dns/update` with HTTP Basic auth, answered by status alone.
// Wire rules: PROTOCOLS.md, "dynonym".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/net/http_client.hpp"
#include "qdyn/protocols/http_update.hpp"
#include "qdyn/protocols/protocol.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::dynonym {

inline constexpr std::string_view kDefaultPath = "/dns/update";

struct Settings {
    httpupdate::Endpoint endpoint;  // path: kDefaultPath unless the profile says otherwise
    std::string username;
    Secret password;
};

// `{server}{path}?domain=H[&ipv4=A][&ipv6=B]`; the credentials travel in the Authorization
// header, never in the URL.
std::string buildUrl(const Settings& settings, const std::string& host, const std::optional<IpAddress>& ipv4,
                     const std::optional<IpAddress>& ipv6);

// 200 with an empty body is the only success; a 200 carrying a body (a captive portal, a
// proxy's page) is not taken for one.
HostOutcome classifyReply(const std::string& host, long httpStatus, std::string_view body,
                          std::optional<std::string_view> retryAfter = std::nullopt);

class Client final : public UpdateProtocol {
public:
    explicit Client(Settings settings);
    [[nodiscard]] std::string_view name() const override { return "dynonym"; }
    // One request per host, with every known address.
    std::vector<HostOutcome> update(const UpdateRequest& request) override;
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest& request) const override;

private:
    Settings m_settings;
    net::HttpClient m_http;
};

}  // namespace qdyn::dynonym
