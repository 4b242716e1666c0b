// Profiles of the line protocols and the file drop: their schemes and default ports, the
// credentials each needs, and the errors a bad profile gets at load.
#include <gtest/gtest.h>

#include <string>

#include "qdyn/config/profile.hpp"
#include "qdyn/protocols/registry.hpp"

namespace qdyn::config {
namespace {
namespace profile_line_protocols_test {

Profile parseOne(const std::string& text) {
    auto set = parseProfiles(text, "p.toml");
    EXPECT_TRUE(set) << set.message();
    if (!set || set->profiles.size() != 1) return {};
    return std::move(set->profiles[0]);
}

void expectError(const std::string& text, const std::string& expected) {
    const auto set = parseProfiles(text, "p.toml");
    ASSERT_FALSE(set) << text;
    EXPECT_NE(set.message().find(expected), std::string::npos) << set.message();
}

const UpdateRequest kRequest{{"alice.example.test"}, IpAddress::parse("203.0.113.7"), std::nullopt};

// An absolute file name of the platform (a drive makes it absolute on Windows).
#ifdef _WIN32
const std::string kDropFile = "C:/Users/alice/.dynamicdns";
#else
const std::string kDropFile = "/home/alice/.dynamicdns";
#endif

TEST(ProfileLineProtocolsTest, SchemesOfTheLineProtocols) {
    EXPECT_EQ(findProtocol("qdns")->schemes, "qdns qdnss");
    EXPECT_EQ(findProtocol("miniupdate")->schemes, "miniupdate");
    EXPECT_EQ(findProtocol("gnudip-tcp")->schemes, "gnudip");
    EXPECT_EQ(findProtocol("file")->schemes, "file");
}

TEST(ProfileLineProtocolsTest, EachLoadsWithItsCredentials) {
    struct Case {
        std::string text;
        std::string firstLine;
    };
    const Case cases[] = {
        {"protocol = \"qdns\"\nserver = \"dyn.example.test\"\nusername = \"alice\"\npassword = \"s3cret\"\n",
         "qdns://dyn.example.test:7393: AUTH alice ***"},
        {"protocol = \"qdns\"\nserver = \"qdnss://dyn.example.test\"\npassword = \"7Kq2Zr9Lw4Xv\"\n",
         "qdnss://dyn.example.test:7394: TOKEN ***"},
        {"protocol = \"miniupdate\"\nserver = \"update.example.test\"\nusername = \"foo\"\npassword = \"p\"\n",
         "miniupdate://update.example.test:9120: AGENT qdyn/"},
        {"protocol = \"gnudip-tcp\"\nserver = \"gnudip://192.0.2.1:4000\"\nusername = \"alice\"\npassword = \"p\"\n",
         "gnudip://192.0.2.1:4000: (reads a salt) alice:***:example.test:0:203.0.113.7"},
        {"protocol = \"file\"\nserver = \"" + kDropFile + "\"\n", "write " + kDropFile},
    };
    for (const auto& c : cases) {
        const Profile profile = parseOne("[profile.a]\nhosts = [\"alice.example.test\"]\n" + c.text);
        auto client = makeProtocol(profile);
        ASSERT_TRUE(client) << client.message();
        EXPECT_EQ((*client)->name(), profile.protocol);
        const auto lines = (*client)->describe(kRequest);
        ASSERT_FALSE(lines.empty());
        EXPECT_EQ(lines[0].rfind(c.firstLine, 0), 0U) << lines[0];
    }
}

TEST(ProfileLineProtocolsTest, BadProfilesFailAtLoad) {
    const std::string head = "[profile.a]\nhosts = [\"alice.example.test\"]\n";
    expectError(head + "protocol = \"qdns\"\nserver = \"x\"\nusername = \"u\"\n",
                "protocol qdns needs username and password");
    expectError(head + "protocol = \"qdns\"\nserver = \"x\"\nusername = \"u\"\npassword = \"with blank\"\n",
                "QDNS cannot send a password holding a blank");
    expectError(head + "protocol = \"qdns\"\nserver = \"https://x\"\npassword = \"t\"\n", "server must be a qdns");
    expectError(head + "protocol = \"miniupdate\"\nserver = \"x\"\npassword = \"p\"\n", "needs username and password");
    expectError(head + "protocol = \"gnudip-tcp\"\nserver = \"x\"\nusername = \"a:b\"\npassword = \"p\"\n",
                "GnuDIP cannot send a username holding ':'");
    expectError(head + "protocol = \"file\"\nserver = \"file:///f\"\npassword = \"p\"\n", "protocol file takes no");
    expectError(head + "protocol = \"file\"\nserver = \"relative/name\"\n", "absolute file name");
}

}  // namespace profile_line_protocols_test
}  // namespace
}  // namespace qdyn::config
