// CredentialCache: the credentials that recently passed a scrypt check, so a client that updates
// every minute pays scrypt once per lifetime instead of on every request.
//
// An entry is HMAC-SHA256(key, len(user) user \0 password \0 hash string) under a key drawn at random when
// the cache is made, so the memory holds no password and nothing an attacker could test
// guesses against offline. The hash string is part of the tag: after `account passwd` the
// account's hash changes and the old password simply misses. Entries live a fixed time from
// the successful check (a hit does not extend it), so a removed account or a changed password
// stops working within that time even for a tag that stays cached. Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "qdyn/crypto/hmac.hpp"

namespace qdyn::server {

struct Account;

class CredentialCache {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    static constexpr std::size_t kDefaultCapacity = 4096;
    static constexpr std::chrono::seconds kDefaultLifetime{600};

    explicit CredentialCache(std::size_t capacity = kDefaultCapacity, std::chrono::seconds lifetime = kDefaultLifetime,
                             Clock clock = &std::chrono::steady_clock::now);
    ~CredentialCache();
    CredentialCache(const CredentialCache&) = delete;
    CredentialCache& operator=(const CredentialCache&) = delete;

    // True when these exact credentials passed a check less than `lifetime` ago.
    [[nodiscard]] bool contains(std::string_view user, std::string_view password, std::string_view hash);
    // After a successful check. When full, the oldest entry goes (it would expire first anyway).
    void remember(std::string_view user, std::string_view password, std::string_view hash);

    [[nodiscard]] std::size_t size() const;

private:
    using Tag = std::array<std::uint8_t, 32>;
    struct TagHash {
        std::size_t operator()(const Tag& tag) const noexcept;
    };
    struct Entry {
        Tag tag;
        std::chrono::steady_clock::time_point expires;
    };

    [[nodiscard]] Tag tagOf(std::string_view user, std::string_view password, std::string_view hash);  // m_mutex held
    void dropExpired(std::chrono::steady_clock::time_point now);  // m_mutex held

    std::size_t m_capacity;
    std::chrono::seconds m_lifetime;
    Clock m_clock;
    mutable std::mutex m_mutex;
    crypto::HmacSigner m_signer;  // keyed with 32 random octets that nothing else holds
    std::list<Entry> m_order;  // oldest first; every entry has the same lifetime, so also by expiry
    std::unordered_map<Tag, std::list<Entry>::iterator, TagHash> m_index;
};

// The password check of an account: plain `password` in constant time, or `password_hash` with
// scrypt, skipped when the cache already holds these credentials.
bool checkPassword(const Account& account, std::string_view candidate, CredentialCache& cache);

// The check for a user name no account has, costing what a real check costs so the time of a
// refusal does not tell which names exist: scrypt against a fixed hash when `anyHashed` (some
// account has a password_hash), a constant-time compare otherwise. Always false.
bool checkUnknownUser(std::string_view candidate, bool anyHashed);

}  // namespace qdyn::server
