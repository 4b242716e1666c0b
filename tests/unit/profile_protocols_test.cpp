// Profiles of the HTTP protocols: the credentials each one needs, the provider catalog as
// defaults, ca_file, the tls_verify warning, and the keys of protocol custom.
#include <stdlib.h>

#include <functional>
#include <gtest/gtest.h>

#include "qdyn/config/profile.hpp"
#include "qdyn/protocols/registry.hpp"
#include "qdyn/providers/catalog.hpp"
#include "temp_dir.hpp"

namespace qdyn::config {
namespace {
namespace profile_protocols_test {

Result<ProfileSet> parse(const std::string& text, const std::filesystem::path& baseDir = {}) {
    return parseProfiles(text, "p.toml", baseDir);
}

// The profile of a one-profile file, or a test failure.
Profile parseOne(const std::string& text) {
    auto set = parse(text);
    EXPECT_TRUE(set) << set.message();
    if (!set || set->profiles.size() != 1) return {};
    return std::move(set->profiles[0]);
}

void expectError(const std::string& text, const std::string& expected) {
    const auto set = parse(text);
    ASSERT_FALSE(set) << text;
    EXPECT_NE(set.message().find(expected), std::string::npos) << set.message();
}

// The first catalog row that fits, so the tests follow the catalog rather than copy it.
const providers::Provider* firstRow(const std::function<bool(const providers::Provider&)>& fits) {
    for (const auto& row : providers::catalog()) {
        if (fits(row)) return &row;
    }
    return nullptr;
}

TEST(ProtocolRegistryTest, ListsTheHttpProtocols) {
    std::vector<std::string_view> names;
    for (const auto& entry : protocolRegistry())
        names.push_back(entry.name);
    EXPECT_EQ(names, (std::vector<std::string_view>{"dyndns2", "rfc2136", "nanodnsd", "minidns", "dynonym", "gnudip",
                                                    "custom", "qdns", "miniupdate", "gnudip-tcp", "file"}));
    for (const char* name : {"nanodnsd", "minidns", "dynonym", "gnudip", "custom"}) {
        EXPECT_EQ(findProtocol(name)->schemes, "https http") << name;
    }
}

TEST(ProtocolRegistryTest, SchemesAreMatchedWholeAndListedInOrder) {
    const ProtocolEntry* dyndns2 = findProtocol("dyndns2");
    ASSERT_NE(dyndns2, nullptr);
    EXPECT_TRUE(acceptsScheme(*dyndns2, "https"));
    EXPECT_TRUE(acceptsScheme(*dyndns2, "http"));
    EXPECT_FALSE(acceptsScheme(*dyndns2, "htt"));
    EXPECT_FALSE(acceptsScheme(*dyndns2, "https http"));
    EXPECT_EQ(schemeList(*dyndns2), "https:// or http://");
}

TEST(ProfileProtocolsTest, EachHttpProtocolLoadsWithItsCredentials) {
    const char* profiles[] = {
        "[profile.a]\nprotocol = \"nanodnsd\"\nserver = \"ns.example.test\"\nhosts = [\"h.example.test\"]\n"
        "password = \"token\"\n",
        "[profile.a]\nprotocol = \"minidns\"\nserver = \"http://www.minidns.net\"\nhosts = [\"bar.minidns.net\"]\n"
        "username = \"foo\"\npassword = \"topsecret\"\n",
        "[profile.a]\nprotocol = \"dynonym\"\nserver = \"dyn.example.test\"\nhosts = [\"h.example.test\"]\n"
        "username = \"u\"\npassword = \"p\"\n",
        "[profile.a]\nprotocol = \"gnudip\"\nserver = \"gnudip.example.test\"\nhosts = [\"alice.example.test\"]\n"
        "username = \"alice\"\npassword = \"p\"\n",
        "[profile.a]\nprotocol = \"custom\"\nurl = \"https://x.example.test/u?h=%h&i=%i\"\nhosts = "
        "[\"h.example.test\"]\n",
    };
    for (const char* text : profiles) {
        const Profile profile = parseOne(text);
        auto client = makeProtocol(profile);
        ASSERT_TRUE(client) << client.message();
        EXPECT_EQ((*client)->name(), profile.protocol);
        EXPECT_FALSE((*client)->describe({{"h.example.test"}, IpAddress::parse("203.0.113.7"), std::nullopt}).empty());
    }
}

TEST(ProfileProtocolsTest, MissingCredentialsFailAtLoad) {
    expectError("[profile.a]\nprotocol = \"nanodnsd\"\nserver = \"x\"\nhosts = [\"h\"]\n",
                "p.toml:1: protocol nanodnsd needs the host's token as password");
    for (const char* protocol : {"minidns", "dynonym", "gnudip"}) {
        expectError(std::string("[profile.a]\nprotocol = \"") + protocol +
                        "\"\nserver = \"x\"\nhosts = [\"h\"]\npassword = \"p\"\n",
                    "needs username and password");
        expectError(std::string("[profile.a]\nprotocol = \"") + protocol +
                        "\"\nserver = \"x\"\nhosts = [\"h\"]\nusername = \"u\"\n",
                    "needs username and password");
    }
}

TEST(ProfileProviderTest, TakesTheRowsDefaults) {
    const providers::Provider* row = firstRow(
        [](const providers::Provider& p) { return p.protocol == "dyndns2" && !p.server.empty() && !p.ipv6.empty(); });
    ASSERT_NE(row, nullptr);
    const Profile profile = parseOne("[profile.a]\nprovider = \"" + std::string(row->name) +
                                     "\"\nhosts = [\"h.example.test\"]\nusername = \"u\"\npassword = \"p\"\n");
    EXPECT_EQ(profile.provider, row->name);
    EXPECT_EQ(profile.protocol, "dyndns2");
    EXPECT_EQ(profile.server, row->server);
    EXPECT_EQ(profile.path, row->path);
    EXPECT_EQ(profile.ipv6Convention, row->ipv6);
}

TEST(ProfileProviderTest, TheProfileOverridesTheRow) {
    const providers::Provider* row =
        firstRow([](const providers::Provider& p) { return p.protocol == "dyndns2" && !p.server.empty(); });
    ASSERT_NE(row, nullptr);
    std::string upper(row->name);
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const Profile profile = parseOne("[profile.a]\nprovider = \"" + upper +
                                     "\"\nserver = \"http://127.0.0.1:8245\"\npath = \"/update\"\nipv6 = \"separate\"\n"
                                     "hosts = [\"h\"]\nusername = \"u\"\npassword = \"p\"\n");
    EXPECT_EQ(profile.provider, row->name) << "provider names match without regard to case";
    EXPECT_EQ(profile.server, "http://127.0.0.1:8245");
    EXPECT_EQ(profile.path, "/update");
    EXPECT_EQ(profile.ipv6Convention, "separate");
}

TEST(ProfileProviderTest, AnotherProtocolInheritsNoPathOrIpv6) {
    const providers::Provider* row = firstRow(
        [](const providers::Provider& p) { return p.protocol == "dyndns2" && !p.server.empty() && !p.ipv6.empty(); });
    ASSERT_NE(row, nullptr);
    const Profile profile =
        parseOne("[profile.a]\nprovider = \"" + std::string(row->name) +
                 "\"\nprotocol = \"dynonym\"\nhosts = [\"h\"]\nusername = \"u\"\npassword = \"p\"\n");
    EXPECT_EQ(profile.protocol, "dynonym");
    EXPECT_EQ(profile.server, row->server);
    EXPECT_TRUE(profile.path.empty());
    EXPECT_TRUE(profile.ipv6Convention.empty());
}

TEST(ProfileProviderTest, ASelfHostedRowNeedsAServer) {
    const providers::Provider* row =
        firstRow([](const providers::Provider& p) { return p.server.empty() && p.protocol == "nanodnsd"; });
    ASSERT_NE(row, nullptr);
    const std::string head =
        "[profile.a]\nprovider = \"" + std::string(row->name) + "\"\nhosts = [\"h\"]\npassword = \"t\"\n";
    expectError(head, "p.toml:1: provider \"" + std::string(row->name) + "\" is self-hosted: set \"server\"");
    const Profile profile = parseOne(head + "server = \"http://127.0.0.1:8053\"\n");
    EXPECT_EQ(profile.protocol, "nanodnsd");
    EXPECT_EQ(profile.server, "http://127.0.0.1:8053");
}

TEST(ProfileProviderTest, ACustomRowGivesTheTemplate) {
    const providers::Provider* row = firstRow([](const providers::Provider& p) { return p.protocol == "custom"; });
    if (row == nullptr) GTEST_SKIP() << "the catalog has no custom row";
    std::string text =
        "[profile.a]\nprovider = \"" + std::string(row->name) + "\"\nhosts = [\"h\"]\npassword = \"t\"\n";
    if (row->server.empty() && !row->path.starts_with("http")) text += "server = \"https://x.example.test\"\n";
    const Profile profile = parseOne(text);
    EXPECT_EQ(profile.protocol, "custom");
    EXPECT_TRUE(profile.urlTemplate.starts_with("http")) << profile.urlTemplate;
    EXPECT_TRUE(makeProtocol(profile));
}

TEST(ProfileProviderTest, UnknownProviderSaysWhereToLook) {
    expectError("[profile.a]\nprovider = \"no-such-provider\"\nhosts = [\"h\"]\n",
                "p.toml:2: unknown provider \"no-such-provider\" (list the known ones with: qdyn providers)");
    expectError("[profile.a]\nprovider = 3\nhosts = [\"h\"]\n", "p.toml:2: \"provider\" must be a non-empty string");
    expectError("[profile.a]\nhosts = [\"h\"]\nserver = \"x\"\n", "p.toml:1: missing \"protocol\"");
}

TEST(ProfileTlsTest, CaFileMustExist) {
    test::TempDir dir;
    dir.write("ca.pem", "-----BEGIN CERTIFICATE-----\n");
    const std::string head =
        "[profile.a]\nprotocol = \"dynonym\"\nserver = \"x\"\nhosts = [\"h\"]\nusername = \"u\"\n"
        "password = \"p\"\n";
    auto set = parse(head + "ca_file = \"ca.pem\"\n", dir.path());
    ASSERT_TRUE(set) << set.message();
    EXPECT_EQ(set->profiles[0].caFile, (dir.path() / "ca.pem").string());
    const auto missing = parse(head + "ca_file = \"missing.pem\"\n", dir.path());
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.message().find("p.toml:7: ca_file " + (dir.path() / "missing.pem").string() + " does not exist"),
              std::string::npos)
        << missing.message();
    expectError(head + "ca_file = \"\"\n", "p.toml:7: \"ca_file\" must be a non-empty string");
    expectError(
        "[profile.a]\nprotocol = \"rfc2136\"\nserver = \"127.0.0.1\"\nhosts = [\"h\"]\nca_file = \"/etc/hosts\"\n",
        "ca_file applies only to protocols that speak TLS (HTTPS, qdnss://), not rfc2136");
    // QDNS over TLS checks certificates too: ca_file applies, and turning checks off is loud.
    const std::string qdns = "[profile.q]\nprotocol = \"qdns\"\nserver = \"qdnss://127.0.0.1\"\nhosts = [\"h\"]\n"
                             "username = \"u\"\npassword = \"pw\"\n";
    const auto withCa = parse(qdns + "ca_file = \"ca.pem\"\n", dir.path());
    ASSERT_TRUE(withCa) << withCa.message();
    EXPECT_EQ(withCa->profiles[0].caFile, (dir.path() / "ca.pem").string());
    const auto unchecked = parse(qdns + "tls_verify = false\n", dir.path());
    ASSERT_TRUE(unchecked) << unchecked.message();
    EXPECT_NE(config::insecureTlsWarning(unchecked->profiles[0]).find("tls_verify = false"), std::string::npos);
}

TEST(ProfileTlsTest, TurningVerificationOffIsLoud) {
    const std::string head =
        "[profile.home]\nprotocol = \"dynonym\"\nserver = \"x\"\nhosts = [\"h\"]\nusername = \"u\"\n"
        "password = \"p\"\n";
    const Profile off = parseOne(head + "tls_verify = false\n");
    EXPECT_FALSE(off.verifyTls);
    const std::string warning = insecureTlsWarning(off);
    EXPECT_EQ(warning.rfind("WARNING: profile home (p.toml:1) has tls_verify = false", 0), 0U) << warning;
    EXPECT_TRUE(insecureTlsWarning(parseOne(head)).empty());
    EXPECT_TRUE(insecureTlsWarning(parseOne(head + "tls_verify = true\n")).empty());
}

TEST(ProfileCustomTest, JoinsAPathTemplateToTheServer) {
    const Profile profile = parseOne(
        "[profile.a]\nprotocol = \"custom\"\nserver = \"dyn.example.test/\"\n"
        "url = \"/nic/update?hostname=<domain>&myip=<ipaddr>\"\nhosts = [\"h\"]\n");
    EXPECT_EQ(profile.urlTemplate, "https://dyn.example.test/nic/update?hostname=<domain>&myip=<ipaddr>");
}

TEST(ProfileCustomTest, ReadsTheReplyWords) {
    const Profile profile = parseOne(
        "[profile.a]\nprotocol = \"custom\"\nurl = \"https://x.example.test/u?h=%h\"\nhosts = [\"h\"]\n"
        "success = [\"good\"]\nunchanged = [\"nochg\"]\n"
        "failure = { badauth = \"auth-failed\", nohost = \"host-rejected\", \"911\" = \"retry-later\", abuse = "
        "\"abuse\" }\n");
    EXPECT_EQ(profile.successWords, std::vector<std::string>{"good"});
    EXPECT_EQ(profile.unchangedWords, std::vector<std::string>{"nochg"});
    ASSERT_EQ(profile.failureWords.size(), 4U);
    bool sawAuth = false;
    for (const auto& [word, outcome] : profile.failureWords) {
        if (word == "badauth") sawAuth = outcome == OutcomeClass::AuthFailed;
        if (word == "911") {
            EXPECT_EQ(outcome, OutcomeClass::RetryLater);
        }
    }
    EXPECT_TRUE(sawAuth);
}

TEST(ProfileCustomTest, RefusesBadCustomKeys) {
    const std::string head = "[profile.a]\nprotocol = \"custom\"\nhosts = [\"h\"]\n";
    const std::string url = "url = \"https://x.example.test/u?h=%h\"\n";
    expectError(head, "p.toml:1: missing \"url\"");
    expectError(head + "url = \"/u?h=%h\"\n", "p.toml:1: missing \"server\"");
    expectError(head + "server = \"x\"\nurl = \"u?h=%h\"\n",
                "p.toml:5: url must be an http:// or https:// URL, or a path");
    expectError(head + url + "server = \"x\"\n", "p.toml:5: server is not used when url is a whole URL");
    expectError(head + url + "path = \"/x\"\n", "p.toml:5: protocol custom takes its whole URL template in url");
    expectError(head + "url = \"https://x.example.test/u?h=<host>\"\n", "p.toml:4: url: unknown placeholder <host>");
    expectError(head + url + "success = \"good\"\n", "p.toml:5: \"success\" must be an array");
    expectError(head + url + "success = [\"go od\"]\n", "p.toml:5: a reply word is 1 to 64 printable");
    expectError(head + url + "success = [\"\"]\n", "a reply word");
    expectError(head + url + "failure = { badauth = \"updated\" }\n",
                "p.toml:5: failure.badauth must be one of retry-later, auth-failed, host-rejected, abuse");
    expectError(head + url + "failure = { badauth = \"stop\" }\n", "must be one of");
    expectError(head + url + "failure = [\"badauth\"]\n", "p.toml:5: \"failure\" must be a table");
    expectError(head + url + "success = [\"good\"]\nfailure = { good = \"abuse\" }\n",
                "the reply word \"good\" is listed twice");
    const std::string dyndns2 = "[profile.a]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"h\"]\n";
    expectError(dyndns2 + url, "p.toml:5: url applies only to protocol custom");
    expectError(dyndns2 + "success = [\"good\"]\n", "p.toml:5: success applies only to protocol custom");
    expectError(dyndns2 + "failure = { a = \"abuse\" }\n", "p.toml:5: failure applies only to protocol custom");
}

}  // namespace profile_protocols_test
}  // namespace
}  // namespace qdyn::config
