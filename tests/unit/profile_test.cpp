// Profiles: parsing, validation with file:line messages, secrets from file or environment, and
// the refusal of a world-readable file that holds a password.
#include <gtest/gtest.h>

#include <algorithm>

#include "qdyn/config/profile.hpp"
#include "qdyn/protocols/registry.hpp"
#include "scoped_environment.hpp"
#include "temp_dir.hpp"

namespace qdyn::config {
namespace {
namespace profile_test {

constexpr const char* kValid = R"(# home router
[profile.home]
protocol = "dyndns2"
server = "http://127.0.0.1:8245"
hosts = ["home.dyn.example.test", "nas.dyn.example.test"]
username = "alice"
password = "s3cret"
ipv6 = "myipv6"
timeout = 5

[profile.office]
protocol = "dyndns2"
server = "ddns.example.test"
hosts = ["office.example.test"]
username = "bob"
password_env = "QDYN_TEST_OFFICE_PASSWORD"
)";

TEST(ProfileTest, ParsesProfiles) {
    test::setEnvironment("QDYN_TEST_OFFICE_PASSWORD", "hunter2");
    auto set = parseProfiles(kValid, "profiles.toml");
    ASSERT_TRUE(set) << set.message();
    ASSERT_EQ(set->profiles.size(), 2U);
    const Profile* home = set->find("home");
    ASSERT_NE(home, nullptr);
    EXPECT_EQ(home->protocol, "dyndns2");
    EXPECT_EQ(home->server, "http://127.0.0.1:8245");
    EXPECT_EQ(home->hosts.size(), 2U);
    EXPECT_EQ(home->password.reveal(), "s3cret");
    EXPECT_TRUE(home->inlinePassword);
    EXPECT_EQ(home->timeout, std::chrono::seconds(5));
    EXPECT_EQ(home->origin, "profiles.toml:2");
    const Profile* office = set->find("office");
    ASSERT_NE(office, nullptr);
    EXPECT_EQ(office->server, "https://ddns.example.test");  // a bare host means HTTPS
    EXPECT_EQ(office->password.reveal(), "hunter2");
    EXPECT_FALSE(office->inlinePassword);
    EXPECT_EQ(set->find("nope"), nullptr);
}

struct BadCase {
    const char* text;
    const char* expected;  // a piece of the message, including the line
};

TEST(ProfileTest, ErrorsNameTheFileAndLine) {
    const BadCase cases[] = {
        {"[profile.a]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"h\"]\ncolour = 1\n", "p.toml:5: unknown key \"colour\""},
        {"[profile.a]\nprotocol = \"carrier-pigeon\"\nserver = \"x\"\nhosts = [\"h\"]\n", "p.toml:2: unknown protocol \"carrier-pigeon\""},
        {"[profile.a]\nprotocol = \"dyndns2\"\nhosts = [\"h\"]\n", "p.toml:1: missing \"server\""},
        {"[profile.a]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = []\n", "p.toml:4: \"hosts\" must be a non-empty"},
        {"[profile.a]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"a b\"]\n", "p.toml:4: every host"},
        {"[profile.a]\nprotocol = \"dyndns2\"\nserver = \"ftp://x\"\nhosts = [\"h\"]\n", "p.toml:3: server must be"},
        {"[profile.a]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"h\"]\ntimeout = 0\n", "p.toml:5: timeout"},
        {"[profile.a]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"h\"]\nipv6 = \"sideways\"\n", "ipv6 must be one of"},
        {"[profile.a]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"h\"]\npassword = \"a\"\npassword_env = \"B\"\n", "only one of"},
        {"[profile.a]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"h\"]\npassword_env = \"QDYN_TEST_UNSET_VARIABLE\"\n", "not set"},
        {"[profile.a]\nprotocol = \"dyndns2\"\nserver = = \"x\"\n", "p.toml:3:"},
        {"server = \"x\"\n", "p.toml:1: unknown top-level key"},
        {"# nothing\n", "no profiles"},
    };
    for (const auto& c : cases) {
        auto set = parseProfiles(c.text, "p.toml");
        ASSERT_FALSE(set) << c.text;
        EXPECT_NE(set.message().find(c.expected), std::string::npos) << set.message();
    }
}

TEST(ProfileTest, ReadsPasswordFileRelativeToTheProfileFile) {
    test::TempDir dir;
    dir.write("home.secret", "from-file\n");
    const auto path = dir.write("profiles.toml",
                                "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"h\"]\n"
                                "username = \"u\"\npassword_file = \"home.secret\"\n",
                                0644);  // no inline secret: a readable file is fine
    auto set = loadProfiles(path);
    ASSERT_TRUE(set) << set.message();
    EXPECT_EQ(set->profiles[0].password.reveal(), "from-file");
}

TEST(ProfileTest, RefusesAReadableFileWithAnInlinePassword) {
#ifdef _WIN32
    GTEST_SKIP() << "file permission bits are POSIX; Windows uses access lists";
#else
    test::TempDir dir;
    const auto path = dir.write("profiles.toml", kValid, 0644);
    test::setEnvironment("QDYN_TEST_OFFICE_PASSWORD", "hunter2");
    auto set = loadProfiles(path);
    ASSERT_FALSE(set);
    EXPECT_NE(set.message().find("chmod 600 " + path.string()), std::string::npos) << set.message();
    EXPECT_NE(set.message().find("0644"), std::string::npos) << set.message();
    const auto privatePath = dir.write("private.toml", kValid, 0600);
    EXPECT_TRUE(loadProfiles(privatePath));
#endif
}

TEST(ProfileTest, APasswordInTheKeychainLoadsEmptyAndSaysWhy) {
    auto set = parseProfiles(
        "[profile.tray]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"h\"]\nusername = \"u\"\n"
        "password_keychain = true\n[profile.plain]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"h\"]\n"
        "password_keychain = false\n",
        "p.toml");
    ASSERT_TRUE(set) << set.message();
    ASSERT_NE(set->find("tray"), nullptr);
    ASSERT_NE(set->find("plain"), nullptr);
    const Profile& tray = *set->find("tray");
    EXPECT_TRUE(tray.passwordInKeychain);
    EXPECT_TRUE(tray.password.empty());
    EXPECT_FALSE(tray.inlinePassword);
    EXPECT_EQ(keychainPasswordProblem(tray),
              "its password is in the desktop keychain (saved by qdyn-tray), which the qdyn command cannot read; "
              "use password_file or password_env to share it with the CLI");
    EXPECT_FALSE(set->find("plain")->passwordInKeychain);
    EXPECT_EQ(keychainPasswordProblem(*set->find("plain")), "");

    // Filled in by qdyn-tray, it may be sent.
    Profile filled = std::move(*std::find_if(set->profiles.begin(), set->profiles.end(),
                                             [](const Profile& profile) { return profile.name == "tray"; }));
    filled.password = Secret("from-the-keychain");
    EXPECT_EQ(keychainPasswordProblem(filled), "");
}

TEST(ProfileTest, APasswordInTheKeychainExcludesTheOtherSources) {
    const std::string head = "[profile.a]\nprotocol = \"dyndns2\"\nserver = \"x\"\nhosts = [\"h\"]\n";
    const BadCase cases[] = {
        {"password = \"a\"\npassword_keychain = true\n",
         "p.toml:6: password_keychain = true and password both name the password; give only one of them"},
        {"password_keychain = true\npassword_file = \"/run/x\"\n",
         "p.toml:5: password_keychain = true and password_file both name the password; give only one of them"},
        {"password_env = \"X\"\npassword_keychain = true\n",
         "p.toml:6: password_keychain = true and password_env both name the password; give only one of them"},
        {"password_keychain = \"yes\"\n", "p.toml:5: password_keychain must be true or false"},
    };
    for (const auto& c : cases) {
        auto set = parseProfiles(head + c.text, "p.toml");
        ASSERT_FALSE(set) << c.text;
        EXPECT_EQ(set.message(), c.expected);
    }
}

TEST(ProfileTest, MissingFileSaysHowToFixIt) {
    auto set = loadProfiles("/nonexistent/qdyn/profiles.toml");
    ASSERT_FALSE(set);
    EXPECT_NE(set.message().find("--config"), std::string::npos);
}

TEST(ProtocolRegistryTest, ListsEveryProtocolOnceWithAFactory) {
    const auto list = protocolRegistry();
    ASSERT_FALSE(list.empty());
    for (std::size_t i = 0; i < list.size(); ++i) {
        EXPECT_NE(list[i].make, nullptr) << list[i].name;
        EXPECT_FALSE(list[i].summary.empty()) << list[i].name;
        for (std::size_t j = i + 1; j < list.size(); ++j) EXPECT_NE(list[i].name, list[j].name);
    }
    EXPECT_NE(findProtocol("dyndns2"), nullptr);
    EXPECT_EQ(findProtocol("nope"), nullptr);
}

}  // namespace profile_test
}  // namespace
}  // namespace qdyn::config
