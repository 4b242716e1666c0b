// A profile read back into an entry (readProfileEntry) and replaced in place (replaceProfileText):
// every key and comment survives a read and a write, the keys an entry cannot hold are refused,
// and a replacement leaves every other line of the file as it was.
#include "qdyn/config/profile_reader.hpp"

#include <gtest/gtest.h>
#include <string>

#include "qdyn/config/profile.hpp"
#include "qdyn/config/profile_writer.hpp"

namespace qdyn::config {
namespace {
namespace profile_reader_test {

const std::string kFile =
    "# my profiles\n"
    "\n"
    "# the router\n"
    "[profile.home]  # at home\n"
    "provider = \"dynu\"\n"
    "hosts = [\"home.example.net\", \"nas.example.net\"]\n"
    "# the account\n"
    "username = \"alice\"\n"
    "password = \"s3cret\"\n"
    "detect = [\"static:1.2.3.4\"]\n"
    "allow_private = true\n"
    "poll_interval = \"10m\"\n"
    "refresh_after = 172800\n"
    "verify = false\n"
    "\n"
    "# the TSIG one\n"
    "[profile.dns]\n"
    "protocol = \"rfc2136\"\n"
    "server = \"192.0.2.53\"\n"
    "hosts = [\"h.dyn.example.test\"]\n"
    "zone = \"dyn.example.test\"\n"
    "tsig_algorithm = \"hmac-sha512\"\n"
    "ttl = 120\n"
    "families = [\"ipv4\", \"ipv6\"]\n"
    "verify = [\"192.0.2.53\"]\n"
    "\n"
    "[profile.fritz]\n"
    "protocol = \"custom\"\n"
    "url = \"https://ddns.example.test/u?h=<domain>&ip=<ipaddr>\"\n"
    "hosts = [\"f.example.test\"]\n"
    "timeout = 30\n"
    "tls_verify = false\n"
    "success = [\"good\"]\n"
    "failure = { badauth = \"auth-failed\" }\n"
    "on_change = [\"/bin/true\", \"x\"]\n";

// What the profile means, apart from where it was written: its canonical definition, minus the
// spelling of durations, compared through the parsed settings below.
void expectSameMeaning(const Profile& a, const Profile& b) {
    EXPECT_EQ(a.provider, b.provider);
    EXPECT_EQ(a.protocol, b.protocol);
    EXPECT_EQ(a.server, b.server);
    EXPECT_EQ(a.path, b.path);
    EXPECT_EQ(a.urlTemplate, b.urlTemplate);
    EXPECT_EQ(a.hosts, b.hosts);
    EXPECT_EQ(a.username, b.username);
    EXPECT_EQ(a.password.reveal(), b.password.reveal());
    EXPECT_EQ(a.zone, b.zone);
    EXPECT_EQ(a.tsigAlgorithm, b.tsigAlgorithm);
    EXPECT_EQ(a.ttl, b.ttl);
    EXPECT_EQ(a.timeout, b.timeout);
    EXPECT_EQ(a.verifyTls, b.verifyTls);
    EXPECT_EQ(a.successWords, b.successWords);
    EXPECT_EQ(a.failureWords, b.failureWords);
    EXPECT_EQ(a.agent.ipv4, b.agent.ipv4);
    EXPECT_EQ(a.agent.ipv6, b.agent.ipv6);
    EXPECT_EQ(a.agent.detectV4, b.agent.detectV4);
    EXPECT_EQ(a.agent.allowPrivate, b.agent.allowPrivate);
    EXPECT_EQ(a.agent.pollInterval, b.agent.pollInterval);
    EXPECT_EQ(a.agent.refreshAfter, b.agent.refreshAfter);
    EXPECT_EQ(a.agent.verify, b.agent.verify);
    EXPECT_EQ(a.agent.verifyServers, b.agent.verifyServers);
    EXPECT_EQ(a.agent.onChange, b.agent.onChange);
}

TEST(ProfileReaderTest, EveryKeyAndCommentReadsBack) {
    auto home = readProfileEntry(kFile, "home", "p.toml");
    ASSERT_TRUE(home) << home.message();
    EXPECT_EQ(home->provider, "dynu");
    EXPECT_EQ(home->hosts, (std::vector<std::string>{"home.example.net", "nas.example.net"}));
    EXPECT_EQ(home->passwordFrom, ProfileEntry::PasswordFrom::Inline);
    EXPECT_EQ(home->password.reveal(), "s3cret");
    EXPECT_EQ(home->pollInterval, 600);
    EXPECT_EQ(home->refreshAfter, 172800);
    EXPECT_EQ(home->verify, false);
    EXPECT_EQ(home->allowPrivate, true);
    // Above the header (not the file's opening comment), after it, and among the keys.
    EXPECT_EQ(home->comments, (std::vector<std::string>{"the router", "at home", "the account"}));

    auto dns = readProfileEntry(kFile, "dns", "p.toml");
    ASSERT_TRUE(dns) << dns.message();
    EXPECT_EQ(dns->tsigAlgorithm, "hmac-sha512");
    EXPECT_EQ(dns->ttl, 120);
    EXPECT_EQ(dns->verifyServers, (std::vector<std::string>{"192.0.2.53"}));
    EXPECT_EQ(dns->comments, (std::vector<std::string>{"the TSIG one"}));

    auto fritz = readProfileEntry(kFile, "fritz", "p.toml");
    ASSERT_TRUE(fritz) << fritz.message();
    EXPECT_EQ(fritz->failure, (std::vector<std::pair<std::string, std::string>>{{"badauth", "auth-failed"}}));
    EXPECT_EQ(fritz->tlsVerify, false);
    EXPECT_TRUE(fritz->comments.empty());
}

TEST(ProfileReaderTest, ARenderedEntryMeansWhatTheSectionMeant) {
    auto before = parseProfiles(kFile, "p.toml");
    ASSERT_TRUE(before) << before.message();
    for (const auto& profile : before->profiles) {
        auto entry = readProfileEntry(kFile, profile.name, "p.toml");
        ASSERT_TRUE(entry) << entry.message();
        const ProfileEntry copy = cloneProfileEntry(*entry);
        EXPECT_EQ(renderProfile(copy), renderProfile(*entry)) << profile.name;
        auto again = parseProfiles(renderProfile(*entry), "again.toml");
        ASSERT_TRUE(again) << again.message();
        SCOPED_TRACE(profile.name);
        expectSameMeaning(profile, again->profiles.front());
    }
}

TEST(ProfileReaderTest, APasswordInTheKeychainReadsBackAndRendersTheSame) {
    const std::string text =
        "[profile.tray]\nprotocol = \"dyndns2\"\nserver = \"https://x.example\"\nhosts = [\"a.example\"]\n"
        "username = \"alice\"\npassword_keychain = true\n";
    auto entry = readProfileEntry(text, "tray", "p.toml");
    ASSERT_TRUE(entry) << entry.message();
    EXPECT_EQ(entry->passwordFrom, ProfileEntry::PasswordFrom::Keychain);
    EXPECT_TRUE(entry->password.empty());
    EXPECT_EQ(renderProfile(*entry), text);
    EXPECT_EQ(cloneProfileEntry(*entry).passwordFrom, ProfileEntry::PasswordFrom::Keychain);
    auto unset = readProfileEntry(
        "[profile.x]\nprotocol = \"dyndns2\"\nserver = \"s\"\nhosts = [\"a\"]\npassword_keychain = false\n", "x",
        "p.toml");
    ASSERT_TRUE(unset) << unset.message();
    EXPECT_EQ(unset->passwordFrom, ProfileEntry::PasswordFrom::None);
    EXPECT_FALSE(readProfileEntry("[profile.x]\npassword_keychain = 1\n", "x", "p.toml"));
}

TEST(ProfileReaderTest, RefusesWhatItCannotHoldOrFind) {
    const std::string policy =
        "[profile.v6]\nprotocol = \"dyndns2\"\nserver = \"https://x.example\"\nhosts = [\"a.example\"]\n"
        "families = [\"ipv6\"]\nipv6_interface_id = \"::1\"\n";
    auto refused = readProfileEntry(policy, "v6", "p.toml");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.message(),
              "p.toml:6: profile v6 sets ipv6_interface_id, which this editor cannot keep; edit it "
              "in the file itself");
    EXPECT_EQ(readProfileEntry(kFile, "nope", "p.toml").message(), "no profile \"nope\" in p.toml");
    EXPECT_EQ(readProfileEntry("[profile.x\n", "x", "p.toml").message().rfind("p.toml:1: ", 0), 0U);
    EXPECT_FALSE(readProfileEntry("[profile.x]\nhosts = \"a\"\n", "x", "p.toml"));  // wrong type
    EXPECT_FALSE(readProfileEntry("[profile.x]\npoll_interval = \"5w\"\n", "x", "p.toml"));
}

TEST(ProfileReplaceTest, TheSectionIsReplacedWhereItWasAndNothingElseMoves) {
    auto entry = readProfileEntry(kFile, "dns", "p.toml");
    ASSERT_TRUE(entry) << entry.message();
    entry->hosts = {"h.dyn.example.test", "g.dyn.example.test"};
    entry->ttl = 60;
    auto after = replaceProfileText(kFile, *entry, "p.toml", {});
    ASSERT_TRUE(after) << after.message();
    const std::string head = kFile.substr(0, kFile.find("# the TSIG one"));
    const std::string tail = kFile.substr(kFile.find("[profile.fritz]"));
    EXPECT_EQ(*after, head +
                          "# the TSIG one\n"
                          "[profile.dns]\n"
                          "protocol = \"rfc2136\"\n"
                          "server = \"192.0.2.53\"\n"
                          "hosts = [\"h.dyn.example.test\", \"g.dyn.example.test\"]\n"
                          "zone = \"dyn.example.test\"\n"
                          "tsig_algorithm = \"hmac-sha512\"\n"
                          "families = [\"ipv4\", \"ipv6\"]\n"
                          "verify = [\"192.0.2.53\"]\n"
                          "\n" +
                          tail);
}

TEST(ProfileReplaceTest, TheLastAndTheOnlyProfileAndCrlfFiles) {
    auto fritz = readProfileEntry(kFile, "fritz", "p.toml");
    ASSERT_TRUE(fritz);
    auto same = replaceProfileText(kFile, *fritz, "p.toml", {});
    ASSERT_TRUE(same) << same.message();
    EXPECT_EQ(*same, kFile);  // written as renderProfile writes it: the same bytes

    const std::string only =
        "# mine\n\n[profile.one]\nprotocol = \"dyndns2\"\r\nserver = \"https://x.example\"\r\n"
        "hosts = [\"a.example\"]\r\n";
    ProfileEntry entry;
    entry.name = "one";
    entry.protocol = "dyndns2";
    entry.server = "https://y.example";
    entry.hosts = {"a.example"};
    auto replaced = replaceProfileText(only, entry, "p.toml", {});
    ASSERT_TRUE(replaced) << replaced.message();
    EXPECT_EQ(*replaced,
              "# mine\n\n[profile.one]\r\nprotocol = \"dyndns2\"\r\nserver = \"https://y.example\"\r\n"
              "hosts = [\"a.example\"]\r\n");
}

TEST(ProfileReplaceTest, RefusesBrokenFilesUnknownProfilesAndResultsThatWouldNotLoad) {
    ProfileEntry entry;
    entry.name = "home";
    entry.provider = "dynu";
    entry.hosts = {"home.example.net"};
    EXPECT_EQ(replaceProfileText("[profile.home\n", entry, "p.toml", {})
                  .message()
                  .rfind("refusing to edit a file that does not load: p.toml:1", 0),
              0U);
    entry.name = "nope";
    EXPECT_EQ(replaceProfileText(kFile, entry, "p.toml", {}).message(), "no profile \"nope\" in p.toml");
    entry.name = "home";
    entry.protocol = "no-such-protocol";
    auto refused = replaceProfileText(kFile, entry, "p.toml", {});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.message().rfind("the edited file would not load, so nothing was written: ", 0), 0U)
        << refused.message();
    const std::string dotted = "[profile]\nhome.provider = \"dynu\"\nhome.hosts = [\"a.example\"]\n";
    entry.protocol.clear();
    EXPECT_NE(replaceProfileText(dotted, entry, "p.toml", {}).message().find("not written as its own"),
              std::string::npos);
}

}  // namespace profile_reader_test
}  // namespace
}  // namespace qdyn::config
