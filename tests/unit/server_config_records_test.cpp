// The newer sections of server.toml: static records, per-host settings, TSIG keys, the store,
// and the DNS cookie and rate-limit options; each with its happy path and its errors.
#include <gtest/gtest.h>

#include <string>

#include "qdyn_server/config.hpp"
#include "test_values.hpp"

namespace {
namespace server_config_records_test {

using qdyn::server::Config;
namespace dns = qdyn::dns;
using qdyn::test::name;

const std::string kBase = R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["192.0.2.53"]

[[account]]
name = "alice"
password = "pw"
hosts = ["home", "mixed"]
)";

std::string errorOf(const std::string& extra) {
    auto config = Config::parse(kBase + extra, "server.toml");
    EXPECT_FALSE(config) << "expected an error for:\n" << extra;
    return config ? std::string() : config.message();
}

Config parse(const std::string& extra) {
    auto config = Config::parse(kBase + extra, "server.toml");
    EXPECT_TRUE(config) << config.message();
    return config ? *config : Config{};
}

TEST(ServerConfigRecords, StaticRecordsOfEveryType) {
    const auto config = parse(R"(
[[record]]
name = "www"
type = "cname"
value = "home"
[[record]]
name = "@"
type = "MX"
value = "10 mail.example.org."
ttl = 3600
[[record]]
name = "mixed"
type = "AAAA"
value = "2001:db8::5"
[[record]]
name = "txt"
type = "TXT"
value = ["a", "b"]
)");
    ASSERT_EQ(config.records.size(), 4U);
    EXPECT_EQ(config.records[0].type, dns::rrtype::CNAME);
    EXPECT_EQ(std::get<dns::NameData>(config.records[0].data).name, name("home.dyn.example.test"));
    EXPECT_EQ(config.records[0].ttl, 60U);  // host_ttl
    EXPECT_EQ(config.records[1].name, name("dyn.example.test"));
    EXPECT_EQ(std::get<dns::MxData>(config.records[1].data).exchange, name("mail.example.org"));
    EXPECT_EQ(config.records[1].ttl, 3600U);
    EXPECT_EQ(std::get<dns::TxtData>(config.records[3].data).strings, (std::vector<std::string>{"a", "b"}));
}

TEST(ServerConfigRecords, LongTxtIsSplitIntoCharacterStrings) {
    const auto config = parse("[[record]]\nname = \"t\"\ntype = \"TXT\"\nvalue = \"" + std::string(300, 'x') + "\"\n");
    const auto& strings = std::get<dns::TxtData>(config.records.at(0).data).strings;
    ASSERT_EQ(strings.size(), 2U);
    EXPECT_EQ(strings[0].size(), 255U);
    EXPECT_EQ(strings[1].size(), 45U);
}

TEST(ServerConfigRecords, RecordErrorsNameTheLine) {
    EXPECT_EQ(errorOf("[[record]]\nname = \"x\"\ntype = \"SRV\"\nvalue = \"1\"\n"),
              "server.toml:12: type 'SRV' is not one of A, AAAA, CNAME, MX, TXT");
    EXPECT_EQ(errorOf("[[record]]\nname = \"x\"\ntype = \"A\"\nvalue = \"2001:db8::1\"\n"),
              "server.toml:13: value: '2001:db8::1' is not an IPv4 address");
    EXPECT_EQ(errorOf("[[record]]\nname = \"x\"\ntype = \"MX\"\nvalue = \"mail\"\n"),
              "server.toml:13: value: an MX value is 'PREFERENCE NAME', e.g. '10 mail'");
    EXPECT_NE(errorOf("[[record]]\nname = \"x\"\ntype = \"CNAME\"\nvalue = \"host.example.org\"\n").find("ending in '.'"),
              std::string::npos);
    EXPECT_NE(errorOf("[[record]]\nname = \"x.other.test.\"\ntype = \"A\"\nvalue = \"192.0.2.1\"\n").find("not inside the zone"),
              std::string::npos);
    EXPECT_NE(errorOf("[[record]]\nname = \"@\"\ntype = \"CNAME\"\nvalue = \"home\"\n").find("apex"), std::string::npos);
    EXPECT_NE(errorOf("[[record]]\nname = \"x\"\ntype = \"A\"\n").find("needs name, type and value"), std::string::npos);
}

TEST(ServerConfigRecords, CnameMustBeAloneAndRRsetsShareATtl) {
    EXPECT_NE(errorOf("[[record]]\nname = \"home\"\ntype = \"CNAME\"\nvalue = \"www.example.org.\"\n")
                  .find("updatable host"),
              std::string::npos);
    EXPECT_NE(errorOf("[[record]]\nname = \"w\"\ntype = \"CNAME\"\nvalue = \"home\"\n"
                      "[[record]]\nname = \"w\"\ntype = \"TXT\"\nvalue = \"x\"\n")
                  .find("must be the only record"),
              std::string::npos);
    EXPECT_NE(errorOf("[[record]]\nname = \"t\"\ntype = \"A\"\nvalue = \"192.0.2.1\"\nttl = 10\n"
                      "[[record]]\nname = \"t\"\ntype = \"A\"\nvalue = \"192.0.2.2\"\nttl = 20\n")
                  .find("same ttl"),
              std::string::npos);
    EXPECT_NE(errorOf("[[record]]\nname = \"t\"\ntype = \"A\"\nvalue = \"192.0.2.1\"\n"
                      "[[record]]\nname = \"t\"\ntype = \"A\"\nvalue = \"192.0.2.1\"\n")
                  .find("defined twice"),
              std::string::npos);
    EXPECT_NE(errorOf("[[record]]\nname = \"ns1\"\ntype = \"A\"\nvalue = \"192.0.2.9\"\n").find("nameserver_addresses"),
              std::string::npos);
}

TEST(ServerConfigRecords, HostSettingsAndDurations) {
    const auto config = parse("[[host]]\nname = \"home\"\nttl = 30\nexpire = \"12h\"\n[[host]]\nname = \"mixed\"\nexpire = \"never\"\n");
    EXPECT_EQ(config.ttlFor(name("home.dyn.example.test")), 30U);
    EXPECT_EQ(config.expireFor(name("home.dyn.example.test")), 43200U);
    EXPECT_EQ(config.expireFor(name("mixed.dyn.example.test")), 0U);
    EXPECT_EQ(config.ttlFor(name("mixed.dyn.example.test")), 60U);
    EXPECT_NE(errorOf("[[host]]\nname = \"nobody\"\n").find("not in the hosts of any [[account]]"), std::string::npos);
    EXPECT_NE(errorOf("[[host]]\nname = \"home\"\nexpire = \"1w\"\n").find("duration"), std::string::npos);
    EXPECT_NE(errorOf("[[host]]\nname = \"home\"\nexpire = \"-1d\"\n").find("duration"), std::string::npos);
}

TEST(ServerConfigRecords, TsigKeysBelongToAccounts) {
    const auto config = parse(
        "[[tsig_key]]\nname = \"alice-key\"\nsecret = \"GR5g4DuMxjC27pD6mZCGfjcbAbDuZOyccRxqAl4tPlE=\"\naccount = \"alice\"\n");
    ASSERT_EQ(config.tsigKeys.size(), 1U);
    EXPECT_EQ(config.tsigKeys[0].algorithm, "hmac-sha256");
    EXPECT_NE(errorOf("[[tsig_key]]\nname = \"k\"\nsecret = \"not base64!\"\naccount = \"alice\"\n").find("secret"),
              std::string::npos);
    EXPECT_NE(errorOf("[[tsig_key]]\nname = \"k\"\nalgorithm = \"hmac-md5\"\nsecret = \"AAAA\"\naccount = \"alice\"\n")
                  .find("not one of hmac-sha1"),
              std::string::npos);
    EXPECT_NE(errorOf("[[tsig_key]]\nname = \"k\"\nsecret = \"AAAA\"\naccount = \"mallory\"\n").find("not defined"),
              std::string::npos);
}

TEST(ServerConfigRecords, StoreCookiesAndRateLimit) {
    const auto config = parse(R"(
[store]
path = "/var/lib/qdyn-server/state.db"
[dns]
cookies = false
cookie_secret = "000102030405060708090a0b0c0d0e0f"
rate_limit = 0
)");
    EXPECT_EQ(config.storePath, "/var/lib/qdyn-server/state.db");
    EXPECT_FALSE(config.dns.cookies.enabled);
    ASSERT_TRUE(config.dns.cookies.secret);
    EXPECT_EQ((*config.dns.cookies.secret)[15], 0x0f);
    EXPECT_FALSE(config.dns.rateLimit.enabled);

    const auto defaults = parse("");
    EXPECT_TRUE(defaults.storePath.empty());
    EXPECT_TRUE(defaults.dns.cookies.enabled);
    EXPECT_TRUE(defaults.dns.rateLimit.enabled);
    EXPECT_EQ(defaults.dns.rateLimit.responsesPerSecond, 20U);

    EXPECT_NE(errorOf("[dns]\ncookie_secret = \"abc\"\n").find("32 hex digits"), std::string::npos);
    EXPECT_NE(errorOf("[dns]\ncookies = 1\n").find("true or false"), std::string::npos);
    EXPECT_NE(errorOf("[dns]\nrate_limit_ipv4_prefix = 33\n").find("between 0 and 32"), std::string::npos);
    EXPECT_NE(errorOf("[store]\npath = \"\"\n").find("must not be empty"), std::string::npos);
}

}  // namespace server_config_records_test
}  // namespace
