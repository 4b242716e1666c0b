// [file_drop] of server.toml: defaults, every key, and every refusal with its file and line.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "qdyn_server/config.hpp"

namespace {
namespace server_file_drop_config_test {

using qdyn::server::Config;
using qdyn::server::FileDropOptions;

const std::string kBase = R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.example.net"

[[account]]
name = "alice"
password = "s3cret"
hosts = ["home"]

[[account]]
name = "bob"
password = "hunter2"
hosts = ["office"]
)";

// The line of the n-th line of `section` (1: its [file_drop] header) in the whole file.
std::string line(int n) {
    return "/etc/qdyn/server.toml:" + std::to_string(std::count(kBase.begin(), kBase.end(), '\n') + n) + ": ";
}

qdyn::Result<Config> parse(const std::string& section, const std::string& base = kBase) {
    return Config::parse(base + section, "/etc/qdyn/server.toml");
}

std::string errorOf(const std::string& section, const std::string& base = kBase) {
    auto parsed = parse(section, base);
    EXPECT_FALSE(parsed) << section;
    return parsed ? std::string() : parsed.message();
}

TEST(FileDropConfig, AbsentMeansNoFileDrop) {
    auto parsed = parse("");
    ASSERT_TRUE(parsed) << parsed.message();
    EXPECT_FALSE(parsed->fileDrop);
}

TEST(FileDropConfig, Defaults) {
    auto parsed = parse("[file_drop]\npattern = \"/home/{account}/.dynamicdns\"\n");
    ASSERT_TRUE(parsed) << parsed.message();
    ASSERT_TRUE(parsed->fileDrop);
    const auto& options = *parsed->fileDrop;
    EXPECT_EQ(options.pattern, "/home/{account}/.dynamicdns");
    EXPECT_TRUE(options.accounts.empty()) << "every account";
    EXPECT_EQ(options.pollInterval, 2U);
    EXPECT_EQ(options.watcher, FileDropOptions::Watcher::Auto);
    EXPECT_EQ(options.pathFor("alice"), "/home/alice/.dynamicdns");
}

TEST(FileDropConfig, EveryKey) {
    auto parsed = parse("[file_drop]\npattern = \"/var/lib/qdyn/drop/{account}/{account}.addr\"\n"
                        "accounts = [\"bob\"]\npoll_interval = \"1m\"\nwatcher = \"poll\"\n");
    ASSERT_TRUE(parsed) << parsed.message();
    const auto& options = *parsed->fileDrop;
    EXPECT_EQ(options.accounts, std::vector<std::string>{"bob"});
    EXPECT_EQ(options.pollInterval, 60U);
    EXPECT_EQ(options.watcher, FileDropOptions::Watcher::Poll);
    EXPECT_EQ(options.pathFor("bob"), "/var/lib/qdyn/drop/bob/bob.addr");
#ifdef __linux__
    auto inotify = parse("[file_drop]\npattern = \"/d/{account}\"\nwatcher = \"inotify\"\npoll_interval = 5\n");
    ASSERT_TRUE(inotify) << inotify.message();
    EXPECT_EQ(inotify->fileDrop->watcher, FileDropOptions::Watcher::Inotify);
    EXPECT_EQ(inotify->fileDrop->pollInterval, 5U);
#endif
}

TEST(FileDropConfig, ARelativePatternLiesBesideTheConfiguration) {
    auto parsed = parse("[file_drop]\npattern = \"drop/{account}.addr\"\n");
    ASSERT_TRUE(parsed) << parsed.message();
    EXPECT_EQ(parsed->fileDrop->pathFor("alice"), "/etc/qdyn/drop/alice.addr");
}

TEST(FileDropConfig, PatternErrors) {
    EXPECT_EQ(errorOf("[file_drop]\naccounts = [\"bob\"]\n"),
              line(1) + "[file_drop] needs pattern, e.g. \"/home/{account}/.dynamicdns\"");
    EXPECT_EQ(errorOf("[file_drop]\npattern = \"/var/lib/qdyn/drop.addr\"\n"),
              line(2) + "pattern must contain {account} (each account has a file of its own)");
    EXPECT_EQ(errorOf("[file_drop]\npattern = \"/home/{user}/{account}\"\n"),
              line(2) + "pattern may hold no braces other than {account}");
    EXPECT_EQ(errorOf("[file_drop]\npattern = \"/home/{account}/\"\n"),
              line(2) + "pattern must end in a file name, not a directory");
    EXPECT_EQ(errorOf("[file_drop]\npattern = \"/home/{account}/..\"\n"),
              line(2) + "pattern must end in a file name, not a directory");
    EXPECT_EQ(errorOf("[file_drop]\npattern = 7\n"), line(2) + "pattern must be a string");
}

TEST(FileDropConfig, AccountErrors) {
    EXPECT_EQ(errorOf("[file_drop]\npattern = \"/d/{account}\"\naccounts = [\"alice\", \"carol\"]\n"),
              line(3) + "account 'carol' is not defined");
    EXPECT_EQ(errorOf("[file_drop]\npattern = \"/d/{account}\"\naccounts = [\"bob\", \"bob\"]\n"),
              line(3) + "account 'bob' is listed twice");
    EXPECT_EQ(errorOf("[file_drop]\npattern = \"/d/{account}\"\naccounts = []\n"),
              line(3) + "accounts must list at least one account (leave it out for all)");
    // A name that would leave the directory: refused whether listed or meant by default.
    const std::string sneaky = kBase + "\n[[account]]\nname = \"..\"\npassword = \"x\"\nhosts = [\"nas\"]\n";
    EXPECT_EQ(errorOf("[file_drop]\npattern = \"/d/{account}\"\naccounts = [\"..\"]\n", sneaky),
              "/etc/qdyn/server.toml:21: account '..' cannot stand for {account} in a path (it holds '/' or "
              "'\\', or is '.' or '..')");
    EXPECT_NE(errorOf("[file_drop]\npattern = \"/d/{account}\"\n", sneaky)
                  .find("/etc/qdyn/server.toml:19: account '..' cannot stand for {account} in a path"),
              std::string::npos);
    auto onlySafe = parse("[file_drop]\npattern = \"/d/{account}\"\naccounts = [\"alice\"]\n", sneaky);
    EXPECT_TRUE(onlySafe) << onlySafe.message();
}

TEST(FileDropConfig, PollIntervalAndWatcherErrors) {
    EXPECT_EQ(errorOf("[file_drop]\npattern = \"/d/{account}\"\npoll_interval = 0\n"),
              line(3) + "poll_interval must be 1 s to 1 h");
    EXPECT_EQ(errorOf("[file_drop]\npattern = \"/d/{account}\"\npoll_interval = \"2h\"\n"),
              line(3) + "poll_interval must be 1 s to 1 h");
    EXPECT_EQ(errorOf("[file_drop]\npattern = \"/d/{account}\"\nwatcher = \"fanotify\"\n"),
              line(3) + "watcher must be \"auto\", \"inotify\" or \"poll\"");
    EXPECT_EQ(errorOf("[file_drop]\npattern = \"/d/{account}\"\ninterval = 3\n"),
              line(3) + "unknown key 'interval' in [file_drop]");
    EXPECT_EQ(errorOf("", "file_drop = \"/d/{account}\"\n" + kBase),
              "/etc/qdyn/server.toml:1: file_drop must be a table ([file_drop])");
}

}  // namespace server_file_drop_config_test
}  // namespace
