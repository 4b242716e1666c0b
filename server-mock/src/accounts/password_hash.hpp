// Password hashes for [[account]] password_hash: scrypt (RFC 7914) in the PHC string format
//
//   $scrypt$ln=15,r=8,p=1$<salt>$<hash>
//
// with the salt and the hash in unpadded standard base64 (the PHC "B64" encoding). scrypt is
// memory-hard, so a stolen accounts file does not turn into passwords on a GPU; the cost is
// paid once per login and then remembered by the CredentialCache.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/result.hpp"

namespace qdyn::server::accounts {

struct ScryptParams {
    unsigned logN = 15;   // N = 2^15: 32 MiB with r = 8, about 0.1 s on one core
    std::uint32_t r = 8;  // block size
    std::uint32_t p = 1;  // parallelism (run one after the other here)
};

// What a hash string may ask of us. Strings come from a file an operator may copy from
// elsewhere, so a typo such as ln=51 must be refused instead of allocating petabytes or
// spinning for hours on every login; hashes weaker than ln=10 are refused as well.
inline constexpr unsigned kMinLogN = 10;
inline constexpr unsigned kMaxLogN = 22;
inline constexpr std::uint32_t kMaxR = 32;
inline constexpr std::uint32_t kMaxP = 16;
inline constexpr std::uint64_t kMaxScryptMemory = 256ULL * 1024 * 1024;  // 128 * r * N octets
inline constexpr std::uint64_t kMaxScryptWork = 1ULL << 23;              // N * r * p (the default is 2^18)

inline constexpr std::size_t kSaltSize = 16;  // what hashPassword makes
inline constexpr std::size_t kHashSize = 32;
inline constexpr std::size_t kMinSaltSize = 8;  // accepted from elsewhere
inline constexpr std::size_t kMaxSaltSize = 64;
inline constexpr std::size_t kMinHashSize = 16;
inline constexpr std::size_t kMaxHashSize = 64;

struct PasswordHash {
    ScryptParams params;
    std::vector<std::uint8_t> salt;
    std::vector<std::uint8_t> hash;
};

// Strict: exactly the form above, parameters in that order, decimal without leading zeros,
// canonical base64, sizes and costs within the limits. Messages never echo the string.
Result<PasswordHash> parsePasswordHash(std::string_view text);

// The PHC string of `hash`.
std::string formatPasswordHash(const PasswordHash& hash);

// A new hash with a random 16-octet salt; fails only when OpenSSL does (or the parameters are
// outside the limits).
Result<std::string> hashPassword(std::string_view password, const ScryptParams& params = {});
// The same with a given salt: for known-answer tests.
Result<std::string> hashPasswordWithSalt(std::string_view password, std::span<const std::uint8_t> salt,
                                         const ScryptParams& params = {});

// True when `password` matches `phcString`; false for a wrong password and for a malformed
// string. The final comparison is constant-time; the scrypt cost depends only on the string.
bool verifyPassword(std::string_view password, std::string_view phcString);

}  // namespace qdyn::server::accounts
