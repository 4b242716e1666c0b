// QDNS client (qdyn's own line protocol, docs/protocols/qdns.md): one TCP or TLS session per
// update, AUTH or TOKEN, one UPDATE per host and address family, QUIT. Also QUERY for
// `qdyn query`.
//
// How each reply becomes an outcome (the spec says to decide by the code alone):
//   AUTH/TOKEN  200 -> go on; 401 (and 400, 403: our credentials' line was refused) -> AuthFailed
//               for every host; 429 -> RetryLater for every host, naming the delay the server
//               gives ("retry in N s"), which the spec makes the least wait before any retry;
//               421, 500, an unknown code, a broken connection -> RetryLater for every host.
//   UPDATE      200 "Unchanged" -> Unchanged; any other 200 -> Updated (the seed's servers say
//               "200 OK"); 401 -> AuthFailed; 403 -> HostRejected (not granted, or static);
//               400 and 404 -> HostRejected (the server refused this host or address, and
//               sending it again cannot help); 429 -> RetryLater with the delay, as above (not
//               Abuse: the spec allows a retry after the delay, and the agent's backoff honours
//               it); 421, 500, unknown codes -> RetryLater. After 421, 429, 401 or a broken
//               connection the server has closed the session, so the hosts not yet sent get
//               RetryLater ("not sent") or, after 401, AuthFailed.
// A host's two families merge into one outcome (the class that matters most wins).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/net/line_client.hpp"
#include "qdyn/protocols/protocol.hpp"
#include "qdyn/result.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::qdns {

inline constexpr std::uint16_t kDefaultPort = 7393;
inline constexpr std::uint16_t kDefaultTlsPort = 7394;
inline constexpr std::size_t kMaxLine = 512;      // the spec's line limit, terminator included
inline constexpr std::size_t kMaxPassword = 256;  // the spec's password limit

struct Settings {
    std::string host;  // server name or address
    std::uint16_t port = kDefaultPort;
    bool tls = false;  // qdnss://: QDNS over TLS
    std::chrono::milliseconds timeout{15000};
    bool verifyTls = true;
    std::string caFile;
    std::string username;  // empty: the password is an account token, sent with TOKEN
    Secret password;
};

// "qdns://host[:port]" (plain, port 7393) or "qdnss://host[:port]" (TLS, port 7394) into
// settings.host, port and tls.
Result<void> applyServerUrl(Settings& settings, std::string_view url);

// Why these credentials cannot go over QDNS (a blank or a control character in the user,
// password or token, an empty or over-long password), or success.
Result<void> checkCredentials(std::string_view username, const Secret& password);

// One reply line taken apart: exactly three digits (100-599), then nothing or one space and
// the text. nullopt for anything else, including a control character anywhere.
struct Reply {
    int code = 0;
    std::string text;
};
std::optional<Reply> parseReply(std::string_view line);

// The outcome of one UPDATE reply for `host` (see the table above).
HostOutcome classifyUpdateReply(const std::string& host, const Reply& reply);
// The outcome every host gets when AUTH/TOKEN is answered with anything but 200.
HostOutcome classifyLoginReply(const std::string& host, const Reply& reply);
// The addresses of a QUERY's "200 <addresses>" text; nullopt unless every word is an address.
std::optional<std::vector<IpAddress>> parseAddresses(std::string_view text);

class Client final : public UpdateProtocol {
public:
    explicit Client(Settings settings);
    [[nodiscard]] std::string_view name() const override { return "qdns"; }
    // One session: AUTH or TOKEN, then `UPDATE host addr` per host and family, or `UPDATE host`
    // (the connecting address) when no address is known, then QUIT.
    std::vector<HostOutcome> update(const UpdateRequest& request) override;
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest& request) const override;
    // AUTH or TOKEN, then QUIT: a 200 proves the credentials and changes nothing. The login
    // reply is read as update() reads it (401/400/403 Invalid, 429 and the rest Unknown).
    CredentialCheck checkCredentials(std::string_view host) override;
    // The addresses the server publishes for `host` (QUERY needs no login): empty on 404, an
    // Error for any other failure.
    Result<std::vector<IpAddress>> query(const std::string& host);

private:
    [[nodiscard]] net::LineEndpoint endpoint() const;
    Settings m_settings;
};

}  // namespace qdyn::qdns
