// Every HTTP update protocol pair in-process: qdyn's client (built from a profile, as `qdyn
// update` builds it) against qdyn-server's API for it, over HTTP and over HTTPS with a
// certificate made at test time, each outcome class the server can produce read back from the
// client and the result read back over DNS.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "qdyn/config/profile.hpp"
#include "qdyn/protocols/registry.hpp"
#include "server_fixture.hpp"
#include "temp_dir.hpp"
#include "test_certificate.hpp"
#include "test_values.hpp"

namespace qdyn::test {
namespace {
namespace http_protocols_test {

enum class Scheme { Http, Https };

class HttpProtocolsTest : public ::testing::TestWithParam<Scheme> {
protected:
    void SetUp() override {
        m_cert = makeTestCertificate(m_dir.path());
        auto config = demoServerConfig();
        config.dnsTcp.clear();
        config.https = {server::ListenAddress{ip("127.0.0.1"), 0}};
        config.httpOptions.tlsCertificate = m_cert.certificate;
        config.httpOptions.tlsKey = m_cert.key;
        config.httpOptions.nanodnsdPrefixes = {"/dns"};
        config.throttle = server::ThrottleOptions{3, 600, 900, 0};
        for (auto& account : config.accounts) {
            if (account.name == "alice") {
                account.token = "alice-token-1";
                account.hosts.push_back(name("alice.dyn.example.test"));  // GnuDIP updates user.domain
            }
        }
        m_server = std::make_unique<server::Server>(config);
        auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
    }
    void TearDown() override {
        if (m_server) m_server->stop();
    }

    [[nodiscard]] std::string base() const {
        return GetParam() == Scheme::Https ? "https://127.0.0.1:" + std::to_string(m_server->port("https"))
                                           : "http://127.0.0.1:" + std::to_string(m_server->port("http"));
    }

