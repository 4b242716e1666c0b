// miniupdate client (miniDNS.net's TCP protocol, port 9120; PROTOCOLS.md "miniDNS"): banner,
// AGENT, LOGIN with an MD5 challenge, RESPONSE, one A_UPDATE per host and address, EXIT.
//
// How each reply becomes an outcome. The seed's rule comes first: after ERR the client sends
// nothing more in that session (not even EXIT) and opens no other one in this update ("stop
// retry is very important to prevent net abuse").
//   banner      a line starting ERR -> Abuse (the server refuses us before we spoke); any other
//               line is the banner; none (timeout, close) -> RetryLater
//   AGENT       OK -> go on; ERR -> Abuse (the server refuses this client, as dyndns2's badagent)
//   LOGIN       CHALLENGE <32 lower-case hex> -> go on; ERR -> AuthFailed; a malformed
//               challenge -> RetryLater (nothing is answered to it)
//   RESPONSE    OK -> go on; ERR -> AuthFailed
//   A_UPDATE    OK "<HOST> mapped to <ADDR>" -> Updated with ADDR (HOST must be ours, without
//               regard to case; another host -> RetryLater); any other OK -> Updated;
//               ERR -> HostRejected for that host (qdyn-server's "Host ... is not yours",
//               "Invalid host name"). The hosts not yet sent then get RetryLater ("not sent":
//               a later run sends them in a fresh session).
//   ERR texts   whose first word says more than the step override the step's class
//               (classifyErr; qdyn-server picks its first words for this, see
//               docs/protocols/miniupdate.md): "Authentication", "Unauthorized", "Login" ->
//               AuthFailed; "Abuse", "Blocked", "Banned" -> Abuse; "Too many failures, retry
//               in N s", "server error, try later" and "Idle timeout" -> Abuse (the detail
//               names the wait): every ERR maps to a class that stops, as the seed demands,
//               until the user looks (`qdyn reset`).
//   any step    an unreadable reply, an unexpected status, a broken connection or a timeout
//               -> RetryLater for every host not yet answered.
// Addresses: one A_UPDATE per family; the IPv6 address goes in an A_UPDATE of its own (miniDNS
// keeps IPv6 host records, and the ip argument's syntax tells the family), and with no
// address at all `A_UPDATE online <host>` lets the server take the connecting address.
// miniupdate allows 10 commands per session: AGENT, LOGIN, RESPONSE and EXIT leave 6
// A_UPDATEs, so more than that take further sessions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/protocols/protocol.hpp"
#include "qdyn/result.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::miniupdate {

inline constexpr std::uint16_t kDefaultPort = 9120;
inline constexpr std::size_t kMaxCommands = 10;                      // per session
inline constexpr std::size_t kUpdatesPerSession = kMaxCommands - 4;  // AGENT LOGIN RESPONSE ... EXIT

struct Settings {
    std::string host;
    std::uint16_t port = kDefaultPort;
    std::chrono::milliseconds timeout{15000};
    std::string username;
    Secret password;
    std::string agent;  // empty: "qdyn/<version>"
};

// "miniupdate://host[:port]" into settings.host and port.
Result<void> applyServerUrl(Settings& settings, std::string_view url);

enum class Status { Ok, Err, Challenge };

// One reply line: a status word (OK, ERR, CHALLENGE; case ignored), then nothing or one space
// and the text. nullopt for anything else or a control character anywhere.
struct Reply {
    Status status = Status::Err;
    std::string text;
};
std::optional<Reply> parseReply(std::string_view line);

// True for exactly 32 lower-case hex digits.
bool isChallenge(std::string_view text);
// md5hex(md5hex(password) + challenge): the RESPONSE argument.
Result<Secret> challengeResponse(const Secret& password, std::string_view challenge);
// ADDR of an exact "<HOST> mapped to <ADDR>" text, when HOST is `host` (case ignored).
std::optional<IpAddress> parseMapped(std::string_view text, std::string_view host);
// The class of an ERR whose text is `text`, answering a step whose own class is `byStep`.
OutcomeClass classifyErr(std::string_view text, OutcomeClass byStep);
// The outcome of one A_UPDATE reply for `host` (see the table above).
HostOutcome classifyUpdateReply(const std::string& host, const Reply& reply);

class Client final : public UpdateProtocol {
public:
    explicit Client(Settings settings);
    [[nodiscard]] std::string_view name() const override { return "miniupdate"; }
    std::vector<HostOutcome> update(const UpdateRequest& request) override;
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest& request) const override;
    // Banner, AGENT, LOGIN, RESPONSE, then EXIT without any A_UPDATE: an OK to RESPONSE proves
    // the credentials and changes nothing. An ERR is read as update() reads it, and after it
    // nothing more is sent.
    CredentialCheck checkCredentials(std::string_view host) override;

private:
    Settings m_settings;
};

}  // namespace qdyn::miniupdate
