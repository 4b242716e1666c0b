// TLS context set-up through Asio's OpenSSL wrapper.
#include "http/tls_context.hpp"

#include <openssl/ssl.h>

namespace qdyn::server {

namespace ssl = boost::asio::ssl;

Result<std::shared_ptr<TlsContext>> makeTlsContext(const std::filesystem::path& certificate,
                                                   const std::filesystem::path& key) {
    auto context = std::make_shared<TlsContext>(ssl::context::tls_server);
    boost::system::error_code error;
    // SSLv2/3, TLS 1.0 and 1.1 are broken or deprecated (RFC 8996); compression invites CRIME.
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                             ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                             ssl::context::single_dh_use,
                         error);
    if (error) return makeError("TLS: " + error.message());
    context->use_certificate_chain_file(certificate.string(), error);
    if (error) return makeError("TLS certificate " + certificate.string() + ": " + error.message());
    context->use_private_key_file(key.string(), ssl::context::pem, error);
    if (error) return makeError("TLS key " + key.string() + ": " + error.message());
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
        return makeError("TLS key " + key.string() + " does not belong to the certificate " + certificate.string());
    }
    return context;
}

}  // namespace qdyn::server
