// The RFC 2136 client without a server: the exact UPDATE it builds, the server address forms,
// the outcome of every response code and TSIG verdict, and the profile that configures it.
#include "qdyn/protocols/rfc2136.hpp"

#include <gtest/gtest.h>

#include <string>

#include "closed_port.hpp"
#include "qdyn/config/profile.hpp"
#include "qdyn/protocols/registry.hpp"
#include "test_values.hpp"

namespace qdyn::rfc2136 {
namespace {
namespace rfc2136_client_test {

using test::ip;
using test::name;

TEST(Rfc2136BuildTest, OneAtomicMessageReplacesBothFamilies) {
    const dns::Message message = buildUpdate(name("dyn.example.test"), name("home.dyn.example.test"),
                                             ip("203.0.113.7"), ip("2001:db8::7"), 60, 0x4242);
    EXPECT_EQ(message.header.id, 0x4242);
    EXPECT_EQ(message.header.opcode, dns::Opcode::Update);
    EXPECT_FALSE(message.header.qr);
    ASSERT_EQ(message.questions.size(), 1U);  // zone section
    EXPECT_EQ(message.questions[0], (dns::Question{name("dyn.example.test"), dns::rrtype::SOA, dns::rrclass::Internet}));
    EXPECT_TRUE(message.answers.empty());  // no prerequisites
    EXPECT_TRUE(message.additional.empty());
    const std::vector<dns::ResourceRecord> expected{
        {name("home.dyn.example.test"), dns::rrtype::A, dns::rrclass::ANY, 0, dns::RawData{}},
        {name("home.dyn.example.test"), dns::rrtype::A, dns::rrclass::Internet, 60, dns::AData{{203, 0, 113, 7}}},
        {name("home.dyn.example.test"), dns::rrtype::AAAA, dns::rrclass::ANY, 0, dns::RawData{}},
        {name("home.dyn.example.test"), dns::rrtype::AAAA, dns::rrclass::Internet, 60,
         dns::AaaaData{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7}}},
    };
    EXPECT_EQ(message.authority, expected);

