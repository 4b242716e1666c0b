// Secret: wiping and constant-time comparison.
#include "qdyn/secret.hpp"

#include <openssl/crypto.h>

namespace qdyn {

Secret::~Secret() { wipe(); }

Secret::Secret(Secret&& other) noexcept : m_value(std::move(other.m_value)) { other.wipe(); }

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        m_value = std::move(other.m_value);
        other.wipe();
    }
    return *this;
}

void Secret::wipe() noexcept {
    // Wipe the whole buffer, not just size(): a moved-from short string keeps its old bytes
    // in the inline buffer. OPENSSL_cleanse cannot be optimised away, unlike a plain memset.
    m_value.resize(m_value.capacity());
    if (!m_value.empty()) OPENSSL_cleanse(m_value.data(), m_value.size());
    m_value.clear();
}

bool Secret::equals(std::string_view other) const noexcept { return constantTimeEquals(m_value, other); }

bool constantTimeEquals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace qdyn
