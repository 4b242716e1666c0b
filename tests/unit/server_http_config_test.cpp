// The HTTP APIs' part of server.toml: [listen] https with [http] TLS files, nanodnsd prefixes,
// the GnuDIP salt lifetime, [throttle], and the account secrets beside the password (tokens and
// gnudip_md5).
#include <gtest/gtest.h>

#include <string>

#include "qdyn_server/config.hpp"

namespace {
namespace server_http_config_test {

using qdyn::server::Config;

const std::string kBase = R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.example.test"
)";

constexpr const char* kHash =
    "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU";

qdyn::Result<Config> parse(const std::string& rest) { return Config::parse(kBase + rest, "/etc/qdyn/server.toml"); }

testing::AssertionResult failsWith(const qdyn::Result<Config>& parsed, const std::string& needle) {
    if (parsed) return testing::AssertionFailure() << "parsed, expected an error with: " << needle;
    if (parsed.message().find(needle) == std::string::npos) {
        return testing::AssertionFailure() << "error \"" << parsed.message() << "\" lacks \"" << needle << "\"";
    }
    return testing::AssertionSuccess();
}

TEST(ServerHttpConfig, DefaultsWithoutTheSections) {
    const auto config = parse("").value();
    EXPECT_TRUE(config.https.empty());
    EXPECT_TRUE(config.httpOptions.nanodnsdPrefixes.empty());
    EXPECT_EQ(config.httpOptions.gnudipSaltLifetime, 60U);
    EXPECT_EQ(config.throttle, (qdyn::server::ThrottleOptions{5, 600, 900, 30}));
}

TEST(ServerHttpConfig, HttpsWithRelativeTlsFilesBesideTheConfig) {
    const auto config = parse(R"([listen]
https = ["127.0.0.1:8443", "[::1]:8443"]
[http]
tls_certificate = "tls/cert.pem"
tls_key = "/etc/ssl/private/qdyn.key"
nanodnsd_prefixes = ["/dns", "/a/b"]
gnudip_salt_lifetime = "2m"
)")
                            .value();
    ASSERT_EQ(config.https.size(), 2U);
    EXPECT_EQ(config.https[1].port, 8443);
    EXPECT_EQ(config.httpOptions.tlsCertificate, "/etc/qdyn/tls/cert.pem");
    EXPECT_EQ(config.httpOptions.tlsKey, "/etc/ssl/private/qdyn.key");
    EXPECT_EQ(config.httpOptions.nanodnsdPrefixes, (std::vector<std::string>{"/dns", "/a/b"}));
    EXPECT_EQ(config.httpOptions.gnudipSaltLifetime, 120U);
}

TEST(ServerHttpConfig, BadHttpSettingsAreRefused) {
    EXPECT_TRUE(failsWith(parse("[listen]\nhttps = [\"127.0.0.1:0\"]\n"), "needs [http] tls_certificate"));
    EXPECT_TRUE(failsWith(parse("[http]\ntls_certificate = \"c.pem\"\n"), "both tls_certificate and tls_key"));
    EXPECT_TRUE(failsWith(parse("[http]\nnanodnsd_prefixes = [\"dns\"]\n"), "must start with '/'"));
    EXPECT_TRUE(failsWith(parse("[http]\nnanodnsd_prefixes = [\"/dns/\"]\n"), "must start with '/'"));
    EXPECT_TRUE(failsWith(parse("[http]\nnanodnsd_prefixes = [\"/d?x\"]\n"), "must start with '/'"));
    EXPECT_TRUE(failsWith(parse("[http]\nnanodnsd_prefixes = [\"/dns\", \"/dns\"]\n"), "listed twice"));
    EXPECT_TRUE(failsWith(parse("[http]\ngnudip_salt_lifetime = 1\n"), "5 s to 1 h"));
    EXPECT_TRUE(failsWith(parse("[http]\ntls = true\n"), "tls"));
}

TEST(ServerHttpConfig, ThrottleLimitsAndTheirRanges) {
    const auto config = parse("[throttle]\nfailures = 10\nwindow = \"5m\"\nblock = \"1h\"\nunchanged = 0\n").value();
    EXPECT_EQ(config.throttle, (qdyn::server::ThrottleOptions{10, 300, 3600, 0}));
    EXPECT_TRUE(failsWith(parse("[throttle]\nfailures = -1\n"), "failures"));
    EXPECT_TRUE(failsWith(parse("[throttle]\nwindow = 0\n"), "at least one second"));
    EXPECT_TRUE(failsWith(parse("[throttle]\nburst = 3\n"), "burst"));
}

TEST(ServerHttpConfig, AccountTokensAndGnudipSecrets) {
    const auto config = parse(std::string(R"([[account]]
name = "alice"
password = "s3cret"
token = "a-long-token"
gnudip_md5 = "5ebe2294ecd0e0f08eab7690d2a6ee69"
hosts = ["home"]
[[account]]
name = "bob"
password = "pw"
token_hash = ")") + kHash + "\"\nhosts = [\"office\"]\n")
                            .value();
    EXPECT_EQ(config.accounts[0].token, "a-long-token");
    EXPECT_EQ(config.accounts[0].gnudipMd5, "5ebe2294ecd0e0f08eab7690d2a6ee69");
    EXPECT_EQ(config.accounts[1].tokenHash, kHash);
    const std::string head = "[[account]]\nname = \"alice\"\npassword = \"s3cret\"\nhosts = [\"home\"]\n";
    EXPECT_TRUE(failsWith(parse(head + "token = \"short\"\n"), "at least 8 characters"));
    EXPECT_TRUE(failsWith(parse(head + "token = \"a-long-token\"\ntoken_hash = \"" + kHash + "\"\n"), "keep one"));
    EXPECT_TRUE(failsWith(parse(head + "token_hash = \"$scrypt$nope\"\n"), "token_hash"));
    EXPECT_TRUE(failsWith(parse(head + "gnudip_md5 = \"5EBE2294ECD0E0F08EAB7690D2A6EE69\"\n"), "lower-case hex"));
    EXPECT_TRUE(failsWith(parse(head + "gnudip_md5 = \"abc\"\n"), "lower-case hex"));
}

}  // namespace server_http_config_test
}  // namespace
