// scrypt password hashes in PHC form, over OpenSSL 3's EVP_PBE_scrypt.
#include "accounts/password_hash.hpp"

#include <charconv>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "qdyn/crypto/hmac.hpp"

namespace qdyn::server::accounts {

namespace {

constexpr std::string_view kPrefix = "$scrypt$";

// OpenSSL refuses to allocate more than `maxmem` (32 MiB by default, just below what the
// default parameters need); our own limits come first, so allow twice the largest we accept.
constexpr std::uint64_t kOpenSslMaxMem = 2 * kMaxScryptMemory;

// Unpadded standard base64 (PHC "B64"): padding is restored and core's strict decoder does the
// rest, which also refuses non-canonical trailing bits, so every hash has one spelling.
Result<std::vector<std::uint8_t>> decodeB64(std::string_view text) {
    if (text.empty() || text.find('=') != std::string_view::npos || text.size() % 4 == 1) {
        return makeError("not unpadded base64");
    }
    std::string padded(text);
    padded.append((4 - text.size() % 4) % 4, '=');
    auto decoded = crypto::base64Decode(padded);
    if (!decoded) return makeError("not unpadded base64");
    return decoded;
}

std::string encodeB64(std::span<const std::uint8_t> bytes) {
    auto text = crypto::base64Encode(bytes);
    while (!text.empty() && text.back() == '=')
        text.pop_back();
    return text;
}

// "name=decimal" at the front of `rest`, followed by `end` (',' or '$'), which is consumed.
Result<std::uint64_t> takeParam(std::string_view& rest, std::string_view name, char end) {
    if (rest.substr(0, name.size() + 1) != std::string(name) + "=") {
        return makeError("expected parameter " + std::string(name) + " (the form is ln=N,r=N,p=N)");
    }
    rest.remove_prefix(name.size() + 1);
    const auto stop = rest.find(end);
    if (stop == std::string_view::npos) return makeError("parameter " + std::string(name) + " is not terminated");
    const auto digits = rest.substr(0, stop);
    // Ten digits already overflow every limit; leading zeros would give one value two spellings.
    if (digits.empty() || digits.size() > 10 || (digits.size() > 1 && digits.front() == '0')) {
        return makeError("parameter " + std::string(name) + " is not a decimal number");
    }
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) {
        return makeError("parameter " + std::string(name) + " is not a decimal number");
    }
    rest.remove_prefix(stop + 1);
    return value;
}

Result<void> checkParams(const ScryptParams& params) {
    if (params.logN < kMinLogN || params.logN > kMaxLogN) {
        return makeError("ln must be between " + std::to_string(kMinLogN) + " and " + std::to_string(kMaxLogN));
    }
    if (params.r < 1 || params.r > kMaxR) return makeError("r must be between 1 and " + std::to_string(kMaxR));
    if (params.p < 1 || params.p > kMaxP) return makeError("p must be between 1 and " + std::to_string(kMaxP));
    const std::uint64_t n = 1ULL << params.logN;
    if (128ULL * params.r * n > kMaxScryptMemory) {
        return makeError("the parameters need more than " + std::to_string(kMaxScryptMemory >> 20U) + " MiB");
    }
    if (n * params.r * params.p > kMaxScryptWork) return makeError("the parameters cost too much work per login");
    return {};
}

Result<void> derive(std::string_view password, std::span<const std::uint8_t> salt, const ScryptParams& params,
                    std::span<std::uint8_t> out) {
    if (auto ok = checkParams(params); !ok) return ok;
    const int done = EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), 1ULL << params.logN,
                                    params.r, params.p, kOpenSslMaxMem, out.data(), out.size());
    if (done != 1) return makeError("scrypt failed in OpenSSL");
    return {};
}

}  // namespace

Result<PasswordHash> parsePasswordHash(std::string_view text) {
    if (text.substr(0, kPrefix.size()) != kPrefix) return makeError("not an scrypt hash (it must start with $scrypt$)");
    std::string_view rest = text.substr(kPrefix.size());
    PasswordHash parsed;
    auto logN = takeParam(rest, "ln", ',');
    if (!logN) return logN.error();
    auto r = takeParam(rest, "r", ',');
    if (!r) return r.error();
    auto p = takeParam(rest, "p", '$');
    if (!p) return p.error();
    // Range-check while still 64-bit, so narrowing cannot wrap a huge value into a small one.
    if (*logN > kMaxLogN || *r > kMaxR || *p > kMaxP) {
        return makeError("ln, r or p is out of range (ln " + std::to_string(kMinLogN) + ".." +
                         std::to_string(kMaxLogN) + ", r 1.." + std::to_string(kMaxR) + ", p 1.." +
                         std::to_string(kMaxP) + ")");
    }
    parsed.params =
        ScryptParams{static_cast<unsigned>(*logN), static_cast<std::uint32_t>(*r), static_cast<std::uint32_t>(*p)};
    if (auto ok = checkParams(parsed.params); !ok) return ok.error();

    const auto dollar = rest.find('$');
    if (dollar == std::string_view::npos) return makeError("no hash after the salt");
    auto salt = decodeB64(rest.substr(0, dollar));
    if (!salt) return makeError("salt: " + salt.message());
    auto hash = decodeB64(rest.substr(dollar + 1));
    if (!hash) return makeError("hash: " + hash.message());
    if (salt->size() < kMinSaltSize || salt->size() > kMaxSaltSize) {
        return makeError("salt must be " + std::to_string(kMinSaltSize) + " to " + std::to_string(kMaxSaltSize) +
                         " octets");
    }
    if (hash->size() < kMinHashSize || hash->size() > kMaxHashSize) {
        return makeError("hash must be " + std::to_string(kMinHashSize) + " to " + std::to_string(kMaxHashSize) +
                         " octets");
    }
    parsed.salt = std::move(*salt);
    parsed.hash = std::move(*hash);
    return parsed;
}

std::string formatPasswordHash(const PasswordHash& hash) {
    return std::string(kPrefix) + "ln=" + std::to_string(hash.params.logN) + ",r=" + std::to_string(hash.params.r) +
           ",p=" + std::to_string(hash.params.p) + "$" + encodeB64(hash.salt) + "$" + encodeB64(hash.hash);
}

Result<std::string> hashPasswordWithSalt(std::string_view password, std::span<const std::uint8_t> salt,
                                         const ScryptParams& params) {
    if (salt.size() < kMinSaltSize || salt.size() > kMaxSaltSize) return makeError("salt size out of range");
    PasswordHash made{params, std::vector<std::uint8_t>(salt.begin(), salt.end()),
                      std::vector<std::uint8_t>(kHashSize)};
    if (auto ok = derive(password, made.salt, params, made.hash); !ok) return ok.error();
    return formatPasswordHash(made);
}

Result<std::string> hashPassword(std::string_view password, const ScryptParams& params) {
    std::uint8_t salt[kSaltSize];
    if (RAND_bytes(salt, static_cast<int>(sizeof salt)) != 1) return makeError("no random salt from OpenSSL");
    return hashPasswordWithSalt(password, salt, params);
}

bool verifyPassword(std::string_view password, std::string_view phcString) {
    auto parsed = parsePasswordHash(phcString);
    if (!parsed) return false;
    std::vector<std::uint8_t> derived(parsed->hash.size());
    const bool computed = derive(password, parsed->salt, parsed->params, derived).ok();
    const bool equal = computed && CRYPTO_memcmp(derived.data(), parsed->hash.data(), derived.size()) == 0;
    OPENSSL_cleanse(derived.data(), derived.size());
    return equal;
}

}  // namespace qdyn::server::accounts
