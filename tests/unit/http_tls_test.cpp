// HTTPS in the HTTP client: certificates are checked by default, ca_file (CURLOPT_CAINFO) makes
// a private CA trusted, and only an explicit tls_verify = false skips the check. The peer is
// `openssl s_server` on 127.0.0.1 with a certificate made for the test (test_certificate.hpp),
// never committed.

#include <cstdio>
#include <gtest/gtest.h>
#include <memory>

#include "peer_programs.hpp"
#include "process.hpp"
#include "qdyn/net/http_client.hpp"
#include "temp_dir.hpp"
#include "test_certificate.hpp"

namespace qdyn::net {
namespace {
namespace http_tls_test {

class HttpTlsTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_openssl = test::programPath("openssl");
        if (m_openssl.empty()) GTEST_FAIL() << "the openssl program is missing (package openssl)";
        const auto server = test::makeTestCertificate(m_dir.path(), "server");
        m_serverKey = server.key.string();
        m_cert = server.certificate.string();
        m_otherCert = test::makeTestCertificate(m_dir.path(), "other").certificate.string();
        for (int attempt = 0; attempt < 3 && m_url.empty(); ++attempt) {
            const std::string port = std::to_string(test::freeLoopbackPort());
            auto process = std::make_unique<test::BackgroundProcess>();
            if (!process->start({m_openssl, "s_server", "-accept", "127.0.0.1:" + port, "-cert", m_cert, "-key",
                                 m_serverKey, "-www"})) {
                continue;
            }
            bool found = false;
            const auto lines = process->readUntil("ACCEPT", std::chrono::seconds(5), found);
            if (!found) {
                for (const auto& line : lines)
                    std::fprintf(stderr, "s_server: %s\n", line.c_str());
                continue;
            }  // the port was taken meanwhile: the destructor stops this one
            m_server = std::move(process);
            m_url = "https://127.0.0.1:" + port + "/";
        }
        ASSERT_FALSE(m_url.empty()) << "openssl s_server did not start";
    }

    HttpRequest request() const {
        HttpRequest get;
        get.url = m_url;
        get.timeout = std::chrono::seconds(5);
        return get;
    }

    test::TempDir m_dir;
    std::string m_openssl;
    std::string m_cert;  // the server's self-signed certificate, also the CA file that trusts it
    std::string m_serverKey;
    std::string m_otherCert;
    std::unique_ptr<test::BackgroundProcess> m_server;
    std::string m_url;
};

TEST_F(HttpTlsTest, RefusesAnUntrustedCertificateByDefault) {
    HttpClient client;
    const auto response = client.get(request());
    ASSERT_FALSE(response);
    EXPECT_NE(response.message().find("certificate"), std::string::npos) << response.message();
}

TEST_F(HttpTlsTest, TrustsTheCaFile) {
    HttpClient client;
    HttpRequest get = request();
    get.caFile = m_cert;
    const auto response = client.get(get);
    ASSERT_TRUE(response) << response.message();
    EXPECT_EQ(response->status, 200);
    get.caFile = m_otherCert;  // a CA that did not sign the server's certificate
    EXPECT_FALSE(client.get(get));
}

TEST_F(HttpTlsTest, SkipsTheCheckOnlyWhenTold) {
    HttpClient client;
    HttpRequest get = request();
    get.verifyTls = false;
    const auto response = client.get(get);
    ASSERT_TRUE(response) << response.message();
    EXPECT_EQ(response->status, 200);
}

}  // namespace http_tls_test
}  // namespace
}  // namespace qdyn::net
