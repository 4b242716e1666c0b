// [[secondary]], transfer-only [[tsig_key]]s and [dns] ixfr_journal in server.toml: defaults,
// and every mistake named with its file and line.
#include <gtest/gtest.h>
#include <string>

#include "qdyn_server/config.hpp"
#include "test_values.hpp"

namespace {
namespace server_config_secondary_test {

using namespace qdyn::server;
using qdyn::test::ip;
using qdyn::test::name;

const std::string kBase = R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"

[[tsig_key]]
name = "xfr-key"
secret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE="
)";

std::string errorOf(const std::string& toml) {
    auto config = Config::parse(toml, "server.toml");
    return config ? std::string("parsed") : config.message();
}

TEST(ServerConfigSecondaryTest, ReadsSecondariesWithTheirPortAndKey) {
    const auto config = Config::parse(kBase + R"(
[dns]
ixfr_journal = 50

[[secondary]]
address = "192.0.2.10"
port = 5300
tsig_key = "xfr-key"

[[secondary]]
address = "2001:db8::53"
)",
                                      "server.toml");
    ASSERT_TRUE(config) << config.message();
    ASSERT_EQ(config->secondaries.size(), 2U);
    EXPECT_EQ(config->secondaries[0].address, ip("192.0.2.10"));
    EXPECT_EQ(config->secondaries[0].port, 5300);
    EXPECT_EQ(config->secondaries[0].tsigKey, name("xfr-key"));
    EXPECT_EQ(config->secondaries[1].port, 53) << "NOTIFY goes to port 53 by default";
    EXPECT_FALSE(config->secondaries[1].tsigKey);
    EXPECT_EQ(config->dns.ixfrJournal, 50U);
    EXPECT_TRUE(config->tsigKeys[0].account.empty()) << "a transfer-only key has no account";
}

TEST(ServerConfigSecondaryTest, DefaultsToNoSecondaryAndAThousandJournalSteps) {
    const auto config =
        Config::parse(kBase + "\n[[secondary]]\naddress = \"192.0.2.10\"\ntsig_key = \"xfr-key\"\n", "server.toml");
    ASSERT_TRUE(config) << config.message();
    EXPECT_EQ(config->dns.ixfrJournal, 1000U);
}

TEST(ServerConfigSecondaryTest, NamesEveryMistakeWithItsLine) {
    const std::string secondary = kBase + "\n[[secondary]]\n";  // the table starts on line 9
    EXPECT_EQ(errorOf(secondary + "port = 53\n"), "server.toml:9: [[secondary]] needs address (its IP address)");
    EXPECT_EQ(errorOf(secondary + "address = \"ns2.example.test\"\ntsig_key = \"xfr-key\"\n"),
              "server.toml:10: address 'ns2.example.test' is not an IP address");
    EXPECT_NE(
        errorOf(secondary + "address = \"192.0.2.10\"\nport = 0\ntsig_key = \"xfr-key\"\n").find("server.toml:11:"),
        std::string::npos);
    EXPECT_EQ(errorOf(secondary + "address = \"192.0.2.10\"\ntsig_key = \"other-key\"\n"),
              "server.toml:11: tsig_key 'other-key.' is not defined by a [[tsig_key]]");
    EXPECT_NE(errorOf(secondary + "address = \"192.0.2.10\"\nnotify = true\ntsig_key = \"xfr-key\"\n").find("notify"),
              std::string::npos);
    const std::string twice = secondary + "address = \"192.0.2.10\"\ntsig_key = \"xfr-key\"\n" +
                              "\n[[secondary]]\naddress = \"192.0.2.10\"\n";
    EXPECT_EQ(errorOf(twice), "server.toml:14: [[secondary]] 192.0.2.10 port 53 is listed twice");
    EXPECT_NE(errorOf(kBase + "\n[dns]\nixfr_journal = -1\n").find("ixfr_journal"), std::string::npos);
}

TEST(ServerConfigSecondaryTest, AKeyWithoutAccountMustServeASecondary) {
    EXPECT_EQ(errorOf(kBase),
              "server.toml:5: [[tsig_key]] 'xfr-key.' has no account and neither a [[secondary]] nor [forward] "
              "names it, so it signs nothing");
}

}  // namespace server_config_secondary_test
}  // namespace
