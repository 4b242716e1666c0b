// qdyn-server's HTTPS listener on loopback with a certificate made at test time: updates over
// TLS, certificate verification by the client (libcurl through core's HttpClient), plain HTTP
// refused on the TLS port, and a reload that picks up a renewed certificate at the same path.
#include <gtest/gtest.h>

#include <filesystem>

#include "demo_server_config.hpp"
#include "qdyn/net/http_client.hpp"
#include "qdyn_server/server.hpp"
#include "temp_dir.hpp"
#include "test_certificate.hpp"
#include "test_values.hpp"

namespace qdyn::test {
namespace {
namespace server_https_test {

class ServerHttps : public ::testing::Test {
protected:
    void SetUp() override {
        m_cert = makeTestCertificate(m_dir.path());
        m_config = demoServerConfig();
        m_config.dnsTcp.clear();
        m_config.https = {server::ListenAddress{ip("127.0.0.1"), 0}};
        m_config.httpOptions.tlsCertificate = m_cert.certificate;
        m_config.httpOptions.tlsKey = m_cert.key;
        m_server.emplace(m_config);
        auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
        m_port = m_server->port("https");
        ASSERT_NE(m_port, 0);
    }

    Result<net::HttpResponse> get(const std::string& target, const std::string& caFile, bool verify = true,
                                  const std::string& scheme = "https") {
        net::HttpRequest request;
        request.url = scheme + "://127.0.0.1:" + std::to_string(m_port) + target;
        request.userAgent = "qdyn-test/1.0";
        request.username = "alice";
        request.password = &m_password;
        request.caFile = caFile;
        request.verifyTls = verify;
        request.timeout = std::chrono::milliseconds(5000);
        return m_client.get(request);
    }

    TempDir m_dir;
    TestCertificate m_cert;
    server::Config m_config;
    std::optional<server::Server> m_server;
    std::uint16_t m_port = 0;
    Secret m_password{"s3cret"};
    net::HttpClient m_client;
};

TEST_F(ServerHttps, AnUpdateOverTlsWithTheCertificateTrusted) {
    const auto reply = get("/nic/update?hostname=home.dyn.example.test&myip=203.0.113.44", m_cert.certificate.string());
    ASSERT_TRUE(reply) << reply.message();
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, "good 203.0.113.44\n");
    EXPECT_EQ(m_server->addressesOf(name("home.dyn.example.test")), std::vector<IpAddress>{ip("203.0.113.44")});
    // The echo services answer over TLS too.
    const auto echo = get("/ip", m_cert.certificate.string());
    ASSERT_TRUE(echo) << echo.message();
    EXPECT_EQ(echo->body, "127.0.0.1\n");
}

TEST_F(ServerHttps, AnUntrustedCertificateFailsVerificationAndChangesNothing) {
    // The system store does not know the test certificate.
    const auto reply = get("/nic/update?hostname=home.dyn.example.test&myip=203.0.113.45", "");
    EXPECT_FALSE(reply);
    // A certificate of another "CA" does not help either.
    const auto other = makeTestCertificate(m_dir.path(), "other");
    EXPECT_FALSE(get("/nic/update?hostname=home.dyn.example.test&myip=203.0.113.45", other.certificate.string()));
    EXPECT_TRUE(m_server->addressesOf(name("home.dyn.example.test")).empty());
}

TEST_F(ServerHttps, PlainHttpOnTheTlsPortGetsNothingAndTheListenerCarriesOn) {
    const auto plain = get("/ip", "", true, "http");
    EXPECT_TRUE(!plain || plain->status == 0 || plain->status >= 400);
    const auto after = get("/ip", m_cert.certificate.string());
    ASSERT_TRUE(after) << after.message();
    EXPECT_EQ(after->status, 200);
}

TEST_F(ServerHttps, AReloadPicksUpARenewedCertificateAtTheSamePath) {
    const auto old = m_dir.path() / "old.crt";
    std::filesystem::copy_file(m_cert.certificate, old);
    // "Renew": a new key and certificate written over the configured files.
    const auto renewed = makeTestCertificate(m_dir.path());
    ASSERT_EQ(renewed.certificate, m_cert.certificate);
    auto reloaded = m_server->reload(m_config);
    ASSERT_TRUE(reloaded) << reloaded.message();
    EXPECT_FALSE(get("/ip", old.string()));
    const auto fresh = get("/ip", renewed.certificate.string());
    ASSERT_TRUE(fresh) << fresh.message();
    EXPECT_EQ(fresh->status, 200);
}

TEST(ServerHttpsStart, AMissingOrMismatchedCertificateIsAStartError) {
    TempDir dir;
    const auto a = makeTestCertificate(dir.path(), "a");
    const auto b = makeTestCertificate(dir.path(), "b");
    auto config = demoServerConfig();
    config.https = {server::ListenAddress{ip("127.0.0.1"), 0}};
    config.httpOptions.tlsCertificate = dir.path() / "missing.crt";
    config.httpOptions.tlsKey = a.key;
    {
        server::Server server(config);
        const auto started = server.start();
        ASSERT_FALSE(started);
        EXPECT_NE(started.message().find("missing.crt"), std::string::npos) << started.message();
    }
    config.httpOptions.tlsCertificate = a.certificate;
    config.httpOptions.tlsKey = b.key;
    server::Server server(config);
    const auto started = server.start();
    ASSERT_FALSE(started);
    EXPECT_NE(started.message().find("b.key"), std::string::npos) << started.message();
    EXPECT_NE(started.message().find("mismatch"), std::string::npos) << started.message();
}

}  // namespace server_https_test
}  // namespace
}  // namespace qdyn::test
