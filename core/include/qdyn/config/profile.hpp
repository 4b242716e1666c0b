// Profiles: one per provider account, read from a TOML file such as
//   [profile.home]
//   protocol = "dyndns2"
//   server   = "https://members.dyndns.org"
//   hosts    = ["home.example.net"]
//   username = "alice"
//   password_file = "/run/credentials/qdyn.service/home"
// (or password_env, password, or password_keychain = true for qdyn-tray's keychain)
// or, with the provider catalog supplying protocol, server, path and ipv6:
//   [profile.dynu]
//   provider = "dynu"
//   hosts    = ["home.example.net"]
// Errors name the file and the line. A file holding an inline password must be private.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qdyn/config/agent_settings.hpp"
#include "qdyn/protocols/outcome.hpp"
#include "qdyn/result.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::config {

struct Profile {
    std::string name;
    std::string provider;              // the catalog row protocol, server, path and ipv6 default to; empty: none
    std::string protocol;              // a name from the protocol registry
    std::string server;                // a URL ("http://127.0.0.1:8245", "dns://127.0.0.1:53"); a bare host gets
                                       // the protocol's first scheme (https:// for dyndns2, dns:// for rfc2136)
    std::string path;                  // protocol-specific request path; empty: the protocol's default
    std::vector<std::string> hosts;
    std::string username;
    Secret password;                   // from password, password_file or password_env
    std::string ipv6Convention;        // dyndns2 only: comma | myipv6 | separate
    std::string tsigAlgorithm = "hmac-sha256";  // rfc2136 only: hmac-sha256 | hmac-sha1 | hmac-sha512
    std::string zone;                  // rfc2136 only; empty: found by SOA queries at the server
    std::uint32_t ttl = 60;            // rfc2136 only: TTL of the published records
    std::chrono::seconds timeout{15};
    bool verifyTls = true;             // tls_verify; false must be explicit, and qdyn warns on every run
    std::string caFile;                // ca_file: PEM CA bundle for HTTPS (checked to exist); empty: system store
    // custom only: the URL template (url; absolute, or a path joined to server) and the reply
    // words (success, unchanged, failure = { word = "class" }).
    std::string urlTemplate;
    std::vector<std::string> successWords;
    std::vector<std::string> unchangedWords;
    std::vector<std::pair<std::string, OutcomeClass>> failureWords;
    std::string origin;                // "profiles.toml:12", for messages
    bool inlinePassword = false;       // the password sits in the file itself
    // password_keychain = true: the password is in the desktop keychain (service "qdyn", account
    // "profile/<name>"). Loaded empty: only qdyn-tray reads the keychain and fills it in.
    bool passwordInKeychain = false;
    AgentSettings agent;               // families, detection, poll, refresh, verification, hooks
    std::string definition;            // the profile's TOML table in canonical form (key order, layout)

    // Changes whenever the profile or its secret does: a keyed hash of the definition and the
    // password, kept with a stop in the state file. Computed on demand: it needs OpenSSL, which a
    // run with nothing to do never initialises.
    [[nodiscard]] std::string fingerprint() const;
};

struct ProfileSet {
    std::filesystem::path path;
    std::vector<Profile> profiles;

    [[nodiscard]] const Profile* find(std::string_view name) const;
};

// Reads and validates a profile file, refusing one that holds an inline secret while other
// users can read it.
Result<ProfileSet> loadProfiles(const std::filesystem::path& path);
// The same from text; sourceName prefixes every message, baseDir anchors relative password_file paths.
Result<ProfileSet> parseProfiles(std::string_view text, const std::string& sourceName,
                                 const std::filesystem::path& baseDir = {});

// The warning to print for a profile that turned certificate checks off (tls_verify = false),
// every time it is used; empty when its certificates are checked or it speaks no HTTPS.
std::string insecureTlsWarning(const Profile& profile);

// Why the profile cannot be sent as loaded: its password is in the desktop keychain and nobody
// filled it in (the qdyn command never does), so sending would offer an empty password and earn a
// badauth stop. Empty when it can be sent.
std::string keychainPasswordProblem(const Profile& profile);

// $QDYN_CONFIG, else /etc/qdyn/profiles.toml for root, else $XDG_CONFIG_HOME (or ~/.config)/qdyn/profiles.toml.
std::filesystem::path defaultProfilePath();

}  // namespace qdyn::config
