// HMAC and base64: the one place core touches OpenSSL's MAC functions, used by TSIG (RFC 8945)
// and any later protocol that signs with a shared secret.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/result.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::crypto {

enum class HmacAlgorithm { Sha1, Sha256, Sha512 };

// The MAC length in octets (20, 32, 64).
std::size_t hmacSize(HmacAlgorithm algorithm) noexcept;

// HMAC over the concatenation of `parts` (so callers need not copy a message to append to it).
Result<std::vector<std::uint8_t>> hmac(HmacAlgorithm algorithm, std::span<const std::uint8_t> key,
                                       std::span<const std::span<const std::uint8_t>> parts);

// An HMAC key set up once, for a caller that signs many short messages with it: each sign()
// skips OpenSSL's algorithm lookup and the key's set-up, which cost more than the MAC of a
// short message. Not thread-safe: one signer per thread, or a lock around it.
class HmacSigner {
public:
    static Result<HmacSigner> make(HmacAlgorithm algorithm, std::span<const std::uint8_t> key);
    HmacSigner(HmacSigner&&) noexcept;
    HmacSigner& operator=(HmacSigner&&) noexcept;
    ~HmacSigner();

    // The MAC of the concatenation of `parts` into `out`, which must hold exactly hmacSize().
    Result<void> sign(std::span<const std::span<const std::uint8_t>> parts, std::span<std::uint8_t> out);

private:
    struct Impl;
    explicit HmacSigner(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// Strict RFC 4648 base64: standard alphabet, padding required, no whitespace, zero pad bits.
// Rejects the empty string. Error messages never echo the input (it is usually a secret).
Result<std::vector<std::uint8_t>> base64Decode(std::string_view text);
std::string base64Encode(std::span<const std::uint8_t> bytes);
// Lower-case hex, two digits an octet.
std::string hexEncode(std::span<const std::uint8_t> bytes);
// The octets of a text, for the functions above.
inline std::span<const std::uint8_t> asBytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}
// The same decode into a Secret, wiping the intermediate buffer (for keys).
Result<Secret> base64DecodeSecret(std::string_view text);

}  // namespace qdyn::crypto
