// The inadyn.conf importer on the examples of inadyn.conf(5) (tests/data/import), then on
// libconfuse's syntax: comments, lists, quoting, include(), errors with their line.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "qdyn/config/import.hpp"
#include "qdyn/config/profile.hpp"

namespace qdyn::config {
namespace {
namespace import_inadyn_test {

std::string data(const std::string& name) {
    std::ifstream in(QDYN_SOURCE_DIR "/tests/data/import/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name << " is missing";
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> notes(const ImportResult& result) {
    std::vector<std::string> out;
    for (const auto& note : result.notConverted) out.push_back(std::to_string(note.line) + ": " + note.text);
    return out;
}

ImportResult imported(std::string_view text) {
    auto result = importInadyn(text);
    EXPECT_TRUE(result) << result.message();
    return result ? std::move(*result) : ImportResult{};
}

// The converted file without its header; it must load and hold every profile.
std::string converted(const ImportResult& result) {
    auto text = renderImport(result, "inadyn.conf", ImportFormat::Inadyn);
    if (!text) return "ERROR " + text.message();
    auto loaded = parseProfiles(*text, "converted.toml");
    EXPECT_TRUE(loaded) << loaded.message() << "\n" << *text;
    if (loaded) {
        EXPECT_EQ(loaded->profiles.size(), result.profiles.size());
    }
    return text->substr(text->find("\n\n") + 2);
}

std::string unknown(const std::string& section, const std::string& name) {
    return "not converted: provider " + section + " (" + name +
           ") has no qdyn equivalent (`qdyn providers` lists the services qdyn speaks; a custom section may fit)";
}

TEST(ImportInadynTest, TheManualsExamplesConvertWhatQdynSpeaks) {
    const auto result = imported(data("inadyn.conf.5-examples.conf"));
    const std::string text = converted(result);
    auto loaded = parseProfiles(*renderImport(result, "inadyn.conf", ImportFormat::Inadyn), "converted.toml");
    ASSERT_TRUE(loaded) << loaded.message();
    std::vector<std::string> names;
    for (const auto& profile : result.profiles) {
        const Profile* read = loaded->find(profile.entry.name);
        ASSERT_NE(read, nullptr) << profile.entry.name;
        names.push_back(read->name + " " + read->provider + "/" + read->protocol);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"dyn dyn/dyndns2", "noip-1 noip/dyndns2", "noip-2 noip/dyndns2",
                                               "strato strato/dyndns2", "dynv6 dynv6/dyndns2", "namecheap /custom",
                                               "example /custom"}));
    // period = 300 is the default poll interval; allow-ipv6 = true (set further down) holds for all.
    EXPECT_NE(text.find("# from line 4: provider dyndns.org\n[profile.dyn]\nprovider = \"dyn\"\n"
                        "hosts = [\"my.example.com\", \"other.example.org\"]\nusername = \"account1\"\n"
                        "password = \"secret1\"\nfamilies = [\"ipv4\", \"ipv6\"]\n"),
              std::string::npos)
        << text;
    const Profile& noip = *loaded->find("noip-1");
    EXPECT_EQ(noip.agent.detectV4, std::vector<std::string>{"http:http://dynamic.zoneedit.com/checkip.html"});
    EXPECT_EQ(noip.username, "account21");
    EXPECT_EQ(noip.password.reveal(), "secret21");
    // inadyn sends dynv6's token as the username; qdyn's dynv6 row takes it as the password.
    const Profile& dynv6 = *loaded->find("dynv6");
    EXPECT_EQ(dynv6.password.reveal(), "your_token");
    EXPECT_EQ(dynv6.username, "");
    const Profile& namecheap = *loaded->find("namecheap");
    EXPECT_EQ(namecheap.urlTemplate, "https://dynamicdns.park-your-domain.com/update?domain=%u&password=%p&host=%h");
    EXPECT_EQ(namecheap.hosts, (std::vector<std::string>{"@", "www", "test"}));
    const Profile& example = *loaded->find("example");
    EXPECT_EQ(example.urlTemplate, "https://update.example.com/update?hostname=%h");
    EXPECT_EQ(example.agent.detectV4, std::vector<std::string>{"http:http://checkip.example.com/"});

    EXPECT_EQ(notes(result),
              (std::vector<std::string>{
                  "12: " + unknown("freedns", "default@freedns.afraid.org"),
                  "37: " + unknown("domains.google.com:1", "default@domains.google.com"),
                  "43: " + unknown("domains.google.com:2", "default@domains.google.com"),
                  "50: " + unknown("loopia.com", "default@loopia.com"),
                  "58: " + unknown("ddnss.de", "default@ddnss.de"),
                  "65: " + unknown("spdyn.de", "default@spdyn.de"),
                  "86: not converted: checkip-command needs a shell; qdyn runs a program with arguments, never a "
                  "shell (put it in a script and name that: detect = [\"command:/path/to/script\"])",
                  "90: " + unknown("tunnelbroker.net", "default@tunnelbroker.net"),
                  "97: " + unknown("freemyip.com", "default@freemyip.com"),
                  "103: " + unknown("cloudxns.net", "default@cloudxns.net"),
                  "110: " + unknown("dnspod.cn", "default@dnspod.cn"),
                  "117: " + unknown("cloudflare.com", "default@cloudflare.com"),
              }));
}

TEST(ImportInadynTest, CustomSectionsAppendTheHostOrTheAddressOrUseSpecifiers) {
    const auto appended = imported(data("inadyn.conf.5-custom-append-myip.conf"));
    EXPECT_EQ(converted(appended),
              "# from line 2: custom dyn.com\n"
              "# any 2xx reply counts as success; list success and failure words to be stricter\n"
              "[profile.dyn-com]\nprotocol = \"custom\"\n"
              "url = \"https://members.dyndns.org/nic/update?hostname=YOURHOST.dyndns.org&myip=%i\"\n"
              "hosts = [\"YOURHOST\"]\nusername = \"DYNUSERNAME\"\npassword = \"DYNPASSWORD\"\n");
    EXPECT_TRUE(appended.notConverted.empty());
    const auto specifiers = imported(data("inadyn.conf.5-custom-specifiers.conf"));
    ASSERT_EQ(specifiers.profiles.size(), 1U);
    EXPECT_EQ(specifiers.profiles[0].entry.url, "http://members.dyndns.org/nic/update?hostname=%h.dyndns.org&myip=%i");
    converted(specifiers);
}

TEST(ImportInadynTest, GlobalsCommentsListsAndQuoting) {
    const auto result = imported(
        "/* a block\n   comment */ period = 600 // to the end of the line\n"
        "forced-update = 86400\nverify-address = false\nsecure-ssl = false\niface = eth0\n"
        "user-agent = \"Mozilla/4.0\"\n"
        "provider default@dynu.com:home {\n"
        "  username = \"u\\\"v\"\n"
        "  password = 'p\\'q#r'   # a comment\n"
        "  hostname = { a.example.test, \"b.example.test\" }\n"
        "  wildcard = true\n"
        "  include(\"/etc/inadyn.d/more.conf\")\n"
        "}\n");
    EXPECT_EQ(notes(result), (std::vector<std::string>{
                                 "7: not converted: user-agent = Mozilla/4.0 (qdyn sends its own User-Agent)",
                                 "12: not converted: wildcard = true (qdyn has no equivalent)",
                                 "13: not converted: include(...) (inline the included file's settings and import again)",
                             }));
    ASSERT_EQ(result.profiles.size(), 1U);
    const ProfileEntry& entry = result.profiles[0].entry;
    EXPECT_EQ(entry.name, "dynu-home");
    EXPECT_EQ(entry.username, "u\"v");
    EXPECT_EQ(entry.password.reveal(), "p'q#r");
    EXPECT_EQ(entry.hosts, (std::vector<std::string>{"a.example.test", "b.example.test"}));
    EXPECT_EQ(entry.detect, std::vector<std::string>{"interface:eth0"});
    EXPECT_EQ(entry.pollInterval, 600);
    EXPECT_EQ(entry.refreshAfter, 86400);
    EXPECT_EQ(entry.allowPrivate, true);
    EXPECT_EQ(entry.tlsVerify, false);
    converted(result);
}

TEST(ImportInadynTest, NothingUsefulOrNothingAtAll) {
    const auto noHost = imported("provider dyndns.org { username = a\n password = b }\nweird x { a = b }\n");
    EXPECT_EQ(notes(noHost), (std::vector<std::string>{
                                 "1: not converted: provider dyndns.org has no hostname",
                                 "3: not converted: section weird (inadyn knows provider and custom)",
                             }));
    EXPECT_FALSE(renderImport(noHost, "inadyn.conf", ImportFormat::Inadyn));
    const auto bad = imported("custom x { hostname = \"a b\"\n ddns-server = s.example.test }\nperiod = 5\n");
    EXPECT_EQ(notes(bad), (std::vector<std::string>{
                              "1: not converted: \"a b\" is not a host name",
                              "1: not converted: custom x has no hostname",
                              "3: not converted: period = 5 (poll_interval must be 10 s to 1 day)",
                          }));
}

TEST(ImportInadynTest, SyntaxErrorsNameTheLine) {
    const auto expectError = [](std::string_view text, const std::string& message) {
        auto result = importInadyn(text);
        ASSERT_FALSE(result) << text;
        EXPECT_EQ(result.message(), message);
    };
    expectError("provider dyndns.org {\n username = a\n", "line 3: expected a setting or }, found the end of the file");
    expectError("period 300\n", "line 2: expected { after the section title, found the end of the file");
    expectError("hostname = { a, b\n", "line 2: expected , or the end of the list, found the end of the file");
    expectError("a = \"open\n", "line 1: a string is never closed");
    expectError("/* never closed\n", "line 1: a /* comment is never closed");
    expectError("provider x { provider y { } }", "line 1: expected = after provider, found \"y\"");
    expectError("= 1", "line 1: expected a setting or a section, found a symbol");
}

TEST(ImportInadynTest, TheFormatIsGuessedFromTheNameOrTheText) {
    EXPECT_EQ(guessImportFormat("/etc/inadyn.conf", ""), ImportFormat::Inadyn);
    EXPECT_EQ(guessImportFormat("/etc/ddclient.conf", "provider x {"), ImportFormat::Ddclient);
    EXPECT_EQ(guessImportFormat("old.conf", "# x\n  provider default@dyndns.org {\n"), ImportFormat::Inadyn);
    EXPECT_EQ(guessImportFormat("old.conf", "protocol=dyndns2\nprovider=x {\n"), ImportFormat::Ddclient);
    EXPECT_EQ(parseImportFormat("inadyn"), ImportFormat::Inadyn);
    EXPECT_FALSE(parseImportFormat("Inadyn"));
}

}  // namespace import_inadyn_test
}  // namespace
}  // namespace qdyn::config
