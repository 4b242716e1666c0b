// OpenSSL loaded on first use: this file defines every OpenSSL function a program built from
// qdyn::core calls (the hashes, HMAC, and what Boost.Asio's TLS stream calls for QDNS over TLS),
// each forwarding to the real one in libssl/libcrypto, which the first call maps with dlopen.
// Linked instead of libssl and libcrypto (core/CMakeLists.txt), it keeps a run that needs none
// of it from mapping them at all.
//
// A function missing from the list below shows up as an undefined reference when such a
// program is linked: add it here, with the parameters of its declaration in the OpenSSL headers
// (the compiler refuses a definition that differs from the declaration).
#include "openssl_runtime.hpp"

#include <dlfcn.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#if !defined(QDYN_LIBSSL_SONAME)
#error "QDYN_LIBSSL_SONAME (the soname of the libssl qdyn was built against) must be defined"
#endif

// X(return type, name, parameters, arguments)
#define QDYN_OPENSSL_FUNCTIONS(X)                                                                                      \
    X(long, BIO_ctrl, (BIO * b, int cmd, long larg, void* parg), (b, cmd, larg, parg))                                 \
    X(size_t, BIO_ctrl_pending, (BIO * b), (b))                                                                        \
    X(int, BIO_free, (BIO * a), (a))                                                                                   \
    X(int, BIO_new_bio_pair, (BIO * *bio1, size_t writebuf1, BIO** bio2, size_t writebuf2),                            \
      (bio1, writebuf1, bio2, writebuf2))                                                                              \
    X(int, BIO_read, (BIO * b, void* data, int dlen), (b, data, dlen))                                                 \
    X(int, BIO_write, (BIO * b, const void* data, int dlen), (b, data, dlen))                                          \
    X(void, CRYPTO_free, (void* ptr, const char* file, int line), (ptr, file, line))                                   \
    X(void, ERR_clear_error, (void), ())                                                                               \
    X(unsigned long, ERR_get_error, (void), ())                                                                        \
    X(const char*, ERR_reason_error_string, (unsigned long e), (e))                                                    \
    X(int, EVP_DigestFinal_ex, (EVP_MD_CTX * ctx, unsigned char* md, unsigned int* s), (ctx, md, s))                   \
    X(int, EVP_DigestInit_ex2, (EVP_MD_CTX * ctx, const EVP_MD* type, const OSSL_PARAM params[]), (ctx, type, params)) \
    X(int, EVP_DigestUpdate, (EVP_MD_CTX * ctx, const void* d, size_t cnt), (ctx, d, cnt))                             \
    X(void, EVP_MAC_CTX_free, (EVP_MAC_CTX * ctx), (ctx))                                                              \
    X(EVP_MAC_CTX*, EVP_MAC_CTX_new, (EVP_MAC * mac), (mac))                                                           \
    X(EVP_MAC*, EVP_MAC_fetch, (OSSL_LIB_CTX * libctx, const char* algorithm, const char* properties),                 \
      (libctx, algorithm, properties))                                                                                 \
    X(int, EVP_MAC_final, (EVP_MAC_CTX * ctx, unsigned char* out, size_t* outl, size_t outsize),                       \
      (ctx, out, outl, outsize))                                                                                       \
    X(void, EVP_MAC_free, (EVP_MAC * mac), (mac))                                                                      \
    X(int, EVP_MAC_init, (EVP_MAC_CTX * ctx, const unsigned char* key, size_t keylen, const OSSL_PARAM params[]),      \
      (ctx, key, keylen, params))                                                                                      \
    X(int, EVP_MAC_update, (EVP_MAC_CTX * ctx, const unsigned char* data, size_t datalen), (ctx, data, datalen))       \
    X(void, EVP_MD_CTX_free, (EVP_MD_CTX * ctx), (ctx))                                                                \
    X(EVP_MD_CTX*, EVP_MD_CTX_new, (void), ())                                                                         \
    X(EVP_MD*, EVP_MD_fetch, (OSSL_LIB_CTX * ctx, const char* algorithm, const char* properties),                      \
      (ctx, algorithm, properties))                                                                                    \
    X(void, EVP_MD_free, (EVP_MD * md), (md))                                                                          \
    X(OSSL_PARAM, OSSL_PARAM_construct_end, (void), ())                                                                \
    X(OSSL_PARAM, OSSL_PARAM_construct_utf8_string, (const char* key, char* buf, size_t bsize), (key, buf, bsize))     \
    X(long, SSL_CTX_ctrl, (SSL_CTX * ctx, int cmd, long larg, void* parg), (ctx, cmd, larg, parg))                     \
    X(void, SSL_CTX_free, (SSL_CTX * ctx), (ctx))                                                                      \
    X(void*, SSL_CTX_get_default_passwd_cb_userdata, (SSL_CTX * ctx), (ctx))                                           \
    X(void*, SSL_CTX_get_ex_data, (const SSL_CTX* ssl, int idx), (ssl, idx))                                           \
    X(SSL_verify_cb, SSL_CTX_get_verify_callback, (const SSL_CTX* ctx), (ctx))                                         \
    X(int, SSL_CTX_load_verify_locations, (SSL_CTX * ctx, const char* CAfile, const char* CApath),                     \
      (ctx, CAfile, CApath))                                                                                           \
    X(SSL_CTX*, SSL_CTX_new, (const SSL_METHOD* meth), (meth))                                                         \
    X(void, SSL_CTX_set_default_passwd_cb_userdata, (SSL_CTX * ctx, void* u), (ctx, u))                                \
    X(int, SSL_CTX_set_default_verify_paths, (SSL_CTX * ctx), (ctx))                                                   \
    X(int, SSL_CTX_set_ex_data, (SSL_CTX * ssl, int idx, void* data), (ssl, idx, data))                                \
    X(uint64_t, SSL_CTX_set_options, (SSL_CTX * ctx, uint64_t op), (ctx, op))                                          \
    X(void, SSL_CTX_set_verify, (SSL_CTX * ctx, int mode, SSL_verify_cb callback), (ctx, mode, callback))              \
    X(int, SSL_accept, (SSL * ssl), (ssl))                                                                             \
    X(int, SSL_connect, (SSL * ssl), (ssl))                                                                            \
    X(long, SSL_ctrl, (SSL * ssl, int cmd, long larg, void* parg), (ssl, cmd, larg, parg))                             \
    X(void, SSL_free, (SSL * ssl), (ssl))                                                                              \
    X(int, SSL_get_error, (const SSL* s, int ret_code), (s, ret_code))                                                 \
    X(void*, SSL_get_ex_data, (const SSL* ssl, int idx), (ssl, idx))                                                   \
    X(int, SSL_get_ex_data_X509_STORE_CTX_idx, (void), ())                                                             \
    X(int, SSL_get_shutdown, (const SSL* ssl), (ssl))                                                                  \
    X(int, SSL_get_verify_mode, (const SSL* s), (s))                                                                   \
    X(SSL*, SSL_new, (SSL_CTX * ctx), (ctx))                                                                           \
    X(int, SSL_read, (SSL * ssl, void* buf, int num), (ssl, buf, num))                                                 \
    X(void, SSL_set_bio, (SSL * s, BIO* rbio, BIO* wbio), (s, rbio, wbio))                                             \
    X(int, SSL_set_ex_data, (SSL * ssl, int idx, void* data), (ssl, idx, data))                                        \
    X(void, SSL_set_verify, (SSL * s, int mode, SSL_verify_cb callback), (s, mode, callback))                          \
    X(int, SSL_write, (SSL * ssl, const void* buf, int num), (ssl, buf, num))                                          \
    X(const SSL_METHOD*, TLS_client_method, (void), ())                                                                \
    X(const SSL_METHOD*, TLS_method, (void), ())                                                                       \
    X(const SSL_METHOD*, TLS_server_method, (void), ())                                                                \
    X(X509*, X509_STORE_CTX_get_current_cert, (const X509_STORE_CTX* ctx), (ctx))                                     \
    X(int, X509_STORE_CTX_get_error_depth, (const X509_STORE_CTX* ctx), (ctx))                                        \
    X(void*, X509_STORE_CTX_get_ex_data, (const X509_STORE_CTX* ctx, int idx), (ctx, idx))                             \
    X(int, X509_check_host, (X509 * x, const char* chk, size_t chklen, unsigned int flags, char** peername),           \
      (x, chk, chklen, flags, peername))                                                                               \
    X(int, X509_check_ip_asc, (X509 * x, const char* ipasc, unsigned int flags), (x, ipasc, flags))

