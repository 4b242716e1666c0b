// The qdyn binary itself, run as a child process against an in-process qdyn-server: output,
// exit codes, the state that skips unchanged updates, and the refusal of unsafe profiles.
#include <gtest/gtest.h>

#include <map>

#include "closed_port.hpp"
#include "process.hpp"
#include "server_fixture.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {

class CliBinaryTest : public ServerFixture {
protected:
    std::filesystem::path writeProfile(const std::string& user, const std::string& password,
                                       const std::string& hosts = R"(["home.dyn.example.test"])",
                                       unsigned mode = 0600) {
        return m_dir.write("profiles.toml",
                           "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"" + httpBase() + "\"\nhosts = " + hosts +
                               "\nusername = \"" + user + "\"\npassword = \"" + password + "\"\n",
                           mode);
    }
    ProcessResult qdyn(std::vector<std::string> args) {
        args.insert(args.begin(), QDYN_CLI_PATH);
        return runProcess(args, {{"QDYN_STATE_DIR", (m_dir.path() / "state").string()}});
    }

    TempDir m_dir;
};

TEST_F(CliBinaryTest, PrintsVersionAndHelp) {
    const auto version = qdyn({"--version"});
    EXPECT_EQ(version.exitCode, 0);
    EXPECT_EQ(version.out.rfind("qdyn ", 0), 0U) << version.out;
    const auto help = qdyn({"--help"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_NE(help.out.find("update"), std::string::npos);
    EXPECT_NE(help.out.find("Exit codes"), std::string::npos);
    const auto updateHelp = qdyn({"update", "--help"});
    EXPECT_EQ(updateHelp.exitCode, 0);
    for (const char* option : {"--config", "--profile", "--address", "--force", "--dry-run"}) {
        EXPECT_NE(updateHelp.out.find(option), std::string::npos) << option;
    }
}

TEST_F(CliBinaryTest, UnknownCommandIsAUsageError) {
    const auto result = qdyn({"frobnicate"});
    EXPECT_EQ(result.exitCode, 2) << result.err;
    EXPECT_NE(result.err.find("--help"), std::string::npos);
}

TEST_F(CliBinaryTest, UpdatesThenSkipsWhenUnchangedUnlessForced) {
    const auto profile = writeProfile("alice", "s3cret");
    const auto first = qdyn({"update", "--config", profile.string(), "--address", "203.0.113.9"});
    EXPECT_EQ(first.exitCode, 0) << first.out << first.err;
    EXPECT_NE(first.out.find("[home] home.dyn.example.test: updated (good 203.0.113.9)"), std::string::npos)
        << first.out;
    EXPECT_EQ(lookup("home.dyn.example.test").at(0).toString(), "203.0.113.9");

    const auto second = qdyn({"update", "--config", profile.string(), "--address", "203.0.113.9"});
    EXPECT_EQ(second.exitCode, 0);
    EXPECT_NE(second.out.find("unchanged (nothing sent)"), std::string::npos) << second.out;

    const auto forced = qdyn({"update", "-c", profile.string(), "-a", "203.0.113.9", "--force"});
    EXPECT_EQ(forced.exitCode, 0);
    EXPECT_NE(forced.out.find("unchanged (nochg 203.0.113.9)"), std::string::npos) << forced.out;

    const auto quiet = qdyn({"update", "-c", profile.string(), "-a", "203.0.113.10", "--quiet"});
    EXPECT_EQ(quiet.exitCode, 0);
    EXPECT_TRUE(quiet.out.empty()) << quiet.out;
    EXPECT_EQ(lookup("home.dyn.example.test").at(0).toString(), "203.0.113.10");
}

#if defined(QDYN_TEST_CURL_DLOPEN)
// libcurl and its thirty libraries are mapped only by a run that needs them: plain http:// goes
// through qdyn's own small client, a proxy from the environment through libcurl. The dynamic
// loader's own log (glibc's LD_DEBUG) lists every library a run loads.
TEST_F(CliBinaryTest, OnlyARunThroughAProxyLoadsLibcurl) {
    const auto profile = writeProfile("alice", "s3cret");
    const auto loads = [&](std::vector<std::string> args, int exitCode, std::map<std::string, std::string> env = {}) {
        args.insert(args.begin(), QDYN_CLI_PATH);
        env["QDYN_STATE_DIR"] = (m_dir.path() / "state").string();
        env["LD_DEBUG"] = "libs";
        const auto result = runProcess(args, env);
        EXPECT_EQ(result.exitCode, exitCode) << result.err;
        return result.err.find("libcurl") != std::string::npos;
    };
    EXPECT_FALSE(loads({"update", "-c", profile.string(), "-a", "203.0.113.9"}, 0));
    EXPECT_EQ(lookup("home.dyn.example.test").at(0).toString(), "203.0.113.9");
    EXPECT_FALSE(loads({"update", "-c", profile.string(), "-a", "203.0.113.9"}, 0));
    EXPECT_FALSE(loads({"status", "-c", profile.string()}, 0));
    // A proxy that refuses connections: the request goes to libcurl, which cannot reach it.
    const ClosedPort proxy;
    EXPECT_TRUE(loads({"update", "-c", profile.string(), "-a", "203.0.113.10"}, 3,
                      {{"http_proxy", "http://127.0.0.1:" + std::to_string(proxy.port())}}));
    EXPECT_EQ(lookup("home.dyn.example.test").at(0).toString(), "203.0.113.9");
}
#endif

TEST_F(CliBinaryTest, WrongPasswordExitsWithAuthFailedAndLeavesTheRecord) {
    const auto good = writeProfile("alice", "s3cret");
    ASSERT_EQ(qdyn({"update", "-c", good.string(), "-a", "203.0.113.9"}).exitCode, 0);
    const auto bad = writeProfile("alice", "not-the-password");
    const auto result = qdyn({"update", "-c", bad.string(), "-a", "198.51.100.1"});
    EXPECT_EQ(result.exitCode, 4) << result.out << result.err;
    EXPECT_NE(result.err.find("auth-failed (badauth)"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("not-the-password"), std::string::npos) << "the password must never be printed";
    EXPECT_EQ(lookup("home.dyn.example.test").at(0).toString(), "203.0.113.9");
}

TEST_F(CliBinaryTest, RejectedHostExitsWithHostRejected) {
    const auto profile = writeProfile("bob", "hunter2", R"(["home.dyn.example.test"])");
    const auto result = qdyn({"update", "-c", profile.string(), "-a", "198.51.100.1"});
    EXPECT_EQ(result.exitCode, 5) << result.out << result.err;
    EXPECT_NE(result.err.find("host-rejected (nohost)"), std::string::npos) << result.err;
}

TEST_F(CliBinaryTest, DryRunSendsNothingAndHidesThePassword) {
    const auto profile = writeProfile("alice", "s3cret");
    const auto result = qdyn({"update", "-c", profile.string(), "-a", "203.0.113.9", "--dry-run"});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_NE(result.out.find("would send: GET " + httpBase() + "/nic/update?hostname=home.dyn.example.test"
                              "&myip=203.0.113.9 (Basic auth as alice)"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(result.out.find("s3cret"), std::string::npos);
    EXPECT_TRUE(lookup("home.dyn.example.test").empty());
}

TEST_F(CliBinaryTest, RefusesAProfileOthersCanRead) {
    const auto profile = writeProfile("alice", "s3cret", R"(["home.dyn.example.test"])", 0644);
    const auto result = qdyn({"update", "-c", profile.string(), "-a", "203.0.113.9"});
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_NE(result.err.find("chmod 600"), std::string::npos) << result.err;
    EXPECT_TRUE(lookup("home.dyn.example.test").empty());
}

TEST_F(CliBinaryTest, BadAddressAndUnknownProfileAreUsageErrors) {
    const auto profile = writeProfile("alice", "s3cret");
    const auto badAddress = qdyn({"update", "-c", profile.string(), "-a", "203.0.113.999"});
    EXPECT_EQ(badAddress.exitCode, 2);
    EXPECT_NE(badAddress.err.find("not an IPv4 or IPv6 address"), std::string::npos) << badAddress.err;
    const auto unknown = qdyn({"update", "-c", profile.string(), "-p", "office"});
    EXPECT_EQ(unknown.exitCode, 2);
    EXPECT_NE(unknown.err.find("no profile \"office\""), std::string::npos) << unknown.err;
}

TEST_F(CliBinaryTest, UnreachableServerExitsWithRetryLater) {
    const ClosedPort closed;
    const auto profile = m_dir.write("down.toml",
                                     "[profile.down]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:" +
                                         std::to_string(closed.port()) + "\"\n"
                                     "hosts = [\"home.dyn.example.test\"]\nusername = \"alice\"\npassword = \"x\"\n");
    const auto result = qdyn({"update", "-c", profile.string(), "-a", "203.0.113.9"});
    EXPECT_EQ(result.exitCode, 3) << result.out << result.err;
    EXPECT_NE(result.err.find("retry-later (network)"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace qdyn::test

namespace qdyn::test {
namespace {

TEST_F(CliBinaryTest, StatusExplainAndResetTellAStopAndLiftIt) {
    const auto profile = m_dir.write("profiles.toml",
                                     "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"" + httpBase() +
                                         "\"\nhosts = [\"home.dyn.example.test\"]\nusername = \"alice\"\n"
                                         "password = \"not-the-password\"\nverify = false\nallow_private = true\n"
                                         "detect = [\"static:10.0.0.5\"]\n",
                                     0600);
    const auto failed = qdyn({"update", "-c", profile.string()});
    ASSERT_EQ(failed.exitCode, 4) << failed.out << failed.err;

    const auto status = qdyn({"status", "-c", profile.string()});
    EXPECT_EQ(status.exitCode, 0) << status.err;
    EXPECT_NE(status.out.find("  home.dyn.example.test\n"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("last reply: auth-failed (badauth)"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("next: nothing: stopped after badauth until the profile changes or `qdyn reset`"),
              std::string::npos)
        << status.out;

    const auto updateJson = qdyn({"update", "-c", profile.string(), "--json"});
    EXPECT_EQ(updateJson.exitCode, 4);
    EXPECT_NE(updateJson.out.find("\"action\": \"stopped\""), std::string::npos) << updateJson.out;
    EXPECT_NE(updateJson.out.find("\"stopped_by\": \"auth-failed\""), std::string::npos) << updateJson.out;
    EXPECT_EQ(updateJson.out.find("not-the-password"), std::string::npos) << "no secret in --json";

    const auto json = qdyn({"status", "-c", profile.string(), "--json"});
    EXPECT_EQ(json.exitCode, 0);
    EXPECT_NE(json.out.find("\"code\": \"badauth\""), std::string::npos) << json.out;
    EXPECT_EQ(json.out.find("not-the-password"), std::string::npos) << "no secret in --json";

    const auto again = qdyn({"update", "-c", profile.string()});
    EXPECT_EQ(again.exitCode, 4) << "a stop keeps its exit code";
    EXPECT_NE(again.err.find("stopped: profile stopped since"), std::string::npos) << again.err;

    const auto explain = qdyn({"explain", "home.dyn.example.test", "-c", profile.string()});
    EXPECT_EQ(explain.exitCode, 0) << explain.err;
    EXPECT_EQ(explain.out.find("detection (IPv4): "), std::string::npos) << "a stopped profile detects nothing";
    EXPECT_NE(explain.out.find("now: stopped: profile stopped since"), std::string::npos) << explain.out;
    EXPECT_EQ(qdyn({"explain", "nope.example.test", "-c", profile.string()}).exitCode, 2);

    const auto reset = qdyn({"reset", "-c", profile.string()});
    EXPECT_EQ(reset.exitCode, 0);
    EXPECT_EQ(reset.out, "[home] lifted the profile's stop (badauth)\n");
    const auto after = qdyn({"explain", "home.dyn.example.test", "-c", profile.string()});
    EXPECT_NE(after.out.find("detection (IPv4): "), std::string::npos) << after.out;
    EXPECT_NE(after.out.find("now: an update would be sent: first update"), std::string::npos) << after.out;
    EXPECT_EQ(qdyn({"reset", "-c", profile.string()}).out, "[home] nothing to reset\n");
}

}  // namespace
}  // namespace qdyn::test
