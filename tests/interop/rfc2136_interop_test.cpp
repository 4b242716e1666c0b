// Interop of qdyn's RFC 2136 client with real primaries: BIND 9.18 (`named -g`) and Knot 3.2
// (`knotd`), each in a temporary directory on a free loopback port with a fresh zone
// dyn.example.test and an hmac-sha256 key, stopped by its PID. The records are read back with
// dig (BIND) and kdig (Knot), never with qdyn's own decoder.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "bind_primary.hpp"
#include "peer_programs.hpp"
#include "process.hpp"
#include "qdyn/dns/transport.hpp"
#include "qdyn/protocols/rfc2136.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace rfc2136_interop_test {

constexpr const char* kZone = "dyn.example.test";
constexpr const char* kHost = "home.dyn.example.test";
constexpr const char* kKeyName = "ddns-key";
// A fixed test key (32 octets): the servers are private to the test and live seconds.
constexpr const char* kSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";
constexpr const char* kWrongSecret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

const char* kZoneFile =
    "$TTL 60\n"
    "@    IN SOA ns1.dyn.example.test. hostmaster.example.test. 1 600 300 604800 60\n"
    "@    IN NS  ns1.dyn.example.test.\n"
    "ns1  IN A   127.0.0.1\n";

enum class Peer { Bind, Knot };

std::string peerName(const ::testing::TestParamInfo<Peer>& info) { return info.param == Peer::Bind ? "Bind" : "Knot"; }

class Rfc2136InteropTest : public ::testing::TestWithParam<Peer> {
protected:
    void SetUp() override {
        m_port = freeLoopbackPort();
        ASSERT_NE(m_port, 0) << "no free loopback port";
        if (GetParam() == Peer::Bind) {
            startBind();
        } else {
            startKnot();
        }
        if (HasFatalFailure()) return;
        waitUntilServing();
    }

    void TearDown() override {
        if (m_server.pid() > 0) m_server.stop();
    }

    void startBind() {
        m_reader = programPath("dig");
        if (m_reader.empty()) GTEST_FAIL() << "dig is not installed (package bind9-dnsutils)";
        ASSERT_TRUE(startBindPrimary(m_server, m_dir, BindPrimary{kZone, kZoneFile, kKeyName, kSecret, m_port}));
    }

    void startKnot() {
        const std::string knotd = programPath("knotd");
        if (knotd.empty()) GTEST_FAIL() << "knotd is not installed (package knot)";
        m_reader = programPath("kdig");
        if (m_reader.empty()) GTEST_FAIL() << "kdig is not installed (package knot-dnsutils)";
        const std::string dir = m_dir.path().string();
        std::filesystem::create_directories(m_dir.path() / "run");
        std::filesystem::create_directories(m_dir.path() / "db");
        std::filesystem::create_directories(m_dir.path() / "zones");
        m_dir.write("zones/dyn.example.test.zone", kZoneFile);
        const auto config = m_dir.write(
            "knot.conf", "server:\n  rundir: " + dir + "/run\n  listen: 127.0.0.1@" + std::to_string(m_port) +
                             "\nlog:\n  - target: stderr\n    any: info\n"
                             "database:\n  storage: " + dir + "/db\n"
                             "key:\n  - id: " + kKeyName + "\n    algorithm: hmac-sha256\n    secret: " + kSecret +
                             "\nacl:\n  - id: update_acl\n    key: " + kKeyName + "\n    action: update\n"
                             "template:\n  - id: default\n    storage: " + dir + "/zones\n"
                             "zone:\n  - domain: dyn.example.test\n    file: dyn.example.test.zone\n    acl: update_acl\n");
        ASSERT_TRUE(m_server.start({knotd, "-c", config.string()}));
    }

    void waitUntilServing() { ASSERT_TRUE(waitForZone(m_port, kZone)); }

    // What dig/kdig see: the sorted +short lines for a type.
    std::string read(const std::string& type) {
        // dig and kdig spell the retry option differently.
        const char* retries = GetParam() == Peer::Bind ? "+tries=2" : "+retry=1";
        const auto result = runProcess({m_reader, "@127.0.0.1", "-p", std::to_string(m_port), kHost, type, "+short",
                                        "+norecurse", "+time=2", retries});
        EXPECT_EQ(result.exitCode, 0) << result.out << result.err;
        return result.out;
    }

