// Every line-protocol pair in-process: qdyn's client (built from a profile, as `qdyn update`
// builds it) against qdyn-server's listener for it (QDNS over TCP and over TLS, miniupdate,
// GnuDIP over TCP), and the file client against the server's file drop. Each outcome class the
// server can produce is read back from the client, and the result from the live zone.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "qdyn/config/profile.hpp"
#include "qdyn/crypto/digest.hpp"
#include "qdyn/protocols/qdns.hpp"
#include "qdyn/protocols/registry.hpp"
#include "qdyn_server/server.hpp"
#include "qdyn_server/zone.hpp"
#include "temp_dir.hpp"
#include "test_certificate.hpp"
#include "test_values.hpp"

namespace qdyn::test {
namespace {
namespace line_protocols_test {

// alice (s3cret, token alice-token-1, with the legacy MD5 verifier) owns home and office and,
// for GnuDIP's user.domain, alice.dyn.example.test; bob (pw) owns bob.
server::Config pairConfig(const TestCertificate& cert, const std::filesystem::path& dropDir) {
    server::Config config;
    config.zone.origin = name("dyn.example.test");
    config.zone.nameserver = name("ns1.example.test");
    config.zone.email = "hostmaster@example.test";
    server::Account alice{"alice", "s3cret",
                          {name("home.dyn.example.test"), name("office.dyn.example.test"), name("alice.dyn.example.test")}};
    alice.token = "alice-token-1";
    alice.gnudipMd5 = crypto::md5Hex("s3cret").value();
    const server::Account bob{"bob", "pw", {name("bob.dyn.example.test")}};
    config.accounts = {alice, bob};
    const server::ListenAddress loopback{ip("127.0.0.1"), 0};
    config.qdns = {loopback};
    config.qdnsTls = {loopback};
    config.miniupdate = {loopback};
    config.gnudip = {loopback};
    config.httpOptions.tlsCertificate = cert.certificate;
    config.httpOptions.tlsKey = cert.key;
    config.throttle = server::ThrottleOptions{0, 600, 900, 0};
    server::FileDropOptions drop;
    drop.pattern = (dropDir / "{account}.addr").string();
    drop.accounts = {"bob"};
    drop.pollInterval = 1;
    config.fileDrop = drop;
    return config;
}

class LineProtocolsTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_cert = makeTestCertificate(m_dir.path());
        std::filesystem::create_directories(m_dir.path() / "drop");
        m_server = std::make_unique<server::Server>(pairConfig(m_cert, m_dir.path() / "drop"));
        auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
    }
    void TearDown() override {
        if (m_server) m_server->stop();
    }

    [[nodiscard]] std::string url(const std::string& scheme, const std::string& kind) const {
        return scheme + "://127.0.0.1:" + std::to_string(m_server->port(kind));
    }

    // A client from profile text; `server`, hosts and a short timeout are added.
    std::unique_ptr<UpdateProtocol> client(const std::string& body, const std::string& server,
                                           const std::string& host = "office.dyn.example.test") {
        const std::string text = "[profile.p]\n" + body + "server = \"" + server + "\"\nhosts = [\"" + host +
                                 "\"]\ntimeout = 5\n";
        auto profiles = config::parseProfiles(text, "test.toml", m_dir.path());
        EXPECT_TRUE(profiles) << profiles.message();
        if (!profiles) return nullptr;
        auto made = makeProtocol(profiles->profiles.at(0));
        EXPECT_TRUE(made) << made.message();
        return made ? std::move(*made) : nullptr;
    }

    static HostOutcome one(UpdateProtocol& protocol, const std::string& host, std::optional<IpAddress> v4,
                           std::optional<IpAddress> v6 = std::nullopt) {
        const auto outcomes = protocol.update(UpdateRequest{{host}, std::move(v4), std::move(v6)});
        EXPECT_EQ(outcomes.size(), 1U);
        return outcomes.empty() ? HostOutcome{} : outcomes.front();
    }

