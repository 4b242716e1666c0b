// Self-signed certificate generation with the OpenSSL 3 API.
#include "test_certificate.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace qdyn::test {

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "test certificate: %s failed\n", what);
    std::abort();
}

struct Closer {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
    void operator()(X509* cert) const { X509_free(cert); }
    void operator()(X509_EXTENSION* ext) const { X509_EXTENSION_free(ext); }
    void operator()(std::FILE* file) const { std::fclose(file); }
};

void addExtension(X509* cert, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, Closer> ext(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail("an extension");
}

void writePem(const std::filesystem::path& path, const auto& write) {
    std::unique_ptr<std::FILE, Closer> file(std::fopen(path.string().c_str(), "wb"));
    if (!file || write(file.get()) != 1) fail("writing a PEM file");
}

}  // namespace

TestCertificate makeTestCertificate(const std::filesystem::path& dir, const char* stem) {
    std::unique_ptr<EVP_PKEY, Closer> key(EVP_EC_gen("P-256"));
    if (!key) fail("key generation");
    std::unique_ptr<X509, Closer> cert(X509_new());
    if (!cert) fail("X509_new");
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("qdyn test"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    addExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    addExtension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) fail("signing");

    TestCertificate out{dir / (std::string(stem) + ".crt"), dir / (std::string(stem) + ".key")};
    writePem(out.certificate, [&](std::FILE* file) { return PEM_write_X509(file, cert.get()); });
    writePem(out.key, [&](std::FILE* file) {
        return PEM_write_PrivateKey(file, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    return out;
}

}  // namespace qdyn::test
