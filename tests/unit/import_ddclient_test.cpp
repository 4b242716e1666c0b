// The ddclient.conf importer on ddclient's own sample file (tests/data/import, as shipped and
// with each example uncommented), then on the corners of ddclient 3.10's syntax. Every result
// must load with parseProfiles and hold exactly the expected profiles and notes.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "qdyn/config/import.hpp"
#include "qdyn/config/profile.hpp"

namespace qdyn::config {
namespace {
namespace import_ddclient_test {

std::string sample() {
    std::ifstream in(QDYN_SOURCE_DIR "/tests/data/import/sample-etc_ddclient.conf", std::ios::binary);
    EXPECT_TRUE(in) << "tests/data/import/sample-etc_ddclient.conf is missing";
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The sample's example titled `title` ("## NoIP (noip.com)"), uncommented as a user would:
// "# key=value" becomes "key=value". Line 1 is the example's first line.
std::string example(const std::string& title) {
    std::istringstream lines(sample());
    std::vector<std::string> all;
    for (std::string line; std::getline(lines, line);) all.push_back(line);
    std::size_t at = 0;
    while (at < all.size() && all[at] != "## " + title) ++at;
    EXPECT_LT(at, all.size()) << "no example " << title;
    while (at < all.size() && all[at].rfind("##", 0) == 0) ++at;
    std::string out;
    for (; at < all.size() && all[at].rfind("##", 0) != 0; ++at) {
        std::string line = all[at];
        if (line.rfind("# ", 0) == 0) {
            line.erase(0, 2);
        } else if (line.rfind("#", 0) == 0) {
            line.erase(0, 1);
        }
        out += line + "\n";
    }
    return out;
}

std::vector<std::string> notes(const ImportResult& result) {
    std::vector<std::string> out;
    for (const auto& note : result.notConverted) out.push_back(std::to_string(note.line) + ": " + note.text);
    return out;
}

// The sections of the converted file, without its header; the file must load.
std::string converted(const ImportResult& result) {
    auto text = renderImport(result, "ddclient.conf", ImportFormat::Ddclient);
    if (!text) return "ERROR " + text.message();
    auto loaded = parseProfiles(*text, "converted.toml");
    EXPECT_TRUE(loaded) << loaded.message() << "\n" << *text;
    if (loaded) {
        EXPECT_EQ(loaded->profiles.size(), result.profiles.size());
    }
    return text->substr(text->find("\n\n") + 2);
}

const std::string kUnknownProtocol =
    " has no qdyn equivalent (`qdyn providers` lists the services qdyn speaks; a profile with protocol custom may fit)";

TEST(ImportDdclientTest, TheSampleAsShippedHoldsOnlyGlobalSettings) {
    const auto result = importDdclient(sample());
    EXPECT_TRUE(result.profiles.empty());
    EXPECT_EQ(notes(result), (std::vector<std::string>{
                                 "20: not converted: syslog=yes (qdyn logs to stderr, and to syslog or the journal under `qdyn run`)",
                                 "21: not converted: mail=root (qdyn sends no mail; an on_failure or on_change hook can)",
                                 "22: not converted: mail-failure=root (qdyn sends no mail; an on_failure hook can)",
                                 "23: not converted: pid=/run/ddclient.pid (`qdyn run` is supervised by systemd or another service manager)",
                             }));
    auto text = renderImport(result, "ddclient.conf", ImportFormat::Ddclient);
    ASSERT_FALSE(text);
    EXPECT_EQ(text.message(), "ddclient.conf: nothing could be converted into a qdyn profile");
}

TEST(ImportDdclientTest, DynDnsExamplesBecomeDynProfiles) {
    auto dynamic = importDdclient(example("dyndns.org dynamic addresses"));
    EXPECT_EQ(converted(dynamic), "# from line 1: protocol=dyndns2, server=members.dyndns.org\n[profile.dyn]\n"
                                  "provider = \"dyn\"\nhosts = [\"your-dynamic-host.dyndns.org\"]\n");
    EXPECT_TRUE(notes(dynamic).empty());
    auto custom = importDdclient(example("dyndns.org custom addresses"));
    EXPECT_EQ(converted(custom), "# from line 1: protocol=dyndns2, server=members.dyndns.org\n[profile.dyn]\n"
                                 "provider = \"dyn\"\nhosts = [\"your-domain.top-level\", \"your-other-domain.top-level\"]\n");
    EXPECT_EQ(notes(custom), std::vector<std::string>{"1: not converted: custom=yes (a dyndns2 option qdyn does not send)"});
}

TEST(ImportDdclientTest, NoIpExampleKeepsCredentialsAndWarnsOfTheTrailingComma) {
    auto noip = importDdclient(example("NoIP (noip.com)"));
    EXPECT_EQ(converted(noip), "# from line 1: protocol=noip, server=dynupdate.no-ip.com\n[profile.noip]\n"
                               "provider = \"noip\"\nhosts = [\"your-host.domain.com\", \"your-2nd-host.domain.com\"]\n"
                               "username = \"your-noip-login\"\npassword = \"your-noip-password\"\n");
    EXPECT_EQ(notes(noip), std::vector<std::string>{
                               "5: warning: the password ends with a comma, which ddclient 3.10 keeps as part of it; "
                               "qdyn drops it (quote the password if the comma belongs to it)"});
}

TEST(ImportDdclientTest, OtherServersAndPathsAndDetectionSources) {
    EXPECT_EQ(converted(importDdclient(example("OrgDNS.org account-configuration"))),
              "# from line 3: protocol=dyndns2, server=www.orgdns.org\n[profile.yoursubdomain]\n"
              "protocol = \"dyndns2\"\nserver = \"https://www.orgdns.org\"\nhosts = [\"yourSubdomain.orgdns.org\"]\n"
              "username = \"yourLoginName\"\npassword = \"yourPassword\"\n"
              "detect = [\"http:http://members.orgdns.org/nic/ip\"]\n");
    EXPECT_EQ(converted(importDdclient(example("Loopia (loopia.se)"))),
              "# from line 7: protocol=dyndns2, server=dns.loopia.se\n[profile.my]\nprotocol = \"dyndns2\"\n"
              "server = \"https://dns.loopia.se\"\npath = \"/XDynDNSServer/XDynDNS.php\"\n"
              "hosts = [\"my.domain.tld\", \"other.domain.tld\"]\nusername = \"my-loopia.se-login\"\n"
              "password = \"my-loopia.se-password\"\ndetect = [\"checkip:https://dns.loopia.se/checkip/checkip.php\"]\n");
    // password='123': the quotes are ddclient's, not the password's.
    EXPECT_EQ(converted(importDdclient(example("nsupdate.info IPV4(https://www.nsupdate.info)"))),
              "# from line 6: protocol=dyndns2, server=ipv4.nsupdate.info\n[profile.domain]\nprotocol = \"dyndns2\"\n"
              "server = \"https://ipv4.nsupdate.info\"\nhosts = [\"domain.nsupdate.info\"]\n"
              "username = \"domain.nsupdate.info\"\npassword = \"123\"\ndetect = [\"http:http://ipv4.nsupdate.info/myip\"]\n");
    EXPECT_EQ(converted(importDdclient(example("nsupdate.info IPV6 (https://www.nsupdate.info)"))),
              "# from line 6: protocol=dyndns2, server=ipv6.nsupdate.info\n[profile.domain]\nprotocol = \"dyndns2\"\n"
              "server = \"https://ipv6.nsupdate.info\"\nhosts = [\"domain.nsupdate.info\"]\n"
              "username = \"domain.nsupdate.info\"\npassword = \"123\"\nfamilies = [\"ipv6\"]\n"
              "detect = [\"interface:eth0\"]\n");
    EXPECT_EQ(converted(importDdclient(example("OVH DynHost (https://ovh.com)"))),
              "# from line 4: protocol=ovh, server=www.ovh.com\n[profile.ovh]\nprovider = \"ovh\"\n"
              "hosts = [\"test.example.com\"]\nusername = \"example.com-dynhostuser\"\npassword = \"your_password\"\n");
}

TEST(ImportDdclientTest, ProtocolsWithoutAnEquivalentAreListed) {
    auto zoneedit = importDdclient(example("ZoneEdit (zoneedit.com)"));
    EXPECT_TRUE(zoneedit.profiles.empty());
    EXPECT_EQ(notes(zoneedit), std::vector<std::string>{"1: not converted: hosts your.any.domain,your-2nd.any.dom: "
                                                         "protocol zoneedit1" + kUnknownProtocol});
    // The CloudFlare example has comments after its `\`, so ddclient itself ends those lines
    // there: the last line is a host of the default protocol, as ddclient would update it.
    auto cloudflare = importDdclient(example("CloudFlare (www.cloudflare.com)"));
    EXPECT_EQ(notes(cloudflare),
              (std::vector<std::string>{
                  "1: not converted: hosts \\: protocol cloudflare" + kUnknownProtocol,
                  "2: not converted: zone=domain.tld (only the protocols qdyn does not import use it)",
                  "3: not converted: ttl=1 (only the protocols qdyn does not import use it)",
                  "4: warning: blanks or a comment follow the \\ at the end of the line, so ddclient does not continue "
                  "the line here (neither does this import)",
                  "5: warning: blanks or a comment follow the \\ at the end of the line, so ddclient does not continue "
                  "the line here (neither does this import)",
                  "5: not converted: \"\\\" is not a host name",
              }));
    EXPECT_EQ(converted(cloudflare), "# from line 6: protocol=dyndns2, server=members.dyndns.org\n[profile.dyn]\n"
                                     "provider = \"dyn\"\nhosts = [\"domain.tld\", \"my.domain.tld\"]\n");
}

TEST(ImportDdclientTest, TheWholeSampleUncommentedLoadsWithGlobalsCarriedForward) {
    std::istringstream lines(sample());
    std::string text;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("# ", 0) == 0) {
            line.erase(0, 2);
        } else if (line.rfind("#", 0) == 0 && line.rfind("##", 0) != 0) {
            line.erase(0, 1);
        }
        text += line + "\n";
    }
    const auto result = importDdclient(text);
    std::vector<std::string> names;
    for (const auto& profile : result.profiles) names.push_back(profile.entry.name);
    EXPECT_EQ(names, (std::vector<std::string>{"dyn", "dyn-2", "dyn-3", "yoursubdomain", "my", "your-host", "domain",
                                               "domain-2", "domain-3", "domain-4", "test"}));
    converted(result);  // loads
    const auto all = notes(result);
    for (const char* expected :
         {"150: not converted: \"protocol =...\" has blanks around '=', so ddclient reads it as host names, not as a setting",
          "45: not converted: fw-password (reading a router's status page is not supported)",
          "62: not converted: proxy=fasthttp.sympatico.ca:80 (qdyn has no proxy setting; set https_proxy in its environment)"}) {
        EXPECT_NE(std::find(all.begin(), all.end(), expected), all.end()) << expected;
    }
    // A secret never appears in a note.
    for (const auto& note : all) EXPECT_EQ(note.find("XXXXXX"), std::string::npos) << note;
}

TEST(ImportDdclientTest, PasswordsMayHoldHashesCommasAndQuotes) {
    auto result = importDdclient("protocol=dyndns2, server=ddns.example.test\n"
                                 "login=me, password='p#ss, w\"rd' \\\n"
                                 "  a.example.test\n"
                                 "b.example.test,c.example.test oldlogin old#secret\n");
    ASSERT_EQ(result.profiles.size(), 2U);
    EXPECT_EQ(result.profiles[0].entry.password.reveal(), "p#ss, w\"rd");
    EXPECT_EQ(result.profiles[0].entry.hosts, std::vector<std::string>{"a.example.test"});
    EXPECT_EQ(result.profiles[0].line, 2U);
    // The old form "hosts login password": without the word "password" the '#' starts a comment.
    EXPECT_EQ(result.profiles[1].entry.username, "oldlogin");
    EXPECT_EQ(result.profiles[1].entry.password.reveal(), "old");
    EXPECT_EQ(result.profiles[1].entry.hosts, (std::vector<std::string>{"b.example.test", "c.example.test"}));
    EXPECT_EQ(result.profiles[1].entry.server, "https://ddns.example.test");
    EXPECT_TRUE(result.notConverted.empty()) << notes(result).front();
    converted(result);
}

TEST(ImportDdclientTest, AddressStrategiesBecomeSources) {
    auto both = importDdclient("usev4=ifv4, ifv4=eth0, usev6=webv6, daemon=5m, max-interval=10d, timeout=20, ssl=no, "
                               "server=ddns.example.test:8245, script=/update a.example.test\n");
    ASSERT_EQ(both.profiles.size(), 1U);
    const ProfileEntry& a = both.profiles[0].entry;
    EXPECT_EQ(a.server, "http://ddns.example.test:8245");
    EXPECT_EQ(a.path, "/update");
    EXPECT_EQ(a.families, (std::vector<std::string>{"ipv4", "ipv6"}));
    EXPECT_EQ(a.detectIpv4, std::vector<std::string>{"interface:eth0"});
    EXPECT_EQ(a.detectIpv6, std::vector<std::string>{"http:https://api6.ipify.org/"});  // ddclient's default webv6
    EXPECT_EQ(a.pollInterval, 300);
    EXPECT_EQ(a.refreshAfter, 864000);
    EXPECT_EQ(a.timeout, 20);
    EXPECT_EQ(a.comments.back(), "ssl=no in ddclient: plain HTTP, the password travels in clear");
    EXPECT_TRUE(both.notConverted.empty()) << notes(both).front();
    converted(both);

    auto shell = importDdclient("use=cmd, cmd='/usr/local/bin/my-ip | head -1' b.example.test\n");
    ASSERT_EQ(shell.profiles.size(), 1U);
    EXPECT_TRUE(shell.profiles[0].entry.detect.empty());
    EXPECT_EQ(notes(shell), std::vector<std::string>{
                                "1: not converted: cmd needs a shell; qdyn runs a program with arguments, never a shell "
                                "(put the pipeline in a script and name that: detect = [\"command:/path/to/script\"])"});
    auto command = importDdclient("use=cmd, cmd='/usr/local/bin/my-ip --v4' b.example.test\n");
    EXPECT_EQ(command.profiles.at(0).entry.detect, std::vector<std::string>{"command:/usr/local/bin/my-ip --v4"});

    auto fixed = importDdclient("use=ip, ip=198.51.100.7 c.example.test\n");
    EXPECT_EQ(fixed.profiles.at(0).entry.detect, std::vector<std::string>{"static:198.51.100.7"});
    auto old = importDdclient("ipv6=yes d.example.test\n");
    EXPECT_TRUE(old.profiles.at(0).entry.families.empty());  // IPv4 only, as before
    EXPECT_EQ(notes(old), std::vector<std::string>{
                              "1: not converted: ipv6=yes (ddclient 3.10 takes an address here; for IPv6 set usev6)"});
    auto skip = importDdclient("use=web, web=example.test/ip, web-skip='Your address is' e.example.test\n");
    EXPECT_EQ(notes(skip), std::vector<std::string>{
                               "1: not converted: web with web-skip='Your address is': qdyn reads an echo service's "
                               "plain address, JSON or a checkip page, not text after a marker"});
}

TEST(ImportDdclientTest, RouterPagesAndUnknownKeysAreListedOncePerLine) {
    auto result = importDdclient("use=linksys, fw=192.168.1.1:80\nfoo=bar\n"
                                 "a.example.test\nb.example.test\n");
    EXPECT_EQ(notes(result), (std::vector<std::string>{
                                 "1: not converted: fw=192.168.1.1:80 (reading a router's status page is not supported)",
                                 "1: not converted: use=linksys: reading a router's status page is not supported",
                                 "2: not converted: foo=bar (qdyn has no equivalent)",
                             }));
    EXPECT_EQ(result.profiles.size(), 2U);
}

TEST(ImportDdclientTest, AHugeFileIsCutOffWithANote) {
    std::string text;
    for (int i = 0; i < 1100; ++i) text += "login=u" + std::to_string(i) + " h" + std::to_string(i) + ".example.test\n";
    for (int i = 0; i < 1100; ++i) text += "unknown" + std::to_string(i) + "=x\n";
    const auto result = importDdclient(text);
    ASSERT_EQ(result.profiles.size(), 1000U);
    EXPECT_EQ(result.profiles[999].entry.name, "dyn-1000");  // all at the default server: dyn, dyn-2, ...
    ASSERT_EQ(result.notConverted.size(), 1001U);
    EXPECT_EQ(result.notConverted.front().text, "not converted: more than 1000 profiles; the rest (from line 1001) is left out");
    EXPECT_EQ(result.notConverted.back().text, "too many notes: the list stops here");
}

TEST(ImportDdclientTest, BrokenInputIsNotedNotFatal) {
    auto result = importDdclient("login=a \\\n");
    EXPECT_EQ(notes(result), std::vector<std::string>{"1: not converted: the file ends while expecting a continuation line"});
    const char bytes[] = "\0\xff\x01=\n,,,\n=x y z w v\n";
    auto garbage = importDdclient(std::string(bytes, sizeof bytes - 1));
    EXPECT_TRUE(garbage.profiles.empty());
}

}  // namespace import_ddclient_test
}  // namespace
}  // namespace qdyn::config
