// The verified-credentials cache and the password checks built on it.
#include "accounts/credential_cache.hpp"

#include <cstring>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdexcept>

#include "accounts/password_hash.hpp"
#include "qdyn/crypto/hmac.hpp"
#include "qdyn/secret.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server {

namespace {

// The hash of a password nobody knows (it was random and is gone), with the default
// parameters, so checking an unknown user costs what checking a hashed account costs.
constexpr std::string_view kUnknownUserHash =
    "$scrypt$ln=15,r=8,p=1$+s4Xl+9qTQSe6/csZerXZA$sGd4OQUZmxxchOab6RLaCYtGTQw6fc+xf1Rt+8jmVis";

// The cache's signer, keyed with random octets that are wiped once OpenSSL holds them.
crypto::HmacSigner randomlyKeyedSigner() {
    std::array<std::uint8_t, 32> key{};
    // Without a secret key the tags would be plain hashes of the passwords: refuse to run.
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
        throw std::runtime_error("credential cache: no random key from OpenSSL");
    }
    auto signer = crypto::HmacSigner::make(crypto::HmacAlgorithm::Sha256, key);
    OPENSSL_cleanse(key.data(), key.size());
    if (!signer) throw std::runtime_error("credential cache: " + signer.message());
    return std::move(*signer);
}

}  // namespace

CredentialCache::CredentialCache(std::size_t capacity, std::chrono::seconds lifetime, Clock clock)
    : m_capacity(capacity == 0 ? 1 : capacity), m_lifetime(lifetime), m_clock(std::move(clock)),
      m_signer(randomlyKeyedSigner()) {}

CredentialCache::~CredentialCache() = default;

std::size_t CredentialCache::TagHash::operator()(const Tag& tag) const noexcept {
    // The tag is already a keyed MAC: any eight of its octets are a uniform hash.
    std::size_t value = 0;
    std::memcpy(&value, tag.data(), sizeof value);
    return value;
}

CredentialCache::Tag CredentialCache::tagOf(std::string_view user, std::string_view password,
                                            std::string_view hash) {
    static constexpr std::uint8_t kZero = 0;
    // The user's length up front makes the fields unambiguous even if a name held a NUL: with
    // the user fixed, the last NUL splits password and hash (a PHC string has none).
    std::array<std::uint8_t, 8> userLength{};
    for (std::size_t i = 0; i < userLength.size(); ++i) {
        userLength[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(user.size()) >> (8 * (7 - i)));
    }
    const std::span<const std::uint8_t> parts[] = {userLength,      crypto::asBytes(user), {&kZero, 1},
                                                   crypto::asBytes(password), {&kZero, 1}, crypto::asBytes(hash)};
    Tag tag{};
    // HMAC only fails when OpenSSL is broken; an all-zero tag then never matches a stored one
    // because remember() refuses to store it.
    if (!m_signer.sign(parts, tag)) tag = Tag{};
    return tag;
}

void CredentialCache::dropExpired(std::chrono::steady_clock::time_point now) {
    while (!m_order.empty() && m_order.front().expires <= now) {
        m_index.erase(m_order.front().tag);
        m_order.pop_front();
    }
}

bool CredentialCache::contains(std::string_view user, std::string_view password, std::string_view hash) {
    const std::lock_guard lock(m_mutex);
    const Tag tag = tagOf(user, password, hash);
    dropExpired(m_clock());
    // The lookup is not constant-time, which is fine: the tag is a MAC under a key that never
    // leaves this object, so timing can reveal nothing about the password.
    return m_index.count(tag) != 0 && tag != Tag{};
}

void CredentialCache::remember(std::string_view user, std::string_view password, std::string_view hash) {
    const auto now = m_clock();
    const std::lock_guard lock(m_mutex);
    const Tag tag = tagOf(user, password, hash);
    if (tag == Tag{}) return;
    dropExpired(now);
    if (const auto found = m_index.find(tag); found != m_index.end()) {
        m_order.erase(found->second);
        m_index.erase(found);
    }
    while (m_order.size() >= m_capacity) {
        m_index.erase(m_order.front().tag);
        m_order.pop_front();
    }
    m_order.push_back(Entry{tag, now + m_lifetime});
    m_index.emplace(tag, std::prev(m_order.end()));
}

std::size_t CredentialCache::size() const {
    const std::lock_guard lock(m_mutex);
    return m_order.size();
}

bool checkPassword(const Account& account, std::string_view candidate, CredentialCache& cache) {
    if (account.passwordHash.empty()) return constantTimeEquals(candidate, account.password);
    if (cache.contains(account.name, candidate, account.passwordHash)) return true;
    if (!accounts::verifyPassword(candidate, account.passwordHash)) return false;
    cache.remember(account.name, candidate, account.passwordHash);
    return true;
}

bool checkUnknownUser(std::string_view candidate, bool anyHashed) {
    if (anyHashed) {
        (void)accounts::verifyPassword(candidate, kUnknownUserHash);
    } else {
        (void)constantTimeEquals(candidate, "\x01unknown-user");
    }
    return false;
}

}  // namespace qdyn::server
