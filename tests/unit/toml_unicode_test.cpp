// Configuration files that reached toml++ 3.3's faults (cmake/toml_headers.cmake): non-ASCII
// characters between tokens, inside a broken value, first on a line continued by a backslash
// (undefined behaviour), and a table header without a key or a broken array (assertions).
// Both readers of TOML, the profile file and qdyn-server's configuration, answer them with a
// plain syntax error at the right line (the old headers aborted this Debug test, or stopped it
// under the sanitizers), and non-ASCII text where TOML allows it still reads.
#include <gtest/gtest.h>

#include <string>

#include "qdyn/config/profile.hpp"
#include "qdyn_server/config.hpp"

namespace {
namespace toml_unicode_test {

std::string profileError(const std::string& text) {
    auto profiles = qdyn::config::parseProfiles(text, "profiles.toml", {});
    return profiles ? "accepted" : profiles.message();
}

std::string serverError(const std::string& text) {
    auto config = qdyn::server::Config::parse(text, "server.toml");
    return config ? "accepted" : config.message();
}

const std::string kProfile = "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"https://members.dyndns.org\"\n"
                             "hosts = [\"home.example.org\"]\nusername = \"alice\"\npassword = \"s3cret\"\n";

TEST(TomlUnicode, CharactersBetweenTokensAreASyntaxError) {
    for (const std::string bad : {"\xC2\xA7 = 1\n", "\xCC\xAA", "x = 1\xCC\xAA\n", "[\xC3\xA9]\n"}) {
        const auto error = profileError(kProfile + bad);
        EXPECT_EQ(error.rfind("profiles.toml:7", 0), 0U) << error;
    }
    // The fuzzer's finds (tests/fuzz/corpus/server_config/toml_unicode_whitespace_ub*).
    EXPECT_EQ(serverError("[zone]\norigin = 1\"dyn.ee\xC9\x8B" "est\"\n").rfind("server.toml:2", 0), 0U);
    EXPECT_EQ(serverError(std::string("n =-\x01" "dTTTTT.....'\xEF\xBB\x9F", 18)).rfind("server.toml:1", 0), 0U);
}

TEST(TomlUnicode, InputThatFailedTheParsersAssertionsIsASyntaxError) {
    for (const std::string bad : {"[=]\n", "[\xC3\xA9]\n", "[[#]]\n", "[ .]\n", "a = [1,,2]\n", "a = [,]\n"}) {
        const auto error = profileError(kProfile + bad);
        EXPECT_EQ(error.rfind("profiles.toml:7", 0), 0U) << error;
        EXPECT_EQ(serverError(bad).rfind("server.toml:1", 0), 0U) << serverError(bad);
    }
}

TEST(TomlUnicode, ALineContinuedByABackslashMayStartWithAnyCharacter) {
    // toml++ issue 190: read correctly now, the character kept.
    const std::string profile = "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"https://members.dyndns.org\"\n"
                                "hosts = [\"home.example.org\"]\nusername = \"\"\"ali\\\n  \xC2\xA7" "e\"\"\"\n"
                                "password = \"s3cret\"\n";
    auto profiles = qdyn::config::parseProfiles(profile, "profiles.toml", {});
    ASSERT_TRUE(profiles) << profiles.message();
    ASSERT_EQ(profiles->profiles.size(), 1U);
    EXPECT_EQ(profiles->profiles[0].username, "ali\xC2\xA7" "e");
}

TEST(TomlUnicode, NonAsciiInStringsAndCommentsReads) {
    EXPECT_EQ(profileError("# Gr\xC3\xBC\xC3\x9F" "e \xC2\xA7\n" + kProfile), "accepted");
    EXPECT_EQ(profileError(kProfile + "# \xD0\xBA\xD0\xBB\xD1\x8E\xD1\x87 \xEF\xBB\x9F\n"), "accepted");
}

}  // namespace toml_unicode_test
}  // namespace
