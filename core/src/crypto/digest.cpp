// Digests with OpenSSL 3's EVP API, every handle owned by a unique_ptr.
#include "qdyn/crypto/digest.hpp"

#include "qdyn/crypto/hmac.hpp"

#include <array>
#include <memory>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "openssl_runtime.hpp"

namespace qdyn::crypto {

namespace {

struct MdDeleter {
    void operator()(EVP_MD* md) const noexcept { EVP_MD_free(md); }
};
struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using MdPtr = std::unique_ptr<EVP_MD, MdDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

}  // namespace

Result<std::string> md5Hex(std::initializer_list<std::string_view> parts) {
    if (auto ready = requireOpenSsl(); !ready) return ready.error();
    const MdPtr md(EVP_MD_fetch(nullptr, "MD5", nullptr));
    if (!md) return makeError("MD5 is not available in this OpenSSL (FIPS mode?)");
    const MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx) return makeError("MD5: out of memory");
    if (EVP_DigestInit_ex2(ctx.get(), md.get(), nullptr) != 1) return makeError("MD5: init failed");
    for (const auto part : parts) {
        if (!part.empty() && EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) {
            return makeError("MD5: update failed");
        }
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1 || length != 16) {
        return makeError("MD5: final failed");
    }
    auto out = hexEncode(std::span<const std::uint8_t>(digest.data(), length));
    // The digest of a password is password-equivalent for these protocols: leave no copy.
    OPENSSL_cleanse(digest.data(), digest.size());
    return out;
}

}  // namespace qdyn::crypto
