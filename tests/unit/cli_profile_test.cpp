// `qdyn profile list|show|add|remove|test` in-process with captured streams: exact lines, the
// file left byte for byte as it was around an edit, its mode, the refusals, and no secret in
// any output. `profile test` checks credentials against qdyn-server on loopback.
#include <gtest/gtest.h>

#ifndef _WIN32
#include <sys/stat.h>  // chmod
#endif

#include <fstream>
#include <memory>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "cli_run.hpp"
#include "exit_codes.hpp"
#include "qdyn/private_file.hpp"
#include "qdyn_server/server.hpp"
#include "temp_dir.hpp"
#include "test_values.hpp"
#include "toml_text.hpp"

namespace qdyn::test {
namespace {
namespace cli_profile_test {

using cli::kExitAuthFailed;
using cli::kExitOk;
using cli::kExitRetryLater;
using cli::kExitUsage;

const std::string kSecret = "Pa55-w0rd\"x";  // never to appear in any output

std::string contentOf(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

class CliProfileTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_secret = m_dir.write("home.secret", kSecret + "\n");
        m_file = m_dir.write("profiles.toml",
                             "# my profiles\n\n"
                             "[profile.home]\n"
                             "provider = \"dynu\"\n"
                             "hosts = [\"home.example.net\", \"nas.example.net\"]\n"
                             "username = \"alice\"\n"
                             "password_file = " + tomlPath(m_secret) + "\n"
                             "detect = [\"static:1.2.3.4\"]\n\n"
                             "[profile.dns]  # the TSIG one\n"
                             "protocol = \"rfc2136\"\n"
                             "server = \"192.0.2.53\"\n"
                             "hosts = [\"h.dyn.example.test\"]\n"
                             "zone = \"dyn.example.test\"\n"
                             "families = [\"ipv4\", \"ipv6\"]\n"
                             "verify = false\n",
                             0644);
    }

    CliRun run(std::vector<std::string> args, std::string_view input = {}) const {
        args.insert(args.begin() + (args.size() > 1 && args[0] == "profile" ? 2 : 1), {"--config", m_file.string()});
        return runQdyn(args, input);
    }

