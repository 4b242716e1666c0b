// GnuDIP over TCP (port 3495; PROTOCOLS.md "GnuDIP"): the server sends a 10-character salt
// line, the client one request line `user:hash:domain:reqc[:addr]` with
// hash = md5hex(md5hex(password) + "." + salt), the server one reply line. One connection per
// host. The login hash and the user.domain rule are those of the HTTP variant (gnudip.hpp).
//
// How each reply becomes an outcome:
//   reqc 0 (set addr)        "0" -> Updated
//   reqc 2 (my address)      "0:<IPv4>" -> Updated with that address; a bare "0" -> Updated
//   reqc 1 (offline)         "2" -> Updated (the host is offline)
//   any                      "1" -> AuthFailed (GnuDIP's one answer to a bad login and to any
//                            refused request: resending the same credentials must not loop)
//   any                      anything else, no salt, a broken connection, a timeout -> RetryLater
// Before anything is sent: a host that is not "<username>.<domain>" -> HostRejected; an
// IPv6-only request -> RetryLater with code "ipv6-only" (GnuDIP carries IPv4 only, and
// publishing whatever IPv4 address the connection happens to come from was not asked for).
// With no address at all, reqc 2 goes over an IPv4 connection, so the server sees one.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/protocols/gnudip.hpp"
#include "qdyn/protocols/protocol.hpp"
#include "qdyn/result.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::gnudip::tcp {

inline constexpr std::uint16_t kDefaultPort = 3495;
inline constexpr std::size_t kSaltLength = 10;

struct Settings {
    std::string host;
    std::uint16_t port = kDefaultPort;
    std::chrono::milliseconds timeout{15000};
    std::string username;
    Secret password;
};

// "gnudip://host[:port]" into settings.host and port.
Result<void> applyServerUrl(Settings& settings, std::string_view url);

// Exactly 10 printable ASCII characters without blanks or ':' (the field separator).
bool isSalt(std::string_view line);

// The request line without its LF; hash nullopt shows "***" (for --dry-run). The address is
// sent with SetAddress only.
std::string buildRequest(std::string_view username, std::optional<std::string_view> hash, std::string_view domain,
                         RequestCode code, const std::optional<IpAddress>& ipv4);

// The outcome of the reply line to a request of `code` (see the table above).
HostOutcome classifyReply(const std::string& host, std::string_view line, RequestCode code);

class Client final : public UpdateProtocol {
public:
    explicit Client(Settings settings);
    [[nodiscard]] std::string_view name() const override { return "gnudip-tcp"; }
    std::vector<HostOutcome> update(const UpdateRequest& request) override;
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest& request) const override;
    // NotSupported: every GnuDIP request (reqc 0, 1, 2) changes the record, and a malformed one
    // is refused with the same "1" as a bad password, so no request can prove the login alone.
    CredentialCheck checkCredentials(std::string_view host) override;
    // Takes `host` offline (reqc 1): Updated when the server answers "2".
    HostOutcome goOffline(const std::string& host);

private:
    HostOutcome exchange(const std::string& host, RequestCode code, const std::optional<IpAddress>& ipv4);
    Settings m_settings;
};

}  // namespace qdyn::gnudip::tcp