namespace {

enum class Function : std::size_t {
#define QDYN_OPENSSL_ENUM(ret, name, params, args) name,
    QDYN_OPENSSL_FUNCTIONS(QDYN_OPENSSL_ENUM)
#undef QDYN_OPENSSL_ENUM
        Count
};

constexpr std::array<const char*, static_cast<std::size_t>(Function::Count)> kNames{
#define QDYN_OPENSSL_NAME(ret, name, params, args) #name,
    QDYN_OPENSSL_FUNCTIONS(QDYN_OPENSSL_NAME)
#undef QDYN_OPENSSL_NAME
};

struct Library {
    std::array<void*, kNames.size()> functions{};
    std::string error;  // empty when loaded
};

// libssl with libcrypto beneath it, mapped once (a function-local static is initialised
// thread-safely) and never unmapped: OpenSSL's state lives until the process ends.
const Library& library() {
    static const Library loaded = [] {
        Library out;
        void* handle = dlopen(QDYN_LIBSSL_SONAME, RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) {
            const char* why = dlerror();
            out.error = std::string("cannot load OpenSSL (" QDYN_LIBSSL_SONAME "): ") +
                        (why != nullptr ? why : "unknown error") + "; install OpenSSL 3 (Debian: libssl3)";
            return out;
        }
        for (std::size_t i = 0; i < kNames.size(); ++i) {
            // dlsym on libssl's handle also finds what libssl's own dependency, libcrypto, defines.
            out.functions[i] = dlsym(handle, kNames[i]);
            if (out.functions[i] == nullptr) {
                out.error = std::string("OpenSSL (" QDYN_LIBSSL_SONAME ") has no ") + kNames[i];
                return out;
            }
        }
        return out;
    }();
    return loaded;
}

// For the forwarders. Reached only after requireOpenSsl() succeeded at the entry point, so a
// failure here is a missing check in qdyn: say what is wrong rather than crash somewhere.
void* function(Function which) {
    const auto& loaded = library();
    if (!loaded.error.empty()) {
        std::fprintf(stderr, "qdyn: %s\n", loaded.error.c_str());
        std::abort();
    }
    return loaded.functions[static_cast<std::size_t>(which)];
}

}  // namespace

