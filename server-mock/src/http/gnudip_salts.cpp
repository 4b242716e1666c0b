// Signed GnuDIP salts: HMAC-SHA256 under a random key that lives as long as the server.
#include "http/gnudip_salts.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <charconv>
#include <ctime>
#include <span>
#include <stdexcept>

#include "qdyn/crypto/hmac.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::server {

namespace {

std::int64_t unixNow() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

std::string_view toString(GnudipSalts::Check check) noexcept {
    switch (check) {
    case GnudipSalts::Check::Ok: return "ok";
    case GnudipSalts::Check::BadSignature: return "bad salt signature";
    case GnudipSalts::Check::Expired: return "salt expired";
    case GnudipSalts::Check::Reused: return "salt already used";
    }
    return "?";
}

GnudipSalts::GnudipSalts(Clock clock) : m_clock(clock ? std::move(clock) : Clock(&unixNow)) {
    if (RAND_bytes(m_key.data(), static_cast<int>(m_key.size())) != 1) {
        throw std::runtime_error("GnuDIP salts: no random key from OpenSSL");
    }
}

GnudipSalts::~GnudipSalts() { OPENSSL_cleanse(m_key.data(), m_key.size()); }

std::string GnudipSalts::signatureOf(std::string_view salt, std::string_view time) const {
    static constexpr std::uint8_t kDot = '.';
    const std::span<const std::uint8_t> parts[] = {crypto::asBytes(salt), {&kDot, 1}, crypto::asBytes(time)};
    const auto mac = crypto::hmac(crypto::HmacAlgorithm::Sha256, m_key, parts);
    if (!mac) throw std::runtime_error("GnuDIP salts: HMAC failed");
    return crypto::hexEncode(*mac);
}

std::string GnudipSalts::randomSalt() {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::array<std::uint8_t, kSaltLength> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
        throw std::runtime_error("GnuDIP salts: no random salt from OpenSSL");
    }
    std::string salt;
    // 62 does not divide 256: the slight bias costs well under a bit of the salt's ~59.
    for (const auto octet : random) salt.push_back(kAlphabet[octet % kAlphabet.size()]);
    return salt;
}

GnudipSalts::Issued GnudipSalts::issue() const {
    Issued issued;
    issued.salt = randomSalt();
    issued.time = std::to_string(m_clock());
    issued.sign = signatureOf(issued.salt, issued.time);
    return issued;
}

GnudipSalts::Check GnudipSalts::redeem(std::string_view salt, std::string_view time, std::string_view sign,
                                       std::uint32_t lifetime) {
    if (salt.size() != kSaltLength || time.empty() || time.size() > 19) return Check::BadSignature;
    if (!constantTimeEquals(sign, signatureOf(salt, time))) return Check::BadSignature;
    std::int64_t issuedAt = 0;
    const auto [end, error] = std::from_chars(time.data(), time.data() + time.size(), issuedAt);
    if (error != std::errc() || end != time.data() + time.size()) return Check::BadSignature;
    const auto now = m_clock();
    if (now < issuedAt || now - issuedAt >= static_cast<std::int64_t>(lifetime)) return Check::Expired;

    const std::lock_guard lock(m_mutex);
    if (m_used.size() >= kMaxUsed) std::erase_if(m_used, [now](const auto& entry) { return entry.second <= now; });
    // Still full: that many logins within one lifetime. Refusing is safer than forgetting.
    if (m_used.size() >= kMaxUsed) return Check::Reused;
    if (!m_used.emplace(std::string(salt), issuedAt + lifetime).second) return Check::Reused;
    return Check::Ok;
}

}  // namespace qdyn::server