    TempDir m_dir;
    std::filesystem::path m_secret;
    std::filesystem::path m_file;
};

TEST(CliProfileCommandsTest, TheNewCommandsAreListed) {
    std::set<std::string> names;
    for (cli::CommandFactory factory : cli::commandFactories()) {
        CLI::App app;
        names.insert(factory()->add(app)->get_name());
    }
    for (const char* name : {"profile", "import", "query"}) EXPECT_EQ(names.count(name), 1U) << name;
}

TEST(CliProfileCommandsTest, EveryNewCommandHasUsefulHelp) {
    const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> cases{
        {{"profile", "--help"}, {"list", "show", "add", "remove", "test"}},
        {{"profile", "list", "--help"}, {"--json", "--config", "Exit codes"}},
        {{"profile", "show", "--help"}, {"NAME", "never shown", "password_env NAME"}},
        {{"profile", "add", "--help"}, {"--provider", "--password-stdin", "--password-file", "never taken from the command line", "Examples:", "Exit codes"}},
        {{"profile", "remove", "--help"}, {"--dry-run", "sub-tables", "Exit codes"}},
        {{"profile", "test", "--help"}, {"--no-detect", "QDNS", "RFC 2136", "dyndns2", "Exit codes"}},
        {{"import", "--help"}, {"--format", "--output", "--force", std::string(privateFileWords()), "FILE:LINE", "Exit codes"}},
        {{"query", "--help"}, {"--server", "--profile", "--type", "resolv.conf", "QUERY", "Exit codes"}},
    };
    for (const auto& [args, words] : cases) {
        const CliRun help = runQdyn(args);
        EXPECT_EQ(help.code, kExitOk) << args[0];
        for (const auto& word : words) EXPECT_NE(help.out.find(word), std::string::npos) << args[0] << " " << word;
    }
    EXPECT_EQ(runQdyn({"profile"}).code, kExitUsage);  // a member must be named
}

TEST_F(CliProfileTest, ListShowsOneAlignedRowPerProfile) {
    const CliRun list = run({"profile", "list"});
    ASSERT_EQ(list.code, kExitOk) << list.err;
    EXPECT_EQ(linesOf(list.out), (std::vector<std::string>{
                                     "NAME  PROTOCOL        SERVER                HOSTS",
                                     "dns   rfc2136         dns://192.0.2.53      h.dyn.example.test",
                                     "home  dyndns2 (dynu)  https://api.dynu.com  home.example.net,nas.example.net",
                                 }));
    const CliRun json = run({"profile", "list", "--json"});
    ASSERT_EQ(json.code, kExitOk) << json.err;
    const auto parsed = nlohmann::json::parse(json.out);
    ASSERT_EQ(parsed.size(), 2U);
    EXPECT_EQ(parsed[1]["name"], "home");
    EXPECT_EQ(parsed[1]["password"], "password_file " + m_secret.string());
    EXPECT_EQ(parsed[1]["hosts"], nlohmann::json::array({"home.example.net", "nas.example.net"}));
    EXPECT_EQ(parsed[0]["password"], "none");
    EXPECT_EQ(json.out.find("Pa55"), std::string::npos);
}

TEST_F(CliProfileTest, APasswordInTheKeychainIsShownAsSuchAndNeverTried) {
    m_file = m_dir.write("tray.toml",
                         "[profile.tray]\nprotocol = \"dyndns2\"\nserver = \"https://ddns.example.test\"\n"
                         "hosts = [\"tray.example.net\"]\nusername = \"alice\"\npassword_keychain = true\n"
                         "detect = [\"static:1.2.3.4\"]\n",
                         0644);
    const CliRun show = run({"profile", "show", "tray"});
    ASSERT_EQ(show.code, kExitOk) << show.err;
    EXPECT_NE(show.out.find("password        keychain\n"), std::string::npos) << show.out;
    const CliRun list = run({"profile", "list", "--json"});
    ASSERT_EQ(list.code, kExitOk) << list.err;
    EXPECT_EQ(nlohmann::json::parse(list.out)[0]["password"], "keychain");
    const CliRun test = run({"profile", "test", "tray"});
    EXPECT_EQ(test.code, kExitUsage);
    EXPECT_EQ(test.err,
              "qdyn profile test: profile tray: its password is in the desktop keychain (saved by qdyn-tray), which "
              "the qdyn command cannot read; use password_file or password_env to share it with the CLI\n");
}

TEST_F(CliProfileTest, ShowGivesEverySettingAndOnlyWhereThePasswordComesFrom) {
    const CliRun show = run({"profile", "show", "home"});
    ASSERT_EQ(show.code, kExitOk) << show.err;
    EXPECT_EQ(linesOf(show.out), (std::vector<std::string>{
                                     "profile         home (" + m_file.string() + ":3)",
                                     "provider        dynu",
                                     "protocol        dyndns2",
                                     "server          https://api.dynu.com",
                                     "hosts           home.example.net, nas.example.net",
                                     "username        alice",
                                     "password        password_file " + m_secret.string(),
                                     "ipv6            myipv6",
                                     "timeout         15s",
                                     "families        ipv4",
                                     "detect_ipv4     static:1.2.3.4",
                                     "agreement       1",
                                     "allow_private   no",
                                     "poll_interval   5m",
                                     "refresh_after   25d",
                                     "verify          auto (the zone's authoritative servers)",
                                 }));
    const CliRun dns = run({"profile", "show", "dns"});
    ASSERT_EQ(dns.code, kExitOk) << dns.err;
    for (const char* line : {"zone            dyn.example.test", "ttl             60", "tsig_algorithm  hmac-sha256",
                             "families        ipv4, ipv6", "detect_ipv6     interface, stun, dns, http (default)",
                             "verify          off"}) {
        EXPECT_NE(dns.out.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << dns.out;
    }
    const CliRun json = run({"profile", "show", "home", "--json"});
    ASSERT_EQ(json.code, kExitOk) << json.err;
    const auto parsed = nlohmann::json::parse(json.out);
    EXPECT_EQ(parsed["password"], "password_file " + m_secret.string());
    EXPECT_EQ(parsed["poll_interval"], 300);
    EXPECT_EQ(parsed["verify"], true);
    EXPECT_EQ(json.out.find("Pa55"), std::string::npos);
    EXPECT_EQ(show.out.find("Pa55"), std::string::npos);

    const CliRun missing = run({"profile", "show", "nope"});
    EXPECT_EQ(missing.code, kExitUsage);
    EXPECT_EQ(missing.err, "qdyn profile show: no profile \"nope\" in " + m_file.string() + " (it has: dns home)\n");
}

TEST_F(CliProfileTest, AddAppendsASectionAndLeavesTheRestOfTheFileAlone) {
    const std::string before = contentOf(m_file);
    const CliRun add = run({"profile", "add", "lab", "--protocol", "qdns", "--server", "qdns://127.0.0.1:7393", "--host",
                            "lab.example.test", "--password-file", m_secret.string(), "--family", "ipv4", "--family",
                            "ipv6", "--detect", "interface:eth0", "--poll-interval", "2m", "--verify", "192.0.2.53",
                            "--comment", "the lab"});
    ASSERT_EQ(add.code, kExitOk) << add.err;
    EXPECT_EQ(add.out, "added profile lab to " + m_file.string() + "; check it with: qdyn profile test lab\n");
    EXPECT_EQ(contentOf(m_file), before +
                                     "\n# the lab\n[profile.lab]\nprotocol = \"qdns\"\nserver = \"qdns://127.0.0.1:7393\"\n"
                                     "hosts = [\"lab.example.test\"]\npassword_file = " + tomlPath(m_secret) + "\n"
                                     "families = [\"ipv4\", \"ipv6\"]\ndetect = [\"interface:eth0\"]\n"
                                     "poll_interval = \"2m\"\nverify = [\"192.0.2.53\"]\n");
#ifndef _WIN32
    EXPECT_EQ(fileMode(m_file), 0644U);  // no inline password: the mode stays
#endif
    EXPECT_EQ(run({"profile", "show", "lab"}).code, kExitOk);
}

TEST_F(CliProfileTest, AnInlinePasswordComesFromStdinIntoAPrivateFileOnly) {
    const std::vector<std::string> args{"profile", "add", "inline", "--provider", "dynu", "--host", "i.example.net",
                                        "--username", "bob", "--password-stdin"};
#ifndef _WIN32
    // Only a file that other users cannot read takes a password (mode bits: POSIX only).
    const std::string before = contentOf(m_file);
    const CliRun readable = run(args, kSecret + "\n");
    EXPECT_EQ(readable.code, kExitUsage);
    EXPECT_EQ(readable.err, "qdyn profile add: " + m_file.string() + " holds profiles but other users can read it (mode "
                            "0644); fix it with: chmod 600 " + m_file.string() + "; an inline password needs a private "
                            "file (or use --password-file or --password-env)\n");
    EXPECT_EQ(contentOf(m_file), before);

    ASSERT_EQ(::chmod(m_file.c_str(), 0600), 0);
#endif
    const CliRun added = run(args, kSecret + "\r\n");
    ASSERT_EQ(added.code, kExitOk) << added.err;
    EXPECT_NE(contentOf(m_file).find("password = \"Pa55-w0rd\\\"x\"\n"), std::string::npos);
#ifndef _WIN32
    EXPECT_EQ(fileMode(m_file), 0600U);
#endif
    EXPECT_EQ(added.out.find("Pa55"), std::string::npos);
    EXPECT_EQ(added.err.find("Pa55"), std::string::npos);
    const CliRun show = run({"profile", "show", "inline", "--json"});
    EXPECT_EQ(nlohmann::json::parse(show.out)["password"], "inline");
    EXPECT_EQ(show.out.find("Pa55"), std::string::npos);

    // A new file is created private; a dry run shows *** and writes nothing.
    const auto fresh = m_dir.path() / "new" / "profiles.toml";
    const CliRun dry = runQdyn({"profile", "add", "x", "--config", fresh.string(), "--provider", "dynu", "--host",
                                "x.example.net", "--password-stdin", "--dry-run"},
                               kSecret + "\n");
    ASSERT_EQ(dry.code, kExitOk) << dry.err;
    EXPECT_EQ(dry.out, "[profile.x]\nprovider = \"dynu\"\nhosts = [\"x.example.net\"]\npassword = \"***\"\n");
    EXPECT_FALSE(std::filesystem::exists(fresh));
    const CliRun created = runQdyn({"profile", "add", "x", "--config", fresh.string(), "--provider", "dynu", "--host",
                                    "x.example.net", "--password-stdin"},
                                   kSecret + "\n");
    ASSERT_EQ(created.code, kExitOk) << created.err;
#ifndef _WIN32
    EXPECT_EQ(fileMode(fresh), 0600U);
#endif
    EXPECT_EQ(runQdyn({"profile", "list", "--config", fresh.string()}).code, kExitOk);
    EXPECT_EQ(runQdyn({"profile", "add", "y", "--config", fresh.string(), "--provider", "dynu", "--host", "y",
                       "--password-stdin"},
                      "\n")
                  .code,
              kExitUsage);  // an empty line is no password
#ifdef _WIN32
    GTEST_SKIP() << "a file readable by others (mode bits) is POSIX; Windows uses access lists (the rest ran)";
#endif
}

TEST_F(CliProfileTest, APasswordFileOthersMayReadIsWarnedOf) {
#ifdef _WIN32
    GTEST_SKIP() << "file modes are POSIX; the access list check is run under Wine (tests/windows)";
#else
    const std::vector<std::string> args{"profile", "add", "lab", "--provider", "dynu", "--host", "lab.example.test",
                                        "--password-file", m_secret.string()};
    ASSERT_EQ(::chmod(m_secret.c_str(), 0644), 0);
    const CliRun added = run(args);
    ASSERT_EQ(added.code, kExitOk) << added.err;
    EXPECT_EQ(added.err, "qdyn profile add: warning: " + m_secret.string() + " holds a password but other users can "
                         "read it (mode 0644); fix it with: chmod 600 " + m_secret.string() + "\n");
    ASSERT_EQ(::chmod(m_secret.c_str(), 0600), 0);
    EXPECT_EQ(run({"profile", "remove", "lab"}).code, kExitOk);
    const CliRun again = run(args);
    ASSERT_EQ(again.code, kExitOk) << again.err;
    EXPECT_EQ(again.err, "") << "a private file draws no warning";
#endif
}

TEST_F(CliProfileTest, AddRefusesWhatWouldNotLoadAndChangesNothing) {
    const std::string before = contentOf(m_file);
    const auto refused = [&](std::vector<std::string> args, const std::string& why) {
        args.insert(args.begin(), {"profile", "add"});
        const CliRun result = run(args);
        EXPECT_EQ(result.code, kExitUsage) << args[2];
        EXPECT_NE(result.err.find(why), std::string::npos) << result.err;
        EXPECT_EQ(contentOf(m_file), before);
    };
    refused({"a", "--host", "a.example.net"}, "give --provider NAME, or --protocol NAME with --server URL");
    refused({"a", "--protocol", "dyndns2", "--host", "a.example.net"}, "--protocol dyndns2 needs --server URL");
    refused({"a", "--provider", "nosuch", "--host", "a.example.net"}, "unknown provider \"nosuch\"");
    refused({"home", "--provider", "dynu", "--host", "a.example.net"}, "profile home already exists");
    refused({"a", "--provider", "dynu", "--host", "a.example.net", "--poll-interval", "soon"}, "--poll-interval soon");
    refused({"a", "--provider", "dynu", "--host", "a.example.net", "--detect", "teleport"}, "unknown source");
    EXPECT_EQ(run({"profile", "add", "a", "--provider", "dynu", "--host", "a", "--password-file", "x", "--password-env",
                   "Y"})
                  .code,
              kExitUsage);
    // password_env names a variable of the service's environment: it need not be set here.
    const CliRun env = run({"profile", "add", "envy", "--provider", "dynu", "--host", "e.example.net", "--password-env",
                            "QDYN_TEST_SURELY_UNSET"});
    ASSERT_EQ(env.code, kExitOk) << env.err;
    EXPECT_EQ(env.err, "qdyn profile add: note: QDYN_TEST_SURELY_UNSET is not set here; set it in the environment qdyn runs in\n");
}

TEST_F(CliProfileTest, RemoveTakesOneSectionOut) {
    const CliRun dry = run({"profile", "remove", "dns", "--dry-run"});
    ASSERT_EQ(dry.code, kExitOk) << dry.err;
    const std::string expected = contentOf(m_file).substr(0, contentOf(m_file).find("\n[profile.dns]"));
    EXPECT_EQ(dry.out, expected);
    const CliRun removed = run({"profile", "remove", "dns"});
    ASSERT_EQ(removed.code, kExitOk) << removed.err;
    EXPECT_EQ(removed.out, "removed profile dns from " + m_file.string() + "\n");
    EXPECT_EQ(contentOf(m_file), expected);
#ifndef _WIN32
    EXPECT_EQ(fileMode(m_file), 0644U);
#endif
    const CliRun last = run({"profile", "remove", "home"});
    EXPECT_EQ(last.code, kExitUsage);
    EXPECT_NE(last.err.find("is the only one"), std::string::npos);
    EXPECT_EQ(run({"profile", "remove", "nope"}).err, "qdyn profile remove: no profile \"nope\" in " + m_file.string() + "\n");
}

TEST_F(CliProfileTest, TestDetectsWithTheProfilesSourcesAndSaysWhyNoCheck) {
    const CliRun test = run({"profile", "test", "home"});
    EXPECT_EQ(test.code, kExitOk) << test.err;
    EXPECT_EQ(linesOf(test.out), (std::vector<std::string>{
                                     "profile home: dyndns2 at https://api.dynu.com",
                                     "IPv4: 1.2.3.4 (static 1.2.3.4 reported it (global unicast))",
                                     "credentials: not checked: dyndns2 has no request that checks credentials "
                                     "without changing the record",
                                 }));
    const CliRun json = run({"profile", "test", "home", "--json"});
    EXPECT_EQ(json.code, kExitOk);
    const auto parsed = nlohmann::json::parse(json.out);
    EXPECT_EQ(parsed["detection"][0]["chosen"], "1.2.3.4");
    EXPECT_EQ(parsed["credentials"]["status"], "not-supported");
    EXPECT_EQ(json.out.find("Pa55"), std::string::npos);
}

// A QDNS profile against qdyn-server: the login is checked, nothing is updated.
class CliProfileServerTest : public CliProfileTest {
protected:
    void SetUp() override {
        CliProfileTest::SetUp();
        server::Config config;
        config.zone.origin = name("dyn.example.test");
        config.zone.nameserver = name("ns1.example.test");
        config.zone.email = "hostmaster@example.test";
        config.accounts = {server::Account{"alice", kSecret, {name("home.dyn.example.test")}}};
        config.qdns = {server::ListenAddress{ip("127.0.0.1"), 0}};
        config.throttle = server::ThrottleOptions{0, 600, 900, 0};
        m_server = std::make_unique<server::Server>(config);
        auto started = m_server->start();
        ASSERT_TRUE(started) << started.message();
        const std::string url = "qdns://127.0.0.1:" + std::to_string(m_server->port("qdns"));
        m_wrong = m_dir.write("wrong.secret", "not-it\n");
        for (const auto& [profile, secret] : {std::pair{"good", m_secret}, std::pair{"bad", m_wrong}}) {
            ASSERT_EQ(run({"profile", "add", profile, "--protocol", "qdns", "--server", url, "--host",
                           "home.dyn.example.test", "--username", "alice", "--password-file", secret.string(),
                           "--detect", "static:1.2.3.4", "--timeout", "5"})
                          .code,
                      kExitOk);
        }
    }
    void TearDown() override {
        EXPECT_TRUE(m_server->addressesOf(name("home.dyn.example.test")).empty());
        m_server->stop();
    }

    std::unique_ptr<server::Server> m_server;
    std::filesystem::path m_wrong;
};

TEST_F(CliProfileServerTest, GoodAndBadCredentials) {
    const CliRun good = run({"profile", "test", "good", "--no-detect"});
    EXPECT_EQ(good.code, kExitOk) << good.err;
    EXPECT_EQ(linesOf(good.out).back(), "credentials: valid: the server accepted the login \"200 OK\"; nothing was updated");
    const CliRun bad = run({"profile", "test", "bad"});
    EXPECT_EQ(bad.code, kExitAuthFailed) << bad.err;
    EXPECT_EQ(linesOf(bad.out).size(), 3U);
    EXPECT_EQ(linesOf(bad.out).back().rfind("credentials: refused (auth-failed, 401): the server refused the login: ", 0), 0U)
        << bad.out;
    const CliRun json = run({"profile", "test", "bad", "--json"});
    EXPECT_EQ(json.code, kExitAuthFailed);
    const auto parsed = nlohmann::json::parse(json.out);
    EXPECT_EQ(parsed["credentials"]["status"], "invalid");
    EXPECT_EQ(parsed["credentials"]["class"], "auth-failed");
    for (const auto* output : {&good.out, &good.err, &bad.out, &bad.err, &json.out}) {
        EXPECT_EQ(output->find("Pa55"), std::string::npos) << *output;
        EXPECT_EQ(output->find("not-it"), std::string::npos) << *output;
    }
    m_server->stop();
    const CliRun down = run({"profile", "test", "good", "--no-detect"});
    EXPECT_EQ(down.code, kExitRetryLater);
    EXPECT_EQ(linesOf(down.out).back().rfind("credentials: could not be checked (retry-later, network): ", 0), 0U) << down.out;
}

}  // namespace cli_profile_test
}  // namespace
}  // namespace qdyn::test
