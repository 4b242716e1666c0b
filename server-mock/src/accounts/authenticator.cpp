// Login checks shared by the HTTP APIs, with throttling in front of the hashing.
#include "accounts/authenticator.hpp"

#include <algorithm>

#include "accounts/credential_cache.hpp"
#include "accounts/login_throttle.hpp"
#include "accounts/password_hash.hpp"
#include "qdyn/crypto/digest.hpp"
#include "qdyn/secret.hpp"
#include "qdyn_server/http_fields.hpp"

namespace qdyn::server {

namespace {

// The cache keys token checks apart from password checks of the same account.
std::string tokenCacheUser(const Account& account) { return "token\n" + account.name; }

}  // namespace

bool checkToken(const Account& account, std::string_view candidate, CredentialCache& cache) {
    if (!account.tokenHash.empty()) {
        const auto user = tokenCacheUser(account);
        if (cache.contains(user, candidate, account.tokenHash)) return true;
        if (!accounts::verifyPassword(candidate, account.tokenHash)) return false;
        cache.remember(user, candidate, account.tokenHash);
        return true;
    }
    if (account.token.empty()) return false;
    return constantTimeEquals(candidate, account.token);
}

Authenticator::Authenticator(const Config& config, CredentialCache& cache, LoginThrottle& throttle)
    : m_config(config),
      m_cache(cache),
      m_throttle(throttle),
      m_anyHashed(std::any_of(config.accounts.begin(), config.accounts.end(),
                              [](const Account& account) { return !account.passwordHash.empty(); })) {}

const Account* Authenticator::find(std::string_view user) const {
    const auto found = std::find_if(m_config.accounts.begin(), m_config.accounts.end(),
                                    [&](const Account& a) { return a.name == user; });
    return found == m_config.accounts.end() ? nullptr : &*found;
}

AuthResult Authenticator::refusedIfThrottled(const IpAddress& peer, const Account* account) const {
    const auto wait = m_throttle.retryAfter(peer, account != nullptr ? std::string_view(account->name) : std::string_view());
    if (wait.count() == 0) return AuthResult{AuthStatus::Ok, account, {}, {}};
    return AuthResult{AuthStatus::Throttled, account, wait,
                      "throttled for " + std::to_string(wait.count()) + " s" +
                          (account != nullptr ? " (" + account->name + ")" : std::string())};
}

AuthResult Authenticator::password(std::string_view user, std::string_view password, const IpAddress& peer) const {
    const Account* account = find(user);
    if (auto throttled = refusedIfThrottled(peer, account); !throttled.ok()) return throttled;
    // Check even for an unknown user so the timing does not reveal which names exist.
    const bool passwordOk = account != nullptr ? checkPassword(*account, password, m_cache)
                                               : checkUnknownUser(password, m_anyHashed);
    if (account != nullptr && passwordOk) return AuthResult{AuthStatus::Ok, account, {}, {}};
    m_throttle.failed(peer, account != nullptr ? std::string_view(account->name) : std::string_view());
    if (account == nullptr) return AuthResult{AuthStatus::Unknown, nullptr, {}, "unknown user"};
    return AuthResult{AuthStatus::Wrong, account, {}, "wrong password for " + account->name};
}

AuthResult Authenticator::basic(std::string_view header, const IpAddress& peer) const {
    const auto credentials = parseBasicAuth(header);
    if (!credentials) {
        return AuthResult{AuthStatus::Missing, nullptr, {},
                          header.empty() ? "no Authorization header" : "malformed Authorization header"};
    }
    return password(credentials->user, credentials->password, peer);
}

AuthResult Authenticator::token(const dns::Name& host, std::string_view token, const IpAddress& peer) const {
    if (token.empty()) return AuthResult{AuthStatus::Missing, nullptr, {}, "no token"};
    if (auto throttled = refusedIfThrottled(peer, nullptr); !throttled.ok()) return throttled;
    for (const auto& account : m_config.accounts) {
        if (!account.grants(host) || (account.token.empty() && account.tokenHash.empty())) continue;
        if (checkToken(account, token, m_cache)) return AuthResult{AuthStatus::Ok, &account, {}, {}};
    }
    m_throttle.failed(peer, {});
    return AuthResult{AuthStatus::Unknown, nullptr, {}, "no account of " + host.toString() + " has that token"};
}

AuthResult Authenticator::anyToken(std::string_view token, const IpAddress& peer) const {
    if (token.empty()) return AuthResult{AuthStatus::Missing, nullptr, {}, "no token"};
    if (auto throttled = refusedIfThrottled(peer, nullptr); !throttled.ok()) return throttled;
    // Cheap checks first (plain tokens, and hashed ones that passed scrypt lately), so a client
    // that logs in every few minutes pays no scrypt at all, then scrypt for the hashed rest.
    for (const auto& account : m_config.accounts) {
        const bool matches = account.tokenHash.empty()
                                 ? !account.token.empty() && constantTimeEquals(token, account.token)
                                 : m_cache.contains(tokenCacheUser(account), token, account.tokenHash);
        if (matches) return AuthResult{AuthStatus::Ok, &account, {}, {}};
    }
    for (const auto& account : m_config.accounts) {
        if (!account.tokenHash.empty() && checkToken(account, token, m_cache)) {
            return AuthResult{AuthStatus::Ok, &account, {}, {}};
        }
    }
    m_throttle.failed(peer, {});
    return AuthResult{AuthStatus::Unknown, nullptr, {}, "no account has that token"};
}

namespace {

// The legacy MD5 verifier, md5hex(password), of an account: its gnudip_md5, else derived from
// its plain password; empty when it has neither (a password_hash alone).
std::string legacyMd5(const Account& account) {
    if (!account.gnudipMd5.empty()) return account.gnudipMd5;
    if (account.password.empty()) return {};
    auto derived = crypto::md5Hex(account.password);
    return derived ? std::move(*derived) : std::string();
}

}  // namespace

AuthResult Authenticator::legacyMd5Login(std::string_view user, std::string_view suffix, std::string_view candidate,
                                         const IpAddress& peer) const {
    const Account* account = find(user);
    if (auto throttled = refusedIfThrottled(peer, account); !throttled.ok()) return throttled;
    const std::string md5Password = account != nullptr ? legacyMd5(*account) : std::string();
    // An unknown user, or one without an MD5 verifier, costs the same digest against a made-up
    // verifier, so the reply time does not tell them apart from a wrong password.
    const auto expected = crypto::md5Hex({md5Password.empty() ? std::string_view("\x01none") : md5Password, suffix});
    const bool ok = expected && !md5Password.empty() && constantTimeEquals(candidate, *expected);
    if (account != nullptr && ok) return AuthResult{AuthStatus::Ok, account, {}, {}};
    m_throttle.failed(peer, account != nullptr ? std::string_view(account->name) : std::string_view());
    if (account == nullptr) return AuthResult{AuthStatus::Unknown, nullptr, {}, "unknown user"};
    if (md5Password.empty()) {
        return AuthResult{AuthStatus::Wrong, account, {}, account->name + " has no gnudip_md5 (password_hash only)"};
    }
    return AuthResult{AuthStatus::Wrong, account, {}, "wrong password for " + account->name};
}

AuthResult Authenticator::gnudip(std::string_view user, std::string_view salt, std::string_view hash,
                                 const IpAddress& peer) const {
    return legacyMd5Login(user, "." + std::string(salt), hash, peer);
}

AuthResult Authenticator::md5Challenge(std::string_view user, std::string_view challenge, std::string_view response,
                                       const IpAddress& peer) const {
    if (challenge.empty()) return AuthResult{AuthStatus::Missing, nullptr, {}, "no challenge issued"};
    std::string candidate(response);  // hex digits of either case
    std::transform(candidate.begin(), candidate.end(), candidate.begin(),
                   [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c; });
    return legacyMd5Login(user, challenge, candidate, peer);
}

}  // namespace qdyn::server
