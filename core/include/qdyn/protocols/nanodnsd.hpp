// nanodnsd HTTP API client (also what a Fritz!Box "user-defined" provider speaks to it):
// request building and the reply classifier. Wire rules: PROTOCOLS.md, "nanodnsd HTTP API".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/net/http_client.hpp"
#include "qdyn/protocols/http_update.hpp"
#include "qdyn/protocols/protocol.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::nanodnsd {

inline constexpr std::string_view kDefaultPath = "/api/update";

struct Settings {
    httpupdate::Endpoint endpoint;  // path: kDefaultPath unless the profile says otherwise
    Secret token;                   // the host's token (the profile's password)
};

// `{server}{path}?hostname=H&token=T[&ipv4=A][&ipv6=B]`. With revealToken false the token
// shows as "***" (for --dry-run and messages).
std::string buildUrl(const Settings& settings, const std::string& host, const std::optional<IpAddress>& ipv4,
                     const std::optional<IpAddress>& ipv6, bool revealToken);

// The outcome of one reply: the status and the exact one-line body together decide; a body
// the status does not go with counts as unknown. retryAfter: the Retry-After header, if any.
HostOutcome classifyReply(const std::string& host, long httpStatus, std::string_view body,
                          std::optional<std::string_view> retryAfter = std::nullopt);

class Client final : public UpdateProtocol {
public:
    explicit Client(Settings settings);
    [[nodiscard]] std::string_view name() const override { return "nanodnsd"; }
    // One request per host. nanodnsd deletes the record of every family the request leaves
    // out, so both known addresses always travel together, and nothing is sent without one.
    std::vector<HostOutcome> update(const UpdateRequest& request) override;
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest& request) const override;

private:
    Settings m_settings;
    net::HttpClient m_http;
};

}  // namespace qdyn::nanodnsd