    std::unique_ptr<UpdateProtocol> client(const char* secret, bool withZone, bool signedUpdates = true) {
        rfc2136::Settings settings;
        settings.server = dns::ServerAddress{IpAddress::parse("127.0.0.1").value(), m_port};
        if (withZone) settings.zone = dns::Name::parse(kZone).value();
        if (signedUpdates) settings.key = dns::TsigKey::make(kKeyName, dns::TsigAlgorithm::HmacSha256, secret).value();
        settings.timeout = std::chrono::milliseconds(2000);
        return std::make_unique<rfc2136::Client>(std::move(settings));
    }

    static HostOutcome updateOnce(UpdateProtocol& protocol, const char* v4, const char* v6) {
        UpdateRequest request;
        request.hosts = {kHost};
        if (v4 != nullptr) request.ipv4 = IpAddress::parse(v4);
        if (v6 != nullptr) request.ipv6 = IpAddress::parse(v6);
        auto outcomes = protocol.update(request);
        EXPECT_EQ(outcomes.size(), 1U);
        return outcomes.empty() ? HostOutcome{} : outcomes[0];
    }

    TempDir m_dir;
    BackgroundProcess m_server;
    std::uint16_t m_port = 0;
    std::string m_reader;
};

TEST_P(Rfc2136InteropTest, ReplacesAAndAaaaAtomically) {
    EXPECT_EQ(read("A"), "");
    auto protocol = client(kSecret, true);
    const HostOutcome first = updateOnce(*protocol, "203.0.113.7", "2001:db8::7");
    ASSERT_EQ(first.outcome, OutcomeClass::Updated) << first.code << ": " << first.detail;
    EXPECT_EQ(read("A"), "203.0.113.7\n");
    EXPECT_EQ(read("AAAA"), "2001:db8::7\n");

    // A second update replaces the RRsets rather than adding to them.
    const HostOutcome second = updateOnce(*protocol, "203.0.113.8", "2001:db8::8");
    ASSERT_EQ(second.outcome, OutcomeClass::Updated) << second.code << ": " << second.detail;
    EXPECT_EQ(read("A"), "203.0.113.8\n");
    EXPECT_EQ(read("AAAA"), "2001:db8::8\n");
}

TEST_P(Rfc2136InteropTest, WrongSecretIsAuthFailedAndChangesNothing) {
    auto good = client(kSecret, true);
    ASSERT_EQ(updateOnce(*good, "203.0.113.7", nullptr).outcome, OutcomeClass::Updated);
    auto wrong = client(kWrongSecret, true);
    const HostOutcome denied = updateOnce(*wrong, "203.0.113.99", nullptr);
    EXPECT_EQ(denied.outcome, OutcomeClass::AuthFailed) << denied.code << ": " << denied.detail;
    EXPECT_EQ(denied.code, "NOTAUTH/BADSIG");
    EXPECT_EQ(read("A"), "203.0.113.7\n");
}

TEST_P(Rfc2136InteropTest, UnsignedUpdateIsDenied) {
    auto unsignedClient = client(kSecret, true, false);
    const HostOutcome denied = updateOnce(*unsignedClient, "203.0.113.99", nullptr);
    EXPECT_EQ(denied.outcome, OutcomeClass::AuthFailed) << denied.code << ": " << denied.detail;
    // BIND refuses by policy; Knot's ACL answers NOTAUTH. Both mean: not allowed.
    EXPECT_EQ(denied.code, GetParam() == Peer::Bind ? "REFUSED" : "NOTAUTH");
    EXPECT_EQ(read("A"), "");
}