    [[nodiscard]] std::vector<std::string> served(const std::string& host) const {
        std::vector<std::string> out;
        for (const auto& address : m_server->addressesOf(name(host))) out.push_back(address.toString());
        return out;
    }

    TempDir m_dir;
    TestCertificate m_cert;
    std::unique_ptr<server::Server> m_server;
};

const std::string kAlice = "protocol = \"qdns\"\nusername = \"alice\"\npassword = \"s3cret\"\n";

TEST_F(LineProtocolsTest, QdnsUpdatesBothFamiliesAndReadsTheUnchangedBack) {
    auto qdns = client(kAlice, url("qdns", "qdns"));
    ASSERT_TRUE(qdns);
    EXPECT_EQ(one(*qdns, "office.dyn.example.test", ip("203.0.113.7"), ip("2001:db8::7")).outcome, OutcomeClass::Updated);
    EXPECT_EQ(served("office.dyn.example.test"), (std::vector<std::string>{"203.0.113.7", "2001:db8::7"}));
    EXPECT_EQ(one(*qdns, "office.dyn.example.test", ip("203.0.113.7"), ip("2001:db8::7")).outcome,
              OutcomeClass::Unchanged);
}

TEST_F(LineProtocolsTest, QdnsWithoutAnAddressPublishesTheConnectingOne) {
    auto qdns = client(kAlice, url("qdns", "qdns"));
    ASSERT_TRUE(qdns);
    EXPECT_EQ(one(*qdns, "office.dyn.example.test", std::nullopt).outcome, OutcomeClass::Updated);
    EXPECT_EQ(served("office.dyn.example.test"), std::vector<std::string>{"127.0.0.1"});
}

TEST_F(LineProtocolsTest, QdnsTokenWrongPasswordAndForeignHost) {
    auto token = client("protocol = \"qdns\"\npassword = \"alice-token-1\"\n", url("qdns", "qdns"));
    ASSERT_TRUE(token);
    EXPECT_EQ(one(*token, "home.dyn.example.test", ip("192.0.2.4")).outcome, OutcomeClass::Updated);
    auto wrong = client("protocol = \"qdns\"\nusername = \"alice\"\npassword = \"nope\"\n", url("qdns", "qdns"));
    ASSERT_TRUE(wrong);
    EXPECT_EQ(one(*wrong, "office.dyn.example.test", ip("192.0.2.4")).outcome, OutcomeClass::AuthFailed);
    auto alice = client(kAlice, url("qdns", "qdns"));
    ASSERT_TRUE(alice);
    EXPECT_EQ(one(*alice, "bob.dyn.example.test", ip("192.0.2.4")).outcome, OutcomeClass::HostRejected);
    EXPECT_TRUE(served("bob.dyn.example.test").empty());
}

TEST_F(LineProtocolsTest, QdnsQueryReadsWhatIsPublished) {
    auto qdns = client(kAlice, url("qdns", "qdns"));
    ASSERT_TRUE(qdns);
    ASSERT_EQ(one(*qdns, "office.dyn.example.test", ip("198.51.100.9")).outcome, OutcomeClass::Updated);
    qdns::Settings settings;
    ASSERT_TRUE(qdns::applyServerUrl(settings, url("qdns", "qdns")));
    settings.timeout = std::chrono::seconds(5);
    qdns::Client reader(std::move(settings));
    const auto answer = reader.query("office.dyn.example.test");
    ASSERT_TRUE(answer) << answer.message();
    EXPECT_EQ(*answer, std::vector<IpAddress>{ip("198.51.100.9")});
}

TEST_F(LineProtocolsTest, QdnsOverTlsChecksTheCertificate) {
    const auto trusted = client(kAlice + "ca_file = \"" + m_cert.certificate.string() + "\"\n", url("qdnss", "qdns-tls"));
    ASSERT_TRUE(trusted);
    EXPECT_EQ(one(*trusted, "office.dyn.example.test", ip("203.0.113.77")).outcome, OutcomeClass::Updated);
    EXPECT_EQ(served("office.dyn.example.test"), std::vector<std::string>{"203.0.113.77"});
    // The system store does not know the test CA: no login is sent, the update is not made.
    const auto untrusted = client(kAlice, url("qdnss", "qdns-tls"));
    ASSERT_TRUE(untrusted);
    const auto refused = one(*untrusted, "office.dyn.example.test", ip("203.0.113.78"));
    EXPECT_EQ(refused.outcome, OutcomeClass::RetryLater) << refused.detail;
    EXPECT_EQ(served("office.dyn.example.test"), std::vector<std::string>{"203.0.113.77"});
}

TEST_F(LineProtocolsTest, MiniupdateUpdatesAndStopsOnErr) {
    const std::string body = "protocol = \"miniupdate\"\nusername = \"alice\"\npassword = \"s3cret\"\n";
    auto mini = client(body, url("miniupdate", "miniupdate"));
    ASSERT_TRUE(mini);
    const auto done = one(*mini, "office.dyn.example.test", ip("192.0.2.31"), ip("2001:db8::31"));
    EXPECT_EQ(done.outcome, OutcomeClass::Updated) << done.detail;
    EXPECT_EQ(served("office.dyn.example.test"), (std::vector<std::string>{"192.0.2.31", "2001:db8::31"}));
    EXPECT_EQ(one(*mini, "bob.dyn.example.test", ip("192.0.2.31")).outcome, OutcomeClass::HostRejected);
    auto wrong = client("protocol = \"miniupdate\"\nusername = \"alice\"\npassword = \"nope\"\n",
                        url("miniupdate", "miniupdate"));
    ASSERT_TRUE(wrong);
    EXPECT_EQ(one(*wrong, "office.dyn.example.test", ip("192.0.2.32")).outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(served("office.dyn.example.test"), (std::vector<std::string>{"192.0.2.31", "2001:db8::31"}));
}

TEST_F(LineProtocolsTest, GnudipOverTcpSetsTheAddressOrThePeers) {
    const std::string body = "protocol = \"gnudip-tcp\"\nusername = \"alice\"\npassword = \"s3cret\"\n";
    auto gnudip = client(body, url("gnudip", "gnudip"), "alice.dyn.example.test");
    ASSERT_TRUE(gnudip);
    EXPECT_EQ(one(*gnudip, "alice.dyn.example.test", ip("192.0.2.41")).outcome, OutcomeClass::Updated);
    EXPECT_EQ(served("alice.dyn.example.test"), std::vector<std::string>{"192.0.2.41"});
    EXPECT_EQ(one(*gnudip, "alice.dyn.example.test", std::nullopt).outcome, OutcomeClass::Updated);
    EXPECT_EQ(served("alice.dyn.example.test"), std::vector<std::string>{"127.0.0.1"});
    auto wrong = client("protocol = \"gnudip-tcp\"\nusername = \"alice\"\npassword = \"nope\"\n", url("gnudip", "gnudip"),
                        "alice.dyn.example.test");
    ASSERT_TRUE(wrong);
    EXPECT_EQ(one(*wrong, "alice.dyn.example.test", ip("192.0.2.42")).outcome, OutcomeClass::AuthFailed);
}

TEST_F(LineProtocolsTest, TheFileClientUpdatesThroughTheServersFileDrop) {
    const auto file = m_dir.path() / "drop" / "bob.addr";
    auto writer = client("protocol = \"file\"\n", "file://" + file.string(), "bob.dyn.example.test");
    ASSERT_TRUE(writer);
    EXPECT_EQ(one(*writer, "bob.dyn.example.test", ip("203.0.113.90"), ip("2001:db8::90")).outcome,
              OutcomeClass::Updated);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (served("bob.dyn.example.test").size() < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(served("bob.dyn.example.test"), (std::vector<std::string>{"203.0.113.90", "2001:db8::90"}));
    EXPECT_EQ(one(*writer, "bob.dyn.example.test", ip("203.0.113.90"), ip("2001:db8::90")).outcome,
              OutcomeClass::Unchanged);
}

}  // namespace line_protocols_test
}  // namespace
}  // namespace qdyn::test