    // The delete goes out with RDLENGTH 0 and survives the codec.
    const auto decoded = dns::decodeMessage(dns::encodeMessage(message));
    ASSERT_TRUE(decoded) << decoded.message();
    EXPECT_EQ(decoded->authority, expected);
}

TEST(Rfc2136BuildTest, OnlyTheGivenFamilyIsTouched) {
    const dns::Message v6 = buildUpdate(name("dyn.example.test"), name("home.dyn.example.test"), std::nullopt,
                                        ip("2001:db8::1"), 300, 1);
    ASSERT_EQ(v6.authority.size(), 2U);
    EXPECT_EQ(v6.authority[0].type, dns::rrtype::AAAA);
    EXPECT_EQ(v6.authority[1].ttl, 300U);
}

TEST(Rfc2136ServerTest, AddressForms) {
    const auto plain = parseServer("127.0.0.1");
    ASSERT_TRUE(plain) << plain.message();
    EXPECT_EQ(plain->port, 53);
    EXPECT_EQ(parseServer("dns://127.0.0.1:5353").value().port, 5353);
    EXPECT_EQ(parseServer("127.0.0.1:5353/").value().port, 5353);
    EXPECT_EQ(parseServer("dns://[::1]:5300").value().address, ip("::1"));
    EXPECT_EQ(parseServer("2001:db8::53").value().port, 53);
    EXPECT_EQ(parseServer("[2001:db8::53]").value().address, ip("2001:db8::53"));
    for (const char* bad : {"", "dns://", "ns1.example.test", "https://127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536",
                            "127.0.0.1:", "127.0.0.1:5x", "[::1", "[::1]x"}) {
        EXPECT_FALSE(parseServer(bad)) << bad;
    }
}

TEST(Rfc2136OutcomeTest, EveryRcodeHasItsClass) {
    using dns::Rcode;
    EXPECT_EQ(classifyRcode(Rcode::NoError), OutcomeClass::Updated);
    EXPECT_EQ(classifyRcode(Rcode::Refused), OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyRcode(Rcode::NotAuth), OutcomeClass::AuthFailed);
    EXPECT_EQ(classifyRcode(Rcode::NotZone), OutcomeClass::HostRejected);
    EXPECT_EQ(classifyRcode(Rcode::NxDomain), OutcomeClass::HostRejected);
    EXPECT_EQ(classifyRcode(Rcode::YxDomain), OutcomeClass::HostRejected);
    EXPECT_EQ(classifyRcode(Rcode::YxRrset), OutcomeClass::HostRejected);
    EXPECT_EQ(classifyRcode(Rcode::NxRrset), OutcomeClass::HostRejected);
    EXPECT_EQ(classifyRcode(Rcode::ServFail), OutcomeClass::RetryLater);
    EXPECT_EQ(classifyRcode(Rcode::FormErr), OutcomeClass::Abuse);
    EXPECT_EQ(classifyRcode(Rcode::NotImp), OutcomeClass::Abuse);
    EXPECT_EQ(classifyRcode(static_cast<Rcode>(13)), OutcomeClass::RetryLater);
}

TEST(Rfc2136OutcomeTest, TsigVerdictsComeFirst) {
    auto classOf = [](dns::Rcode rcode, dns::TsigVerdict verdict) {
        dns::TsigCheck check;
        check.verdict = verdict;
        return classifyResponse("home.dyn.example.test", rcode, check);
    };
    EXPECT_EQ(classOf(dns::Rcode::NoError, dns::TsigVerdict::Verified).outcome, OutcomeClass::Updated);
    const HostOutcome badSig = classOf(dns::Rcode::NotAuth, dns::TsigVerdict::ServerBadSig);
    EXPECT_EQ(badSig.outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(badSig.code, "NOTAUTH/BADSIG");
    EXPECT_EQ(classOf(dns::Rcode::NotAuth, dns::TsigVerdict::ServerBadKey).outcome, OutcomeClass::AuthFailed);
    EXPECT_EQ(classOf(dns::Rcode::NotAuth, dns::TsigVerdict::ServerBadTime).outcome, OutcomeClass::ClockSkew);
    EXPECT_EQ(classOf(dns::Rcode::NoError, dns::TsigVerdict::BadTime).outcome, OutcomeClass::ClockSkew);
    // A reply that fails verification is not the server's word: it cannot stop the profile,
    // nor count as a success.
    EXPECT_EQ(classOf(dns::Rcode::NoError, dns::TsigVerdict::BadMac).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classOf(dns::Rcode::Refused, dns::TsigVerdict::Unsigned).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classOf(dns::Rcode::NoError, dns::TsigVerdict::Malformed).outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(classifyResponse("h", dns::Rcode::Refused, std::nullopt).outcome, OutcomeClass::AuthFailed);
}

const char* kProfile = R"([profile.dns]
protocol = "rfc2136"
server = "127.0.0.1"
hosts = ["home.dyn.example.test"]
username = "ddns-key"
password = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE="
zone = "dyn.example.test"
ttl = 120
tsig_algorithm = "hmac-sha512"
)";

TEST(Rfc2136ProfileTest, ABareAddressMeansDnsPort53) {
    const auto set = config::parseProfiles(kProfile, "p.toml");
    ASSERT_TRUE(set) << set.message();
    const config::Profile& profile = set->profiles.at(0);
    EXPECT_EQ(profile.server, "dns://127.0.0.1");
    EXPECT_EQ(profile.ttl, 120U);
    EXPECT_EQ(profile.zone, "dyn.example.test");
    EXPECT_EQ(profile.tsigAlgorithm, "hmac-sha512");
    auto client = makeProtocol(profile);
    ASSERT_TRUE(client) << client.message();
    EXPECT_EQ((*client)->name(), "rfc2136");
    const UpdateRequest request{{"home.dyn.example.test"}, ip("203.0.113.7"), std::nullopt};
    const auto lines = (*client)->describe(request);
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0],
              "DNS UPDATE to 127.0.0.1 port 53, zone dyn.example.test.: delete home.dyn.example.test. A; add "
              "home.dyn.example.test. 120 A 203.0.113.7, TSIG hmac-sha512 key ddns-key.");
    EXPECT_EQ(lines[0].find("cWR5"), std::string::npos);
}

TEST(Rfc2136ProfileTest, BadValuesNameTheLine) {
    const std::string base = "[profile.dns]\nprotocol = \"rfc2136\"\nserver = \"127.0.0.1\"\nhosts = [\"h.example.test\"]\n";
    const std::vector<std::pair<std::string, std::string>> cases{
        {base + "ttl = -1\n", "p.toml:5: ttl must be"},
        {base + "ttl = \"60\"\n", "p.toml:5: ttl must be"},
        {base + "tsig_algorithm = \"hmac-md5\"\n", "p.toml:5: tsig_algorithm must be"},
        {base + "zone = \"a..b\"\n", "p.toml:5: zone must be"},
        {"[profile.dns]\nprotocol = \"rfc2136\"\nserver = \"https://127.0.0.1\"\nhosts = [\"h\"]\n",
         "p.toml:3: server must be a dns:// URL"},
        {base + "username = \"k\"\npassword = \"not base64!\"\n", "not valid base64"},
        {base + "username = \"k\"\n", "needs both username"},
        {"[profile.dns]\nprotocol = \"rfc2136\"\nserver = \"ns1.example.test\"\nhosts = [\"h\"]\n", "must be an IP address"},
    };
    for (const auto& [text, message] : cases) {
        const auto set = config::parseProfiles(text, "p.toml");
        ASSERT_FALSE(set) << text;
        EXPECT_NE(set.message().find(message), std::string::npos) << set.message();
        EXPECT_EQ(set.message().find("not base64!"), std::string::npos) << "secret leaked: " << set.message();
    }
}

TEST(Rfc2136ProfileTest, Dyndns2StillDefaultsToHttps) {
    const auto set = config::parseProfiles(
        "[profile.a]\nprotocol = \"dyndns2\"\nserver = \"ddns.example.test\"\nhosts = [\"h.example.test\"]\n", "p.toml");
    ASSERT_TRUE(set) << set.message();
    EXPECT_EQ(set->profiles[0].server, "https://ddns.example.test");
    EXPECT_NE(findProtocol("rfc2136"), nullptr);
}

TEST(Rfc2136ClientTest, NoAddressAndOutsideTheZoneAreRejectedLocally) {
    Settings settings;
    settings.server = parseServer("127.0.0.1:9").value();
    settings.zone = name("dyn.example.test");
    Client client(std::move(settings));
    const auto none = client.update(UpdateRequest{{"home.dyn.example.test"}, std::nullopt, std::nullopt});
    ASSERT_EQ(none.size(), 1U);
    EXPECT_EQ(none[0].outcome, OutcomeClass::HostRejected);
    const auto outside = client.update(UpdateRequest{{"home.example.org", "bad..name"}, ip("203.0.113.7"), std::nullopt});
    ASSERT_EQ(outside.size(), 2U);
    EXPECT_EQ(outside[0].outcome, OutcomeClass::HostRejected);
    EXPECT_EQ(outside[0].code, "NOTZONE");
    EXPECT_EQ(outside[1].code, "notfqdn");
}

TEST(Rfc2136ClientTest, NoAnswerIsRetryLater) {
    test::ClosedPort closed;  // nothing answers on this loopback port, over UDP or TCP
    Settings settings;
    settings.server = dns::ServerAddress{ip("127.0.0.1"), closed.port()};
    settings.zone = name("dyn.example.test");
    settings.key = dns::TsigKey::make("ddns-key", dns::TsigAlgorithm::HmacSha256,
                                      "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=")
                       .value();
    settings.timeout = std::chrono::milliseconds(100);
    Client client(std::move(settings));
    const auto outcomes = client.update(UpdateRequest{{"home.dyn.example.test"}, ip("203.0.113.7"), std::nullopt});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::RetryLater);
    EXPECT_EQ(outcomes[0].code, "network");

    // Zone discovery against a silent server is a transport failure too, not a rejected host.
    Settings discover;
    discover.server = dns::ServerAddress{ip("127.0.0.1"), closed.port()};
    discover.timeout = std::chrono::milliseconds(100);
    Client discovering(std::move(discover));
    const auto found = discovering.update(UpdateRequest{{"home.dyn.example.test"}, ip("203.0.113.7"), std::nullopt});
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].outcome, OutcomeClass::RetryLater);
}

}  // namespace rfc2136_client_test
}  // namespace
}  // namespace qdyn::rfc2136