    // A client from profile text (everything but server, hosts and TLS, which are added).
    std::unique_ptr<UpdateProtocol> client(const std::string& body, const std::string& host = "home.dyn.example.test") {
        std::string text = "[profile.p]\n" + body + "hosts = [\"" + host + "\"]\ntimeout = 5\n";
        if (body.find("url =") == std::string::npos) text += "server = \"" + base() + "\"\n";
        if (GetParam() == Scheme::Https) text += "ca_file = \"" + m_cert.certificate.string() + "\"\n";
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

    [[nodiscard]] std::vector<IpAddress> served(const std::string& host, std::uint16_t type = dns::rrtype::A) const {
        const auto all = m_server->addressesOf(name(host));
        std::vector<IpAddress> out;
        for (const auto& address : all) {
            if ((type == dns::rrtype::A) == address.isV4()) out.push_back(address);
        }
        return out;
    }

    TempDir m_dir;
    TestCertificate m_cert;
    std::unique_ptr<server::Server> m_server;
};

#define EXPECT_OUTCOME(result, expected) \
    do {                                     \
        const auto got_ = (result);          \
        EXPECT_EQ(got_.outcome, (expected)) << got_.code << ": " << got_.detail; \
    } while (false)

TEST_P(HttpProtocolsTest, Dyndns2) {
    auto alice = client("protocol = \"dyndns2\"\nusername = \"alice\"\npassword = \"s3cret\"\n");
    ASSERT_TRUE(alice);
    EXPECT_OUTCOME(one(*alice, "home.dyn.example.test", ip("203.0.113.1"), ip("2001:db8::1")), OutcomeClass::Updated);
    EXPECT_EQ(served("home.dyn.example.test"), std::vector{ip("203.0.113.1")});
    EXPECT_EQ(served("home.dyn.example.test", dns::rrtype::AAAA), std::vector{ip("2001:db8::1")});
    EXPECT_OUTCOME(one(*alice, "home.dyn.example.test", ip("203.0.113.1"), ip("2001:db8::1")), OutcomeClass::Unchanged);
    EXPECT_OUTCOME(one(*alice, "office.dyn.example.test", ip("203.0.113.1")), OutcomeClass::HostRejected);

    auto wrong = client("protocol = \"dyndns2\"\nusername = \"alice\"\npassword = \"nope\"\n");
    for (int i = 0; i < 3; ++i) EXPECT_OUTCOME(one(*wrong, "home.dyn.example.test", ip("203.0.113.9")), OutcomeClass::AuthFailed);
    // Three failures from this source: blocked, even with the right password.
    EXPECT_OUTCOME(one(*alice, "home.dyn.example.test", ip("203.0.113.9")), OutcomeClass::Abuse);
    EXPECT_EQ(served("home.dyn.example.test"), std::vector{ip("203.0.113.1")});
}

TEST_P(HttpProtocolsTest, Nanodnsd) {
    auto token = client("protocol = \"nanodnsd\"\npassword = \"alice-token-1\"\n");
    ASSERT_TRUE(token);
    EXPECT_OUTCOME(one(*token, "home.dyn.example.test", ip("198.51.100.2"), ip("2001:db8::2")), OutcomeClass::Updated);
    EXPECT_EQ(served("home.dyn.example.test"), std::vector{ip("198.51.100.2")});
    // The Fritz!Box case: only IPv4 now; nanodnsd drops the AAAA.
    EXPECT_OUTCOME(one(*token, "home.dyn.example.test", ip("198.51.100.3")), OutcomeClass::Updated);
    EXPECT_TRUE(served("home.dyn.example.test", dns::rrtype::AAAA).empty());
    // Under the prefix a proxy adds.
    auto prefixed = client("protocol = \"nanodnsd\"\npath = \"/dns/api/update\"\npassword = \"alice-token-1\"\n");
    EXPECT_OUTCOME(one(*prefixed, "home.dyn.example.test", ip("198.51.100.4")), OutcomeClass::Updated);
    EXPECT_EQ(served("home.dyn.example.test"), std::vector{ip("198.51.100.4")});
    // bob's host with alice's token, and a wrong token: both "forbidden", and nothing changes.
    const auto foreign = one(*token, "office.dyn.example.test", ip("198.51.100.5"));
    EXPECT_FALSE(isSuccess(foreign.outcome)) << foreign.code;
    EXPECT_TRUE(isStopping(foreign.outcome)) << foreign.code;
    auto wrong = client("protocol = \"nanodnsd\"\npassword = \"not-the-token\"\n");
    const auto refused = one(*wrong, "home.dyn.example.test", ip("198.51.100.6"));
    EXPECT_TRUE(isStopping(refused.outcome)) << refused.code;
    EXPECT_EQ(served("home.dyn.example.test"), std::vector{ip("198.51.100.4")});
    EXPECT_TRUE(served("office.dyn.example.test").empty());
    // Two more wrong tokens make three from this source: throttled (429), so retry later.
    (void)one(*wrong, "home.dyn.example.test", ip("198.51.100.6"));
    const auto throttled = one(*token, "home.dyn.example.test", ip("198.51.100.7"));
    EXPECT_OUTCOME(throttled, OutcomeClass::RetryLater);
    EXPECT_NE(throttled.detail.find("Retry-After"), std::string::npos) << throttled.detail;
}

TEST_P(HttpProtocolsTest, Minidns) {
    auto alice = client("protocol = \"minidns\"\nusername = \"alice\"\npassword = \"s3cret\"\n");
    ASSERT_TRUE(alice);
    const auto updated = one(*alice, "home.dyn.example.test", ip("192.0.2.3"), ip("2001:db8::3"));
    EXPECT_OUTCOME(updated, OutcomeClass::Updated);
    EXPECT_EQ(served("home.dyn.example.test"), std::vector{ip("192.0.2.3")});
    EXPECT_EQ(served("home.dyn.example.test", dns::rrtype::AAAA), std::vector{ip("2001:db8::3")});
    // Without an address the server takes the connecting one.
    EXPECT_OUTCOME(one(*alice, "home.dyn.example.test", std::nullopt), OutcomeClass::Updated);
    EXPECT_EQ(served("home.dyn.example.test"), std::vector{ip("127.0.0.1")});
    auto wrong = client("protocol = \"minidns\"\nusername = \"alice\"\npassword = \"nope\"\n");
    EXPECT_OUTCOME(one(*wrong, "home.dyn.example.test", ip("192.0.2.4")), OutcomeClass::AuthFailed);
    EXPECT_OUTCOME(one(*alice, "office.dyn.example.test", ip("192.0.2.4")), OutcomeClass::AuthFailed);
    EXPECT_EQ(served("home.dyn.example.test"), std::vector{ip("127.0.0.1")});
}

TEST_P(HttpProtocolsTest, Dynonym) {
    auto alice = client("protocol = \"dynonym\"\nusername = \"alice\"\npassword = \"s3cret\"\n");
    ASSERT_TRUE(alice);
    EXPECT_OUTCOME(one(*alice, "nas.dyn.example.test", ip("192.0.2.5"), ip("2001:db8::5")), OutcomeClass::Updated);
    EXPECT_EQ(served("nas.dyn.example.test"), std::vector{ip("192.0.2.5")});
    EXPECT_EQ(served("nas.dyn.example.test", dns::rrtype::AAAA), std::vector{ip("2001:db8::5")});
    EXPECT_OUTCOME(one(*alice, "office.dyn.example.test", ip("192.0.2.6")), OutcomeClass::HostRejected);
    auto wrong = client("protocol = \"dynonym\"\nusername = \"alice\"\npassword = \"nope\"\n");
    EXPECT_OUTCOME(one(*wrong, "nas.dyn.example.test", ip("192.0.2.6")), OutcomeClass::AuthFailed);
    EXPECT_EQ(served("nas.dyn.example.test"), std::vector{ip("192.0.2.5")});
    EXPECT_TRUE(served("office.dyn.example.test").empty());
}

TEST_P(HttpProtocolsTest, Gnudip) {
    auto alice = client("protocol = \"gnudip\"\nusername = \"alice\"\npassword = \"s3cret\"\n", "alice.dyn.example.test");
    ASSERT_TRUE(alice);
    EXPECT_OUTCOME(one(*alice, "alice.dyn.example.test", ip("198.51.100.8")), OutcomeClass::Updated);
    EXPECT_EQ(served("alice.dyn.example.test"), std::vector{ip("198.51.100.8")});
    // No address: reqc=2, the server publishes the connecting one and says which.
    const auto connecting = one(*alice, "alice.dyn.example.test", std::nullopt);
    EXPECT_OUTCOME(connecting, OutcomeClass::Updated);
    EXPECT_EQ(served("alice.dyn.example.test"), std::vector{ip("127.0.0.1")});
    auto wrong = client("protocol = \"gnudip\"\nusername = \"alice\"\npassword = \"nope\"\n", "alice.dyn.example.test");
    EXPECT_OUTCOME(one(*wrong, "alice.dyn.example.test", ip("198.51.100.9")), OutcomeClass::AuthFailed);
    EXPECT_EQ(served("alice.dyn.example.test"), std::vector{ip("127.0.0.1")});
}

TEST_P(HttpProtocolsTest, CustomTemplatesWithFritzboxAndInadynPlaceholders) {
    const std::string root = base();
    auto fritz = client("protocol = \"custom\"\nurl = \"" + root +
                        "/dns/api/update?hostname=<domain>&ipv4=<ipaddr>&ipv6=<ip6addr>&token=<pass>\"\n"
                        "username = \"ignored\"\npassword = \"alice-token-1\"\nsuccess = [\"ok\"]\n"
                        "failure = { forbidden = \"auth-failed\" }\n");
    ASSERT_TRUE(fritz);
    EXPECT_OUTCOME(one(*fritz, "home.dyn.example.test", ip("203.0.113.20"), ip("2001:db8::20")), OutcomeClass::Updated);
    EXPECT_EQ(served("home.dyn.example.test"), std::vector{ip("203.0.113.20")});
    EXPECT_EQ(served("home.dyn.example.test", dns::rrtype::AAAA), std::vector{ip("2001:db8::20")});

    auto inadyn = client("protocol = \"custom\"\nurl = \"" + root + "/nic/update?hostname=%h&myip=%i\"\n"
                         "username = \"alice\"\npassword = \"s3cret\"\nsuccess = [\"good\"]\nunchanged = [\"nochg\"]\n"
                         "failure = { badauth = \"auth-failed\", nohost = \"host-rejected\" }\n");
    ASSERT_TRUE(inadyn);
    EXPECT_OUTCOME(one(*inadyn, "nas.dyn.example.test", ip("203.0.113.21")), OutcomeClass::Updated);
    EXPECT_OUTCOME(one(*inadyn, "nas.dyn.example.test", ip("203.0.113.21")), OutcomeClass::Unchanged);
    EXPECT_OUTCOME(one(*inadyn, "office.dyn.example.test", ip("203.0.113.21")), OutcomeClass::HostRejected);
    EXPECT_EQ(served("nas.dyn.example.test"), std::vector{ip("203.0.113.21")});
}

INSTANTIATE_TEST_SUITE_P(Schemes, HttpProtocolsTest, ::testing::Values(Scheme::Http, Scheme::Https),
                         [](const auto& scheme) { return scheme.param == Scheme::Https ? "Https" : "Http"; });

}  // namespace http_protocols_test
}  // namespace
}  // namespace qdyn::test
