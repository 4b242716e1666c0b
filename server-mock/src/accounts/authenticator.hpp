// Authenticator: the one login check every HTTP API uses (Basic or query-string passwords,
// nanodnsd tokens). It asks the throttle first, so a blocked source or account costs no scrypt,
// verifies with the credential cache in front of scrypt, and counts every failure.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "qdyn/dns/name.hpp"
#include "qdyn/ip_address.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

class CredentialCache;
class LoginThrottle;

enum class AuthStatus {
    Ok,
    Missing,    // no credentials (or a malformed Authorization header)
    Unknown,    // no such account (or no account with that token for the host)
    Wrong,      // the account exists, the password does not match
    Throttled,  // refused before checking: too many failures or unchanged updates
};

struct AuthResult {
    AuthStatus status = AuthStatus::Missing;
    const Account* account = nullptr;          // set for Ok (and Wrong/Throttled when known)
    std::chrono::seconds retryAfter{0};        // for Throttled
    std::string why;                           // for the log: never a secret

    [[nodiscard]] bool ok() const noexcept { return status == AuthStatus::Ok; }
};

class Authenticator {
public:
    // All three must outlive the authenticator.
    Authenticator(const Config& config, CredentialCache& cache, LoginThrottle& throttle);

    // A user name and password (from Basic auth or a query string).
    [[nodiscard]] AuthResult password(std::string_view user, std::string_view password, const IpAddress& peer) const;
    // An Authorization header; Missing when absent or not well-formed Basic.
    [[nodiscard]] AuthResult basic(std::string_view header, const IpAddress& peer) const;
    // nanodnsd: a token for `host`, which must belong to an account that grants the host.
    [[nodiscard]] AuthResult token(const dns::Name& host, std::string_view token, const IpAddress& peer) const;

    // QDNS TOKEN: a token alone, which must belong to some account (plain tokens compared in
    // constant time; hashed ones through the cache, then scrypt, account by account).
    [[nodiscard]] AuthResult anyToken(std::string_view token, const IpAddress& peer) const;

    // GnuDIP: `hash` must be md5hex(md5hex(password) + "." + salt), from the account's
    // gnudip_md5 or its plain password (a password_hash alone cannot answer GnuDIP's challenge).
    [[nodiscard]] AuthResult gnudip(std::string_view user, std::string_view salt, std::string_view hash,
                                    const IpAddress& peer) const;

    // miniupdate: `response` must be md5hex(md5hex(password) + challenge) (hex digits of either
    // case), from the account's gnudip_md5 or its plain password, as for GnuDIP. Missing for an
    // empty challenge (none was issued).
    [[nodiscard]] AuthResult md5Challenge(std::string_view user, std::string_view challenge, std::string_view response,
                                          const IpAddress& peer) const;

    [[nodiscard]] LoginThrottle& throttle() const noexcept { return m_throttle; }
    [[nodiscard]] const Account* find(std::string_view user) const;

private:
    [[nodiscard]] AuthResult refusedIfThrottled(const IpAddress& peer, const Account* account) const;
    // GnuDIP and miniupdate: `candidate` must be md5hex(md5hex(password) + suffix), checked
    // against the account's legacy MD5 verifier with the throttle first.
    [[nodiscard]] AuthResult legacyMd5Login(std::string_view user, std::string_view suffix, std::string_view candidate,
                                            const IpAddress& peer) const;

    const Config& m_config;
    CredentialCache& m_cache;
    LoginThrottle& m_throttle;
    bool m_anyHashed = false;  // some account has a password_hash: unknown users cost a scrypt too
};

// The token check of one account: plain `token` in constant time, or `token_hash` with scrypt
// behind the cache. False when the account has no token.
bool checkToken(const Account& account, std::string_view candidate, CredentialCache& cache);

}  // namespace qdyn::server
