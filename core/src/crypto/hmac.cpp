// HMAC with OpenSSL 3's EVP_MAC API (one HmacSigner owns the handles; the one-shot hmac() is a
// signer used once) and a strict base64 codec of our own: EVP_DecodeBlock accepts whitespace and
// does not check pad bits.
#include "qdyn/crypto/hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "openssl_runtime.hpp"

#include <algorithm>
#include <array>
#include <memory>

namespace qdyn::crypto {

namespace {

const char* digestName(HmacAlgorithm algorithm) noexcept {
    switch (algorithm) {
    case HmacAlgorithm::Sha1: return "SHA1";
    case HmacAlgorithm::Sha256: return "SHA256";
    case HmacAlgorithm::Sha512: return "SHA512";
    }
    return "SHA256";
}

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

std::size_t hmacSize(HmacAlgorithm algorithm) noexcept {
    switch (algorithm) {
    case HmacAlgorithm::Sha1: return 20;
    case HmacAlgorithm::Sha256: return 32;
    case HmacAlgorithm::Sha512: return 64;
    }
    return 0;
}

// The fetched algorithm and the keyed context, freed together.
struct HmacSigner::Impl {
    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        EVP_MAC_CTX_free(ctx);  // wipes the keyed state
        EVP_MAC_free(mac);
    }
    EVP_MAC* mac = nullptr;
    EVP_MAC_CTX* ctx = nullptr;
    std::size_t size = 0;
};

HmacSigner::HmacSigner(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
HmacSigner::HmacSigner(HmacSigner&&) noexcept = default;
HmacSigner& HmacSigner::operator=(HmacSigner&&) noexcept = default;
HmacSigner::~HmacSigner() = default;

Result<HmacSigner> HmacSigner::make(HmacAlgorithm algorithm, std::span<const std::uint8_t> key) {
    if (auto ready = requireOpenSsl(); !ready) return ready.error();
    auto impl = std::make_unique<Impl>();
    impl->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (impl->mac == nullptr) return makeError("HMAC: not available in this OpenSSL");
    impl->ctx = EVP_MAC_CTX_new(impl->mac);
    if (impl->ctx == nullptr) return makeError("HMAC: out of memory");
    std::array<char, 8> digest{};
    const std::string_view name = digestName(algorithm);
    name.copy(digest.data(), name.size());
    const std::array params{OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
                            OSSL_PARAM_construct_end()};
    // OpenSSL refuses a null key pointer even with length 0; an empty key is still a key.
    static constexpr std::uint8_t kNoKey = 0;
    const std::uint8_t* keyData = key.empty() ? &kNoKey : key.data();
    if (EVP_MAC_init(impl->ctx, keyData, key.size(), params.data()) != 1) return makeError("HMAC: init failed");
    impl->size = hmacSize(algorithm);
    return HmacSigner(std::move(impl));
}

Result<void> HmacSigner::sign(std::span<const std::span<const std::uint8_t>> parts, std::span<std::uint8_t> out) {
    if (out.size() != m_impl->size) return makeError("HMAC: the output has the wrong size");
    // A null key re-initialises the context with the key it already holds (OpenSSL 3).
    if (EVP_MAC_init(m_impl->ctx, nullptr, 0, nullptr) != 1) return makeError("HMAC: init failed");
    for (const auto& part : parts) {
        if (!part.empty() && EVP_MAC_update(m_impl->ctx, part.data(), part.size()) != 1) {
            return makeError("HMAC: update failed");
        }
    }
    std::size_t length = 0;
    if (EVP_MAC_final(m_impl->ctx, out.data(), &length, out.size()) != 1 || length != out.size()) {
        return makeError("HMAC: final failed");
    }
    return {};
}

Result<std::vector<std::uint8_t>> hmac(HmacAlgorithm algorithm, std::span<const std::uint8_t> key,
                                       std::span<const std::span<const std::uint8_t>> parts) {
    auto signer = HmacSigner::make(algorithm, key);
    if (!signer) return signer.error();
    std::vector<std::uint8_t> out(hmacSize(algorithm));
    if (auto made = signer->sign(parts, out); !made) return made.error();
    return out;
}

Result<std::vector<std::uint8_t>> base64Decode(std::string_view text) {
    if (text.empty()) return makeError("base64: empty");
    if (text.size() % 4 != 0) return makeError("base64: length is not a multiple of 4");
    std::size_t padding = 0;
    if (text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
    std::vector<std::uint8_t> out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        std::uint32_t group = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const char c = text[i + j];
            int value = 0;
            if (c == '=') {
                if (!last || j < 4 - padding) return makeError("base64: misplaced padding at offset " + std::to_string(i + j));
            } else {
                value = sextet(c);
                if (value < 0) return makeError("base64: invalid character at offset " + std::to_string(i + j));
            }
            group = (group << 6) | static_cast<std::uint32_t>(value);
        }
        const std::size_t octets = last ? 3 - padding : 3;
        // Non-zero bits under the padding would give two texts for one key: reject them.
        if (last && padding == 1 && (group & 0xff) != 0) return makeError("base64: non-zero padding bits");
        if (last && padding == 2 && (group & 0xffff) != 0) return makeError("base64: non-zero padding bits");
        for (std::size_t k = 0; k < octets; ++k) out.push_back(static_cast<std::uint8_t>(group >> (16 - 8 * k)));
    }
    return out;
}

Result<Secret> base64DecodeSecret(std::string_view text) {
    auto bytes = base64Decode(text);
    if (!bytes) return bytes.error();
    Secret secret(std::string(bytes->begin(), bytes->end()));
    OPENSSL_cleanse(bytes->data(), bytes->size());
    return secret;
}

std::string hexEncode(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const auto octet : bytes) {
        out.push_back(kDigits[octet >> 4U]);
        out.push_back(kDigits[octet & 0x0FU]);
    }
    return out;
}

std::string base64Encode(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t group = static_cast<std::uint32_t>(bytes[i]) << 16;
        if (n > 1) group |= static_cast<std::uint32_t>(bytes[i + 1]) << 8;
        if (n > 2) group |= bytes[i + 2];
        out.push_back(kAlphabet[(group >> 18) & 0x3f]);
        out.push_back(kAlphabet[(group >> 12) & 0x3f]);
        out.push_back(n > 1 ? kAlphabet[(group >> 6) & 0x3f] : '=');
        out.push_back(n > 2 ? kAlphabet[group & 0x3f] : '=');
    }
    return out;
}

}  // namespace qdyn::crypto
