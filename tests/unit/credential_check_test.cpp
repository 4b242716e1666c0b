// UpdateProtocol::checkCredentials against qdyn-server in-process on loopback: good and bad
// credentials for QDNS (password and token), miniupdate and RFC 2136 (TSIG), each leaving the
// zone exactly as it was (no address published, the SOA serial unchanged); the protocols that
// cannot check (dyndns2, GnuDIP over TCP) send nothing and say why.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "closed_port.hpp"
#include "qdyn/config/profile.hpp"
#include "qdyn/crypto/digest.hpp"
#include "qdyn/dns/transport.hpp"
#include "qdyn/protocols/registry.hpp"
#include "qdyn/protocols/rfc2136.hpp"
#include "qdyn_server/server.hpp"
#include "temp_dir.hpp"
#include "test_values.hpp"

namespace qdyn::test {
namespace {
namespace credential_check_test {

constexpr const char* kAliceKey = "YWxpY2Uta2V5LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";  // base64
constexpr const char* kOtherKey = "b3RoZXIta2V5LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm";

// dyn.example.test; alice (s3cret, token alice-token-1, MD5 verifier, TSIG key alice-key) owns
// home and alice; a key without an account signs nothing.
server::Config checkConfig() {
    server::Config config;
    config.zone.origin = name("dyn.example.test");
    config.zone.nameserver = name("ns1.example.test");
    config.zone.email = "hostmaster@example.test";
    server::Account alice{"alice", "s3cret", {name("home.dyn.example.test"), name("alice.dyn.example.test")}};
    alice.token = "alice-token-1";
    alice.gnudipMd5 = crypto::md5Hex("s3cret").value();
    config.accounts = {alice};
    config.tsigKeys = {server::TsigKeyConfig{name("alice-key"), "hmac-sha256", kAliceKey, "alice"},
                       server::TsigKeyConfig{name("idle-key"), "hmac-sha256", kOtherKey, ""}};
    const server::ListenAddress loopback{ip("127.0.0.1"), 0};
    config.dnsUdp = {loopback};
    config.dnsTcp = {loopback};
    config.qdns = {loopback};
    config.miniupdate = {loopback};
    config.gnudip = {loopback};
    config.throttle = server::ThrottleOptions{0, 600, 900, 0};  // wrong passwords on purpose
    return config;
}

class CredentialCheckTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_server = std::make_unique<server::Server>(checkConfig());
        auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
        m_serial = serial();
    }
    void TearDown() override {
        // Nothing any check did may have changed the zone.
        if (m_server) {
            EXPECT_TRUE(m_server->addressesOf(name("home.dyn.example.test")).empty());
            EXPECT_TRUE(m_server->addressesOf(name("alice.dyn.example.test")).empty());
            EXPECT_EQ(serial(), m_serial);
            m_server->stop();
        }
    }

    [[nodiscard]] std::string url(const std::string& scheme, const std::string& kind) const {
        return scheme + "://127.0.0.1:" + std::to_string(m_server->port(kind));
    }

    [[nodiscard]] std::uint32_t serial() const {
        const dns::ServerAddress server{ip("127.0.0.1"), m_server->port("dns-udp")};
        auto reply = dns::exchange(server, dns::makeQuery(name("dyn.example.test"), dns::rrtype::SOA));
        EXPECT_TRUE(reply) << reply.message();
        if (!reply || reply->answers.empty()) return 0;
        const dns::SoaData* soa = dns::soaOf(reply->answers.front().data);
        return soa != nullptr ? soa->serial : 0;
    }

    // The check of a protocol made from profile text; server and hosts added.
    CredentialCheck check(const std::string& body, const std::string& server,
                          const std::string& host = "home.dyn.example.test", int timeout = 5) {
        const std::string text = "[profile.p]\n" + body + "server = \"" + server + "\"\nhosts = [\"" + host +
                                 "\"]\ntimeout = " + std::to_string(timeout) + "\n";
        auto profiles = config::parseProfiles(text, "test.toml", m_dir.path());
        EXPECT_TRUE(profiles) << profiles.message();
        if (!profiles) return {};
        auto made = makeProtocol(profiles->profiles.at(0));
        EXPECT_TRUE(made) << made.message();
        return made ? (*made)->checkCredentials(host) : CredentialCheck{};
    }