TEST_P(Rfc2136InteropTest, TcpTransportAndSignedUpdateOverTcp) {
    const dns::ServerAddress server{IpAddress::parse("127.0.0.1").value(), m_port};
    const dns::Name zone = dns::Name::parse(kZone).value();
    auto soa = dns::exchangeTcp(server, dns::makeQuery(zone, dns::rrtype::SOA));
    ASSERT_TRUE(soa) << soa.message();
    ASSERT_EQ(soa->answers.size(), 1U);
    EXPECT_EQ(soa->answers[0].type, dns::rrtype::SOA);

    // A signed UPDATE over TCP, its signed answer verified.
    const dns::TsigKey key = dns::TsigKey::make(kKeyName, dns::TsigAlgorithm::HmacSha256, kSecret).value();
    const dns::Message update = rfc2136::buildUpdate(zone, dns::Name::parse(kHost).value(),
                                                     IpAddress::parse("203.0.113.77"), std::nullopt, 60, 0x5151);
    const dns::SignedRequest request = dns::signRequest(update, key, dns::tsigNow()).value();
    auto reply = dns::exchangeTcpWire(server, request.message, request.wire);
    ASSERT_TRUE(reply) << reply.message();
    EXPECT_EQ(reply->message.header.rcode, dns::Rcode::NoError);
    const dns::TsigCheck check = dns::verifyResponse(reply->wire, request, key, dns::tsigNow());
    EXPECT_EQ(check.verdict, dns::TsigVerdict::Verified) << check.detail;
    EXPECT_EQ(read("A"), "203.0.113.77\n");
}

TEST_P(Rfc2136InteropTest, FindsTheZoneBySoaQueries) {
    auto protocol = client(kSecret, false);
    const HostOutcome outcome = updateOnce(*protocol, "203.0.113.5", "2001:db8::5");
    ASSERT_EQ(outcome.outcome, OutcomeClass::Updated) << outcome.code << ": " << outcome.detail;
    EXPECT_EQ(read("A"), "203.0.113.5\n");
    EXPECT_EQ(read("AAAA"), "2001:db8::5\n");
    auto* rfc = dynamic_cast<rfc2136::Client*>(protocol.get());
    ASSERT_NE(rfc, nullptr);
    const auto zone = rfc->findZone(dns::Name::parse("deep.below.home.dyn.example.test").value());
    ASSERT_TRUE(zone) << zone.message();
    EXPECT_EQ(zone->toString(), "dyn.example.test.");
    EXPECT_FALSE(rfc->findZone(dns::Name::parse("home.example.org").value()));
}

TEST_P(Rfc2136InteropTest, CliUpdatesWithAnRfc2136Profile) {
    const std::string profile = std::string("[profile.dns]\nprotocol = \"rfc2136\"\nserver = \"127.0.0.1:") +
                                std::to_string(m_port) + "\"\nhosts = [\"" + kHost + "\"]\nusername = \"" + kKeyName +
                                "\"\npassword_file = \"key.secret\"\ntimeout = 3\n";
    m_dir.write("key.secret", std::string(kSecret) + "\n");
    const auto path = m_dir.write("profiles.toml", profile);
    const auto run = runProcess({QDYN_CLI_PATH, "update", "--config", path.string(), "--state-dir",
                                 (m_dir.path() / "state").string(), "--address", "203.0.113.42", "--address",
                                 "2001:db8::42"});
    ASSERT_EQ(run.exitCode, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("[dns] home.dyn.example.test: updated (NOERROR 203.0.113.42,2001:db8::42)"),
              std::string::npos)
        << run.out;
    EXPECT_EQ(run.out.find(kSecret), std::string::npos);
    EXPECT_EQ(run.err.find(kSecret), std::string::npos);
    EXPECT_EQ(read("A"), "203.0.113.42\n");
    EXPECT_EQ(read("AAAA"), "2001:db8::42\n");

    // A wrong key through the CLI: exit code 4 (authentication failed), nothing changes.
    m_dir.write("key.secret", std::string(kWrongSecret) + "\n");
    const auto denied = runProcess({QDYN_CLI_PATH, "update", "--config", path.string(), "--state-dir",
                                    (m_dir.path() / "state2").string(), "--address", "203.0.113.43"});
    EXPECT_EQ(denied.exitCode, 4) << denied.out << denied.err;
    EXPECT_EQ(read("A"), "203.0.113.42\n");
}

INSTANTIATE_TEST_SUITE_P(Peers, Rfc2136InteropTest, ::testing::Values(Peer::Bind, Peer::Knot), peerName);

}  // namespace rfc2136_interop_test
}  // namespace
}  // namespace qdyn::test
