// The qdyn binary's use of OpenSSL, which on Linux it loads on first use rather than at start-up
// (core/src/crypto/openssl_on_demand.cpp): every path that needs it works through the binary
// (MD5 for miniupdate, HMAC for TSIG, TLS for QDNS over TLS, against qdyn-server in-process),
// and a run that needs none of it never maps libssl or libcrypto (the dynamic loader's own log,
// glibc's LD_DEBUG, lists every library a run loads).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "process.hpp"
#include "qdyn_server/server.hpp"
#include "temp_dir.hpp"
#include "test_certificate.hpp"
#include "test_values.hpp"

namespace qdyn::test {
namespace {
namespace cli_openssl_test {

constexpr const char* kTsigSecret = "cW55bi1jbGktb3BlbnNzbC10ZXN0LWtleS0zMmJ5dGVzIQ==";

server::Config opensslConfig(const TestCertificate& cert) {
    server::Config config;
    config.zone.origin = name("dyn.example.test");
    config.zone.nameserver = name("ns1.example.test");
    config.zone.email = "hostmaster@example.test";
    config.accounts = {server::Account{"alice", "s3cret", {name("home.dyn.example.test")}}};
    const server::ListenAddress loopback{ip("127.0.0.1"), 0};
    config.dnsUdp = {loopback};
    config.http = {loopback};
    config.qdnsTls = {loopback};
    config.miniupdate = {loopback};
    config.httpOptions.tlsCertificate = cert.certificate;
    config.httpOptions.tlsKey = cert.key;
    config.tsigKeys = {server::TsigKeyConfig{name("alice-key"), "hmac-sha256", kTsigSecret, "alice"}};
    config.throttle = server::ThrottleOptions{0, 600, 900, 0};
    return config;
}

class CliOpensslTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_cert = makeTestCertificate(m_dir.path());
        m_server = std::make_unique<server::Server>(opensslConfig(m_cert));
        auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
    }
    void TearDown() override {
        if (m_server) m_server->stop();
    }

    [[nodiscard]] std::string port(const char* kind) const { return std::to_string(m_server->port(kind)); }

    // `qdyn update -a ADDRESS [--force]` with one profile; LD_DEBUG=libs, so stderr also lists
    // the libraries the run mapped.
    ProcessResult update(const std::string& profileBody, const std::string& address, bool force = true) {
        const auto path = m_dir.write("profiles.toml",
                                      "[profile.p]\n" + profileBody + "hosts = [\"home.dyn.example.test\"]\ntimeout = 5\n",
                                      0600);
        std::vector<std::string> args{QDYN_CLI_PATH, "update", "-c", path.string(), "--state-dir",
                                      (m_dir.path() / "state").string(), "-a", address};
        if (force) args.emplace_back("--force");
        return runProcess(args, {{"LD_DEBUG", "libs"}});
    }

    [[nodiscard]] std::string served() const {
        const auto addresses = m_server->addressesOf(name("home.dyn.example.test"));
        return addresses.empty() ? std::string() : addresses.front().toString();
    }

    static bool mapped(const ProcessResult& run, const char* library) {
        return run.err.find(library) != std::string::npos;
    }

    TempDir m_dir;
    TestCertificate m_cert;
    std::unique_ptr<server::Server> m_server;
};

TEST_F(CliOpensslTest, MiniupdateHashesItsChallengeWithMd5) {
    const auto run = update("protocol = \"miniupdate\"\nserver = \"miniupdate://127.0.0.1:" + port("miniupdate") +
                                "\"\nusername = \"alice\"\npassword = \"s3cret\"\n",
                            "203.0.113.21");
    EXPECT_EQ(run.exitCode, 0) << run.out << run.err;
    EXPECT_EQ(served(), "203.0.113.21");
}

TEST_F(CliOpensslTest, Rfc2136SignsWithTsig) {
    const auto run = update("protocol = \"rfc2136\"\nserver = \"127.0.0.1:" + port("dns-udp") +
                                "\"\nusername = \"alice-key\"\npassword = \"" + kTsigSecret + "\"\n",
                            "203.0.113.22");
    EXPECT_EQ(run.exitCode, 0) << run.out << run.err;
    EXPECT_EQ(served(), "203.0.113.22");
}

TEST_F(CliOpensslTest, QdnsOverTlsVerifiesTheServer) {
    const std::string base = "protocol = \"qdns\"\nserver = \"qdnss://127.0.0.1:" + port("qdns-tls") +
                             "\"\nusername = \"alice\"\npassword = \"s3cret\"\n";
    const auto trusted = update(base + "ca_file = \"" + m_cert.certificate.string() + "\"\n", "203.0.113.23");
    EXPECT_EQ(trusted.exitCode, 0) << trusted.out << trusted.err;
    EXPECT_EQ(served(), "203.0.113.23");
    // Without the CA the certificate is refused: the TLS layer really checks through the loaded library.
    const auto untrusted = update(base, "203.0.113.24");
    EXPECT_NE(untrusted.exitCode, 0) << untrusted.out;
    EXPECT_EQ(served(), "203.0.113.23");
}

#if defined(QDYN_TEST_OPENSSL_ON_DEMAND)
TEST_F(CliOpensslTest, OnlyARunThatNeedsOpensslMapsIt) {
    const std::string dyndns2 = "protocol = \"dyndns2\"\nserver = \"http://127.0.0.1:" + port("http") +
                                "\"\nusername = \"alice\"\npassword = \"s3cret\"\n";
    ASSERT_EQ(update(dyndns2, "203.0.113.25").exitCode, 0);
    // Unchanged: nothing to send, though the profile holds a password (wiped on exit).
    const auto idle = update(dyndns2, "203.0.113.25", false);
    ASSERT_EQ(idle.exitCode, 0) << idle.out << idle.err;
    EXPECT_NE(idle.out.find("unchanged (nothing sent)"), std::string::npos) << idle.out;
    EXPECT_FALSE(mapped(idle, "libcrypto.so")) << "a run with nothing to send needs no OpenSSL";
    const auto signed_ = update("protocol = \"rfc2136\"\nserver = \"127.0.0.1:" + port("dns-udp") +
                                    "\"\nusername = \"alice-key\"\npassword = \"" + kTsigSecret + "\"\n",
                                "203.0.113.26");
    ASSERT_EQ(signed_.exitCode, 0) << signed_.out << signed_.err;
    EXPECT_TRUE(mapped(signed_, "libcrypto.so")) << signed_.err;
}
#endif

}  // namespace cli_openssl_test
}  // namespace
}  // namespace qdyn::test