namespace qdyn::crypto {

Result<void> requireOpenSsl() {
    const auto& loaded = library();
    if (!loaded.error.empty()) return makeError(loaded.error);
    return {};
}

}  // namespace qdyn::crypto

extern "C" {

#define QDYN_OPENSSL_FORWARD(ret, name, params, args)                                                              \
    ret name params { return reinterpret_cast<decltype(&::name)>(function(Function::name)) args; }
QDYN_OPENSSL_FUNCTIONS(QDYN_OPENSSL_FORWARD)
#undef QDYN_OPENSSL_FORWARD

// Two that need no library, so that wiping or comparing a secret (which every run with a
// password does) maps nothing. The same guarantees as OpenSSL's: the wipe is not optimised
// away, and the comparison takes the same time wherever the bytes differ.
void OPENSSL_cleanse(void* ptr, size_t len) { explicit_bzero(ptr, len); }

int CRYPTO_memcmp(const void* in_a, const void* in_b, size_t len) {
    const auto* a = static_cast<const volatile unsigned char*>(in_a);
    const auto* b = static_cast<const volatile unsigned char*>(in_b);
    unsigned char differ = 0;
    for (size_t i = 0; i < len; ++i) differ = static_cast<unsigned char>(differ | (a[i] ^ b[i]));
    return differ;
}

}  // extern "C"
