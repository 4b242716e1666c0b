// The profile file editor: rendering (order, defaults, TOML escaping), adding and removing a
// section without touching the rest, refusing broken or foreign files, the atomic write and
// the mode it leaves.
#include "qdyn/config/profile_writer.hpp"

#include <gtest/gtest.h>

#ifndef _WIN32
#include <sys/stat.h>  // chmod
#endif

#include <filesystem>
#include <fstream>
#include <string>

#include "qdyn/config/profile.hpp"
#include "temp_dir.hpp"

namespace qdyn::config {
namespace {
namespace profile_writer_test {

std::string contentOf(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(ProfileRenderTest, KeysInAFixedOrderAndOnlyWhatDiffersFromTheDefaults) {
    ProfileEntry entry;
    entry.name = "home";
    entry.comments = {"the router at home"};
    entry.provider = "dynu";
    entry.hosts = {"home.example.net", "nas.example.net"};
    entry.username = "alice";
    entry.passwordFrom = ProfileEntry::PasswordFrom::File;
    entry.passwordRef = "/run/credentials/qdyn.service/home";
    entry.ttl = 60;              // the default: left out
    entry.timeout = 30;
    entry.tlsVerify = true;      // the default: left out
    entry.families = {"ipv4"};   // the default: left out
    entry.detect = {"interface:eth0", "stun"};
    entry.agreement = 1;         // the default: left out
    entry.pollInterval = 300;    // the default: left out
    entry.refreshAfter = 86400;
    entry.verifyServers = {"192.0.2.53"};
    entry.onChange = {"/usr/local/bin/notify", "--quiet"};
    EXPECT_EQ(renderProfile(entry),
              "# the router at home\n"
              "[profile.home]\n"
              "provider = \"dynu\"\n"
              "hosts = [\"home.example.net\", \"nas.example.net\"]\n"
              "username = \"alice\"\n"
              "password_file = \"/run/credentials/qdyn.service/home\"\n"
              "timeout = 30\n"
              "detect = [\"interface:eth0\", \"stun\"]\n"
              "refresh_after = \"1d\"\n"
              "verify = [\"192.0.2.53\"]\n"
              "on_change = [\"/usr/local/bin/notify\", \"--quiet\"]\n");
}

TEST(ProfileRenderTest, StringsAndKeysAreEscapedForToml) {
    EXPECT_EQ(tomlString("plain"), "\"plain\"");
    EXPECT_EQ(tomlString("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(tomlString("t\tn\nr\r\x01\x7f"), "\"t\\tn\\nr\\r\\u0001\\u007F\"");
    EXPECT_EQ(tomlString("caf\xc3\xa9"), "\"caf\xc3\xa9\"");  // UTF-8 stays as it is
    EXPECT_EQ(tomlKey("home-1_x"), "home-1_x");
    EXPECT_EQ(tomlKey("with space"), "\"with space\"");
    EXPECT_EQ(tomlKey(""), "\"\"");
}

TEST(ProfileRenderTest, EveryEscapedValueReadsBackAsWritten) {
    ProfileEntry entry;
    entry.name = "odd";
    entry.comments = {"a comment\nwith a newline stays one comment"};
    entry.protocol = "dyndns2";
    entry.server = "https://ddns.example.test";
    entry.hosts = {"h.example.test"};
    entry.username = "user \"quoted\" \\ back\tslash \x01 caf\xc3\xa9";
    entry.passwordFrom = ProfileEntry::PasswordFrom::Inline;
    entry.password = Secret("p\"a\\s#s = [x]\nline2");
    auto loaded = parseProfiles(renderProfile(entry), "t.toml");
    ASSERT_TRUE(loaded) << loaded.message() << "\n" << renderProfile(entry);
    ASSERT_EQ(loaded->profiles.size(), 1U);
    EXPECT_EQ(loaded->profiles[0].username, entry.username);
    EXPECT_EQ(loaded->profiles[0].password.reveal(), entry.password.reveal());
    EXPECT_EQ(renderProfile(entry).rfind("# a comment with a newline stays one comment\n[profile.odd]\n", 0), 0U);
}

const std::string kTwoProfiles =
    "# My profiles.\n"
    "# Edited by hand.\n"
    "\n"
    "[profile.a]   # the first\n"
    "protocol = \"dyndns2\"\n"
    "server   = \"https://a.example.test\"   # aligned by hand\n"
    "hosts = [ \"a.example.test\" ]\n"
    "\n"
    "# b is the custom one\n"
    "[profile.b]\n"
    "protocol = \"custom\"\n"
    "url = \"https://b.example.test/u?h=%h\"\n"
    "hosts = [\"b.example.test\"]\n"
    "\n"
    "[profile.b.failure]\n"
    "bad = \"auth-failed\"\n"
    "\n"
    "# c is last\n"
    "[profile.c]\n"
    "provider = \"dynu\"\n"
    "hosts = [\"c.example.test\"]\n";

ProfileEntry newEntry(const std::string& name) {
    ProfileEntry entry;
    entry.name = name;
    entry.provider = "dynu";
    entry.hosts = {name + ".example.test"};
    return entry;
}

TEST(ProfileEditTest, AddingKeepsEveryByteOfTheFileAndAppendsTheSection) {
    auto added = addProfileText(kTwoProfiles, newEntry("d"), "p.toml", {});
    ASSERT_TRUE(added) << added.message();
    EXPECT_EQ(*added, kTwoProfiles + "\n[profile.d]\nprovider = \"dynu\"\nhosts = [\"d.example.test\"]\n");
    // A file without a final newline gets one first; a blank line separates the sections.
    auto noNewline = addProfileText("[profile.a]\nprovider = \"dynu\"\nhosts = [\"a\"]", newEntry("d"), "p.toml", {});
    ASSERT_TRUE(noNewline) << noNewline.message();
    EXPECT_EQ(*noNewline, "[profile.a]\nprovider = \"dynu\"\nhosts = [\"a\"]\n\n[profile.d]\nprovider = \"dynu\"\n"
                          "hosts = [\"d.example.test\"]\n");
}

TEST(ProfileEditTest, ANewFileGetsAHeaderAndCrlfFilesStayCrlf) {
    auto fresh = addProfileText("", newEntry("d"), "p.toml", {});
    ASSERT_TRUE(fresh) << fresh.message();
    EXPECT_EQ(*fresh, "# qdyn profiles: see `qdyn profile --help` and the README for every key.\n\n"
                      "[profile.d]\nprovider = \"dynu\"\nhosts = [\"d.example.test\"]\n");
    auto commentsOnly = addProfileText("# nothing yet\n", newEntry("d"), "p.toml", {});
    ASSERT_TRUE(commentsOnly) << commentsOnly.message();
    EXPECT_EQ(commentsOnly->substr(0, 27), "# nothing yet\n\n[profile.d]\n");
    auto crlf = addProfileText("[profile.a]\r\nprovider = \"dynu\"\r\nhosts = [\"a\"]\r\n", newEntry("d"), "p.toml", {});
    ASSERT_TRUE(crlf) << crlf.message();
    EXPECT_EQ(*crlf, "[profile.a]\r\nprovider = \"dynu\"\r\nhosts = [\"a\"]\r\n\r\n[profile.d]\r\nprovider = \"dynu\"\r\n"
                     "hosts = [\"d.example.test\"]\r\n");
}

TEST(ProfileEditTest, AddingRefusesBrokenForeignFilesTakenNamesAndProfilesThatWouldNotLoad) {
    const auto refused = [](std::string_view text, const ProfileEntry& entry, std::string_view why) {
        auto result = addProfileText(text, entry, "p.toml", {});
        ASSERT_FALSE(result) << *result;
        EXPECT_NE(result.message().find(why), std::string::npos) << result.message();
    };
    refused("[profile.a\nprovider = \"dynu\"\n", newEntry("d"), "does not load");
    refused("[server]\nport = 53\n", newEntry("d"), "unknown top-level key");  // another tool's file
    refused(kTwoProfiles, newEntry("b"), "already exists");
    refused(kTwoProfiles, newEntry("bad/name"), "a profile name is");
    ProfileEntry unknown = newEntry("d");
    unknown.provider = "no-such-provider";
    refused(kTwoProfiles, unknown, "would not load");
}

TEST(ProfileEditTest, RemovingTakesTheSectionItsSubTablesAndTheirCommentsOnly) {
    auto removed = removeProfileText(kTwoProfiles, "b", "p.toml", {});
    ASSERT_TRUE(removed) << removed.message();
    EXPECT_EQ(*removed,
              "# My profiles.\n"
              "# Edited by hand.\n"
              "\n"
              "[profile.a]   # the first\n"
              "protocol = \"dyndns2\"\n"
              "server   = \"https://a.example.test\"   # aligned by hand\n"
              "hosts = [ \"a.example.test\" ]\n"
              "\n"
              "# c is last\n"
              "[profile.c]\n"
              "provider = \"dynu\"\n"
              "hosts = [\"c.example.test\"]\n");
}

TEST(ProfileEditTest, RemovingTheFirstKeepsTheFileHeaderAndTheLastLeavesNoTrailingBlank) {
    auto first = removeProfileText(kTwoProfiles, "a", "p.toml", {});
    ASSERT_TRUE(first) << first.message();
    EXPECT_EQ(first->rfind("# My profiles.\n# Edited by hand.\n\n# b is the custom one\n[profile.b]\n", 0), 0U) << *first;
    auto last = removeProfileText(kTwoProfiles, "c", "p.toml", {});
    ASSERT_TRUE(last) << last.message();
    EXPECT_EQ(*last, kTwoProfiles.substr(0, kTwoProfiles.find("\n# c is last")));
    // A header comment touching the first section stays: it opens the file.
    auto touching = removeProfileText("# header\n[profile.a]\nprovider = \"dynu\"\nhosts = [\"a\"]\n\n[profile.b]\n"
                                      "provider = \"dynu\"\nhosts = [\"b\"]\n",
                                      "a", "p.toml", {});
    ASSERT_TRUE(touching) << touching.message();
    EXPECT_EQ(*touching, "# header\n[profile.b]\nprovider = \"dynu\"\nhosts = [\"b\"]\n");
}

TEST(ProfileEditTest, AHeaderInsideAMultiLineStringIsNotASection) {
    const std::string text =
        "[profile.m]\nprotocol = \"dyndns2\"\nserver = \"https://m.example.test\"\nhosts = [\"m.example.test\"]\n"
        "on_change = [\"/bin/echo\", \"\"\"\n[profile.fake]\n# not a header\n\"\"\"]\n\n"
        "[profile.n]\nprovider = \"dynu\"\nhosts = [\"n.example.test\"]\n";
    auto removed = removeProfileText(text, "m", "p.toml", {});
    ASSERT_TRUE(removed) << removed.message();
    EXPECT_EQ(*removed, "[profile.n]\nprovider = \"dynu\"\nhosts = [\"n.example.test\"]\n");
    auto other = removeProfileText(text, "n", "p.toml", {});
    ASSERT_TRUE(other) << other.message();
    EXPECT_EQ(*other, text.substr(0, text.find("\n[profile.n]")));
}

TEST(ProfileEditTest, RemovingRefusesWhatItCannotDoTextually) {
    const std::string inlineAndDotted =
        "[profile]\na = { protocol = \"dyndns2\", server = \"https://a.example.test\", hosts = [\"a\"] }\n"
        "b.provider = \"dynu\"\nb.hosts = [\"b\"]\n\n[profile.c]\nprovider = \"dynu\"\nhosts = [\"c\"]\n";
    for (const char* name : {"a", "b"}) {
        auto removed = removeProfileText(inlineAndDotted, name, "p.toml", {});
        ASSERT_FALSE(removed) << name;
        EXPECT_NE(removed.message().find("edit the file by hand"), std::string::npos) << removed.message();
    }
    EXPECT_TRUE(removeProfileText(inlineAndDotted, "c", "p.toml", {}));
    auto only = removeProfileText("[profile.a]\nprovider = \"dynu\"\nhosts = [\"a\"]\n", "a", "p.toml", {});
    ASSERT_FALSE(only);
    EXPECT_NE(only.message().find("the only one"), std::string::npos) << only.message();
    auto missing = removeProfileText(kTwoProfiles, "zz", "p.toml", {});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.message(), "no profile \"zz\" in p.toml");
    EXPECT_FALSE(removeProfileText("[profile.a\n", "a", "p.toml", {}));
}

TEST(ProfilePasswordSourceTest, SaysWhereEachPasswordComesFromNeverWhatItIs) {
    auto sources = readPasswordSources(
        "[profile.a]\npassword = \"s3cret\"\n[profile.b]\npassword_file = \"/run/b\"\n"
        "[profile.c]\npassword_env = \"C_PW\"\n[profile.d]\nprovider = \"dynu\"\n"
        "[profile.e]\npassword_keychain = true\n[profile.f]\npassword_keychain = false\n",
        "p.toml");
    ASSERT_TRUE(sources) << sources.message();
    ASSERT_EQ(sources->size(), 6U);
    EXPECT_EQ((*sources)[0].describe(), "inline");
    EXPECT_EQ((*sources)[1].describe(), "password_file /run/b");
    EXPECT_EQ((*sources)[2].describe(), "password_env C_PW");
    EXPECT_EQ((*sources)[3].describe(), "none");
    EXPECT_EQ((*sources)[4].describe(), "keychain");
    EXPECT_EQ((*sources)[4].from, ProfileEntry::PasswordFrom::Keychain);
    EXPECT_EQ((*sources)[5].describe(), "none");
}

TEST(ProfileRenderTest, APasswordInTheKeychainIsAFlagNeverTheSecret) {
    ProfileEntry entry;
    entry.name = "tray";
    entry.protocol = "dyndns2";
    entry.server = "https://ddns.example.test";
    entry.hosts = {"home.example.test"};
    entry.username = "alice";
    entry.passwordFrom = ProfileEntry::PasswordFrom::Keychain;
    entry.password = Secret("on-its-way-to-the-keychain");
    const std::string text = renderProfile(entry);
    EXPECT_EQ(text,
              "[profile.tray]\nprotocol = \"dyndns2\"\nserver = \"https://ddns.example.test\"\n"
              "hosts = [\"home.example.test\"]\nusername = \"alice\"\npassword_keychain = true\n");
    auto added = addProfileText("", entry, "p.toml", {});
    ASSERT_TRUE(added) << added.message();
    auto set = parseProfiles(*added, "p.toml");
    ASSERT_TRUE(set) << set.message();
    EXPECT_TRUE(set->profiles.front().passwordInKeychain);
    EXPECT_TRUE(set->profiles.front().password.empty());
}

TEST(ProfileFileTest, ANewFileIsPrivateAnExistingOneKeepsItsMode) {
    test::TempDir dir;
    const auto path = dir.path() / "profiles.toml";
    ASSERT_TRUE(writeFileAtomically(path, "one\n"));
    EXPECT_EQ(contentOf(path), "one\n");
#ifndef _WIN32
    EXPECT_EQ(test::fileMode(path), 0600U);
    ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
#endif
    ASSERT_TRUE(writeFileAtomically(path, "two\n", std::string("one\n")));
    EXPECT_EQ(contentOf(path), "two\n");
#ifndef _WIN32
    EXPECT_EQ(test::fileMode(path), 0640U);
#endif
    // Nothing but the file itself is left in the directory (no temporary files).
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
    EXPECT_EQ(entries, 1U);
#ifdef _WIN32
    GTEST_SKIP() << "file mode bits are POSIX; Windows uses access lists (the rest of the test ran)";
#endif
}

TEST(ProfileFileTest, AFileChangedMeanwhileIsNotOverwrittenAndASymlinkIsFollowed) {
    test::TempDir dir;
    const auto path = dir.write("profiles.toml", "theirs\n", 0600);
    auto refused = writeFileAtomically(path, "mine\n", std::string("what I read\n"));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.message().find("changed while it was being edited"), std::string::npos);
    EXPECT_EQ(contentOf(path), "theirs\n");

#ifdef _WIN32
    // Symbolic links need a privilege on Windows, and the Windows writer replaces the link itself.
    GTEST_SKIP() << "following a symlink is the POSIX writer's behaviour (the rest of the test ran)";
#else
    const auto link = dir.path() / "link.toml";
    std::filesystem::create_symlink(path, link);
    ASSERT_TRUE(writeFileAtomically(link, "through the link\n"));
    EXPECT_TRUE(std::filesystem::is_symlink(link));
    EXPECT_EQ(contentOf(path), "through the link\n");
#endif
}

TEST(ProfileFileTest, ReadingSaysMissingOrTooLarge) {
    test::TempDir dir;
    auto missing = readProfileFile(dir.path() / "none.toml");
    ASSERT_TRUE(missing) << missing.message();
    EXPECT_FALSE(missing->has_value());
    const auto big = dir.write("big.toml", std::string(1024 * 1024 + 1, '#'));
    auto tooBig = readProfileFile(big);
    ASSERT_FALSE(tooBig);
    EXPECT_NE(tooBig.message().find("larger than 1 MiB"), std::string::npos);
    auto directory = readProfileFile(dir.path());
    EXPECT_FALSE(directory);
}

}  // namespace profile_writer_test
}  // namespace
}  // namespace qdyn::config