    TempDir m_dir;
    std::unique_ptr<server::Server> m_server;
    std::uint32_t m_serial = 0;
};

using Status = CredentialCheck::Status;

TEST_F(CredentialCheckTest, QdnsLogsInAndQuitsWithPasswordOrToken) {
    const auto good = check("protocol = \"qdns\"\nusername = \"alice\"\npassword = \"s3cret\"\n", url("qdns", "qdns"));
    EXPECT_EQ(good.status, Status::Valid) << good.outcome.detail;
    EXPECT_EQ(good.outcome.code, "200");
    const auto token = check("protocol = \"qdns\"\npassword = \"alice-token-1\"\n", url("qdns", "qdns"));
    EXPECT_EQ(token.status, Status::Valid) << token.outcome.detail;
    const auto wrong = check("protocol = \"qdns\"\nusername = \"alice\"\npassword = \"nope\"\n", url("qdns", "qdns"));
    EXPECT_EQ(wrong.status, Status::Invalid);
    EXPECT_EQ(wrong.outcome.outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(wrong.outcome.code, "401");
    const auto badToken = check("protocol = \"qdns\"\npassword = \"wrong-token\"\n", url("qdns", "qdns"));
    EXPECT_EQ(badToken.status, Status::Invalid);
    EXPECT_EQ(badToken.outcome.outcome, OutcomeClass::AuthFailed);
    ClosedPort closed;
    const auto down = check("protocol = \"qdns\"\npassword = \"alice-token-1\"\n",
                            "qdns://127.0.0.1:" + std::to_string(closed.port()));
    EXPECT_EQ(down.status, Status::Unknown);
    EXPECT_EQ(down.outcome.outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(down.outcome.code, "network");
}

TEST_F(CredentialCheckTest, MiniupdateLogsInWithTheMd5ChallengeAndExits) {
    const std::string server = url("miniupdate", "miniupdate");
    const auto good = check("protocol = \"miniupdate\"\nusername = \"alice\"\npassword = \"s3cret\"\n", server);
    EXPECT_EQ(good.status, Status::Valid) << good.outcome.detail;
    EXPECT_EQ(good.outcome.code, "OK");
    const auto wrong = check("protocol = \"miniupdate\"\nusername = \"alice\"\npassword = \"nope\"\n", server);
    EXPECT_EQ(wrong.status, Status::Invalid) << wrong.outcome.detail;
    EXPECT_EQ(wrong.outcome.outcome, OutcomeClass::AuthFailed);
    const auto stranger = check("protocol = \"miniupdate\"\nusername = \"mallory\"\npassword = \"x\"\n", server);
    EXPECT_EQ(stranger.status, Status::Invalid) << stranger.outcome.detail;
}

TEST_F(CredentialCheckTest, Rfc2136KeyIsProvedByAnUpdateThatCannotChangeAnything) {
    const std::string server = url("dns", "dns-udp");
    const auto good = check("protocol = \"rfc2136\"\nusername = \"alice-key\"\npassword = \"" + std::string(kAliceKey) + "\"\n",
                            server);
    EXPECT_EQ(good.status, Status::Valid) << good.outcome.detail;
    EXPECT_EQ(good.outcome.code, "NXRRSET");
    EXPECT_NE(good.outcome.detail.find("(zone dyn.example.test.)"), std::string::npos) << good.outcome.detail;
    // With the zone given no SOA query is needed first.
    const auto zoned = check("protocol = \"rfc2136\"\nzone = \"dyn.example.test\"\nusername = \"alice-key\"\n"
                             "password = \"" + std::string(kAliceKey) + "\"\n",
                             server);
    EXPECT_EQ(zoned.status, Status::Valid) << zoned.outcome.detail;

    const auto badSecret = check("protocol = \"rfc2136\"\nusername = \"alice-key\"\npassword = \"" +
                                     std::string(kOtherKey) + "\"\n",
                                 server);
    EXPECT_EQ(badSecret.status, Status::Invalid);
    EXPECT_EQ(badSecret.outcome.outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(badSecret.outcome.code, "NOTAUTH/BADSIG");
    const auto unknownKey = check("protocol = \"rfc2136\"\nusername = \"nobody-key\"\npassword = \"" +
                                      std::string(kAliceKey) + "\"\n",
                                  server);
    EXPECT_EQ(unknownKey.status, Status::Invalid);
    EXPECT_EQ(unknownKey.outcome.code, "NOTAUTH/BADKEY");
    // qdyn-server refuses every unsigned UPDATE.
    const auto unsignedCheck = check("protocol = \"rfc2136\"\n", server);
    EXPECT_EQ(unsignedCheck.status, Status::Invalid);
    EXPECT_EQ(unsignedCheck.outcome.code, "REFUSED");
    // The documented limit: permissions are checked after the prerequisites, so a key the
    // server knows but grants nothing still passes.
    const auto idle = check("protocol = \"rfc2136\"\nusername = \"idle-key\"\npassword = \"" + std::string(kOtherKey) +
                                "\"\n",
                            server);
    EXPECT_EQ(idle.status, Status::Valid) << idle.outcome.detail;
}

TEST_F(CredentialCheckTest, Rfc2136WithoutAServerOrAZoneCannotCheck) {
    ClosedPort closed;
    // Nothing answers on a closed UDP port's number either: the zone discovery times out.
    const auto down = check("protocol = \"rfc2136\"\nzone = \"dyn.example.test\"\nusername = \"alice-key\"\n"
                            "password = \"" + std::string(kAliceKey) + "\"\n",
                            "dns://127.0.0.1:" + std::to_string(closed.port()), "home.dyn.example.test", 1);
    EXPECT_EQ(down.status, Status::Unknown) << down.outcome.detail;
    EXPECT_EQ(down.outcome.code, "network");
    const auto outside = check("protocol = \"rfc2136\"\nusername = \"alice-key\"\npassword = \"" +
                                   std::string(kAliceKey) + "\"\n",
                               url("dns", "dns-udp"), "home.elsewhere.test");
    EXPECT_EQ(outside.status, Status::Invalid) << outside.outcome.detail;
    EXPECT_EQ(outside.outcome.outcome, OutcomeClass::HostRejected);
}

TEST_F(CredentialCheckTest, ProtocolsWithoutAHarmlessRequestSendNothing) {
    ClosedPort closed;  // nothing listens: a check that connected would say so
    const auto dyndns2 = check("protocol = \"dyndns2\"\nusername = \"alice\"\npassword = \"s3cret\"\n",
                               "http://127.0.0.1:" + std::to_string(closed.port()));
    EXPECT_EQ(dyndns2.status, Status::NotSupported);
    EXPECT_EQ(dyndns2.reason, "dyndns2 has no request that checks credentials without changing the record");
    const auto gnudip = check("protocol = \"gnudip-tcp\"\nusername = \"alice\"\npassword = \"s3cret\"\n",
                              url("gnudip", "gnudip"), "alice.dyn.example.test");
    EXPECT_EQ(gnudip.status, Status::NotSupported);
    EXPECT_EQ(gnudip.reason.rfind("GnuDIP has no request that checks credentials without changing the record", 0), 0U);
    const auto custom = check("protocol = \"custom\"\nurl = \"/u?h=<domain>\"\n",
                              "http://127.0.0.1:" + std::to_string(closed.port()));
    EXPECT_EQ(custom.status, Status::NotSupported);
    EXPECT_EQ(custom.reason, "custom has no request that checks credentials without changing the record");
}

TEST(CredentialCheckMessageTest, TheProbeIsOnlyAPrerequisite) {
    const dns::Message message =
        rfc2136::buildCredentialCheck(name("dyn.example.test"), name("qdyn-check-1.dyn.example.test"), 7);
    EXPECT_EQ(message.header.opcode, dns::Opcode::Update);
    ASSERT_EQ(message.questions.size(), 1U);
    EXPECT_EQ(message.questions[0].type, dns::rrtype::SOA);
    ASSERT_EQ(message.answers.size(), 1U);  // the prerequisite section
    EXPECT_EQ(message.answers[0], (dns::ResourceRecord{name("qdyn-check-1.dyn.example.test"), dns::rrtype::A,
                                                       dns::rrclass::ANY, 0, dns::RawData{}}));
    EXPECT_TRUE(message.authority.empty());  // no update: nothing can change
    EXPECT_TRUE(message.additional.empty());
    using dns::Rcode;
    EXPECT_EQ(rfc2136::classifyCredentialCheck(Rcode::NxRrset, std::nullopt).status, Status::Valid);
    EXPECT_EQ(rfc2136::classifyCredentialCheck(Rcode::Refused, std::nullopt).status, Status::Invalid);
    EXPECT_EQ(rfc2136::classifyCredentialCheck(Rcode::ServFail, std::nullopt).status, Status::Unknown);
    dns::TsigCheck forged;
    forged.verdict = dns::TsigVerdict::BadMac;  // not provably the server's: neither good nor bad
    EXPECT_EQ(rfc2136::classifyCredentialCheck(Rcode::NxRrset, forged).status, Status::Unknown);
    dns::TsigCheck late;
    late.verdict = dns::TsigVerdict::ServerBadTime;
    const auto skew = rfc2136::classifyCredentialCheck(Rcode::NotAuth, late);
    EXPECT_EQ(skew.status, Status::Unknown);
    EXPECT_EQ(skew.outcome.outcome, OutcomeClass::ClockSkew);
}

}  // namespace credential_check_test
}  // namespace
}  // namespace qdyn::test
