// GnuDIP over HTTP (gdipupdt.cgi): a salt request, then the update signed with
// md5hex(md5hex(password) + "." + salt). Wire rules: PROTOCOLS.md, "GnuDIP". IPv4 only.
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

namespace qdyn::gnudip {

inline constexpr std::string_view kDefaultPath = "/gnudip/cgi-bin/gdipupdt.cgi";

// The `reqc` parameter.
enum class RequestCode {
    SetAddress = 0,         // publish `addr`
    Offline = 1,            // remove the address
    ConnectingAddress = 2,  // publish the address the request comes from
};

struct Settings {
    httpupdate::Endpoint endpoint;  // path: kDefaultPath unless the profile says otherwise
    std::string username;
    Secret password;
};

struct MetaTag {
    std::string name;
    std::string content;
};

// The `<meta name="N" content="V">` tags of a page, exactly as GnuDIP servers write them:
// lower-case `meta`, `name` before `content`, double quotes, optional `/` before `>`. Other
// meta tags (http-equiv) are skipped. nullopt when a named tag is malformed, a name repeats,
// a value is over-long or holds a control character, or there are more than 32 tags: a page
// that cannot be read exactly is not read at all.
std::optional<std::vector<MetaTag>> parseMetaTags(std::string_view html);

// What the first request returns and the second must echo.
struct Challenge {
    std::string salt;
    std::string time;
    std::string sign;
};
Result<Challenge> parseChallenge(std::string_view html);

// md5hex(md5hex(password) + "." + salt), lower-case hex.
Result<Secret> passwordHash(const Secret& password, std::string_view salt);

// GnuDIP updates `user.domn`: the host must be the profile's user name, a dot and a domain
// (the user name compared without regard to case). Returns the domain.
Result<std::string> domainOf(std::string_view host, std::string_view username);

// The second request; hash nullopt shows "***" in its place (for --dry-run). The address is
// sent only with SetAddress.
std::string buildUpdateUrl(const Settings& settings, const Challenge& challenge, std::string_view domain,
                           std::optional<std::string_view> hash, RequestCode code,
                           const std::optional<IpAddress>& ipv4);

// The outcome of the second request's reply: meta `retc` 0 (updated; `addr` read when
// present), 1 (bad login or a refused request), 2 (offline done). A 429 or 5xx status wins
// over the page; a page without a readable retc falls back on the status.
HostOutcome classifyReply(const std::string& host, long httpStatus, std::string_view body, RequestCode code,
                          std::optional<std::string_view> retryAfter = std::nullopt);

class Client final : public UpdateProtocol {
public:
    explicit Client(Settings settings);
    [[nodiscard]] std::string_view name() const override { return "gnudip"; }
    // Two requests per host (servers may accept a salt only once). With an IPv4 address:
    // reqc=0 and addr; without: reqc=2 over an IPv4 connection, so the server sees the
    // address to publish.
    std::vector<HostOutcome> update(const UpdateRequest& request) override;
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest& request) const override;

private:
    HostOutcome updateHost(const std::string& host, const UpdateRequest& request);
    Settings m_settings;
    net::HttpClient m_http;
};

}  // namespace qdyn::gnudip
