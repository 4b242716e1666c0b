// qdyn-server's account and tsig-key commands, run in-process with their own streams: what they
// write, what they print (and never print), and that a refused change leaves the file alone.
#ifndef _WIN32
#include <sys/stat.h>
#endif

#include <fstream>
#include <gtest/gtest.h>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "accounts/accounts_file.hpp"
#include "accounts/password_hash.hpp"
#include "commands/cli.hpp"
#include "qdyn/crypto/hmac.hpp"
#include "qdyn_server/config.hpp"
#include "temp_dir.hpp"
#include "test_values.hpp"

namespace {
namespace server_account_commands_test {

using namespace qdyn::server;
using qdyn::test::name;
using qdyn::test::TempDir;

const char* const kServerToml = R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.example.test"

[accounts]
file = "accounts.toml"

[[account]]
name = "alice"
password = "s3cret"
hosts = ["home"]

[[tsig_key]]
name = "alice-key"
secret = "GR5g4DuMxjC27pD6mZCGfjcbAbDuZOyccRxqAl4tPlE="
account = "alice"
)";

constexpr std::string_view kApply = "send SIGHUP to qdyn-server (systemctl reload qdyn-server) to apply";

struct CommandRun {
    int code = -1;
    std::string out;
    std::string err;
};

class AccountCommandsTest : public ::testing::Test {
protected:
    AccountCommandsTest() : m_config(m_dir.write("server.toml", kServerToml, 0644)) {}

    CommandRun run(std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), {"qdyn-server", "--config", m_config.string()});
        std::vector<const char*> argv;
        for (const auto& arg : args)
            argv.push_back(arg.c_str());
        std::istringstream in(input);
        std::ostringstream out;
        std::ostringstream err;
        commands::CommandIo io{in, out, err, false};
        const auto outcome = commands::runServerCli(static_cast<int>(argv.size()), argv.data(), io);
        EXPECT_FALSE(outcome.serve);
        return CommandRun{outcome.exitCode, out.str(), err.str()};
    }

    [[nodiscard]] std::filesystem::path file() const { return m_dir.path() / "accounts.toml"; }
    [[nodiscard]] std::string fileText() const {
        std::ifstream in(file(), std::ios::binary);
        std::ostringstream out;
        out << in.rdbuf();
        return out.str();
    }
    [[nodiscard]] Config loaded() const { return Config::load(m_config).value(); }
    [[nodiscard]] const Account& accountOf(const Config& config, const std::string& user) const {
        for (const auto& account : config.accounts) {
            if (account.name == user) return account;
        }
        ADD_FAILURE() << "no account " << user;
        return config.accounts.front();
    }

    TempDir m_dir;
    std::filesystem::path m_config;
};

TEST_F(AccountCommandsTest, AddWithPasswordStdinWritesAHashedAccount) {
    const auto added = run(
        {"account", "add", "carol", "--host", "carol", "--host", "cam.dyn.example.test", "--password-stdin"}, "pw3\n");
    ASSERT_EQ(added.code, 0) << added.err;
    EXPECT_NE(added.out.find(kApply), std::string::npos) << added.out;
    EXPECT_EQ(added.out.find("pw3"), std::string::npos);
    EXPECT_EQ(added.out.find("password:"), std::string::npos);  // nothing generated, nothing shown

    // Private: mode 0600 on POSIX; on Windows, where mode bits say nothing about who may read,
    // an access list that checkPrivate() accepts.
#ifdef _WIN32
    EXPECT_TRUE(accounts::checkPrivate(file()));
#else
    struct stat info {};
    ASSERT_EQ(::stat(file().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777U, 0600U);
#endif
    EXPECT_EQ(fileText().rfind("# managed by qdyn-server account/tsig-key commands", 0), 0U) << fileText();
    EXPECT_EQ(fileText().find("pw3"), std::string::npos);

    const auto config = loaded();
    const auto& carol = accountOf(config, "carol");
    EXPECT_TRUE(carol.password.empty());
    EXPECT_TRUE(accounts::verifyPassword("pw3", carol.passwordHash));
    EXPECT_EQ(carol.hosts, (std::vector{name("carol.dyn.example.test"), name("cam.dyn.example.test")}));

    const auto listed = run({"account", "list"});
    ASSERT_EQ(listed.code, 0) << listed.err;
    EXPECT_NE(listed.out.find("carol    hashed    -      -       carol.dyn.example.test, cam.dyn.example.test  " +
                              file().string()),
              std::string::npos)
        << listed.out;
    EXPECT_NE(listed.out.find("alice    plain     -      yes     home.dyn.example.test"), std::string::npos) << listed.out;
    EXPECT_EQ(listed.out.find("$scrypt"), std::string::npos);
    EXPECT_EQ(listed.out.find("s3cret"), std::string::npos);
}

TEST_F(AccountCommandsTest, AddWithoutStdinPrintsAStrongPasswordOnce) {
    const auto added = run({"account", "add", "carol", "--host", "carol"});
    ASSERT_EQ(added.code, 0) << added.err;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(added.out, match, std::regex("password: ([A-Za-z0-9]{24})\n"))) << added.out;
    EXPECT_TRUE(accounts::verifyPassword(match[1].str(), accountOf(loaded(), "carol").passwordHash));
    EXPECT_EQ(fileText().find(match[1].str()), std::string::npos);
}

TEST_F(AccountCommandsTest, PasswdGrantRevokeAndRemove) {
    ASSERT_EQ(run({"account", "add", "carol", "--host", "carol", "--password-stdin"}, "old\n").code, 0);
    const auto before = accountOf(loaded(), "carol").passwordHash;
    const auto changed = run({"account", "passwd", "carol", "--password-stdin"}, "new one\r\n");
    ASSERT_EQ(changed.code, 0) << changed.err;
    const auto after = accountOf(loaded(), "carol").passwordHash;
    EXPECT_NE(before, after);
    EXPECT_FALSE(accounts::verifyPassword("old", after));
    EXPECT_TRUE(accounts::verifyPassword("new one", after));  // the CR of a CRLF line is not part of it

    ASSERT_EQ(run({"account", "grant", "carol", "nas.dyn.example.test."}).code, 0);
    EXPECT_EQ(accountOf(loaded(), "carol").hosts.size(), 2U);
    EXPECT_EQ(run({"account", "grant", "carol", "NAS"}).code, 2);  // already granted, any spelling
    ASSERT_EQ(run({"account", "revoke", "carol", "carol"}).code, 0);
    EXPECT_EQ(accountOf(loaded(), "carol").hosts, (std::vector{name("nas.dyn.example.test")}));
    const auto last = run({"account", "revoke", "carol", "nas"});
    EXPECT_EQ(last.code, 2);
    EXPECT_NE(last.err.find("last host"), std::string::npos) << last.err;

    ASSERT_EQ(run({"tsig-key", "add", "carol-key", "--account", "carol"}).code, 0);
    const auto blocked = run({"account", "remove", "carol"});
    EXPECT_EQ(blocked.code, 2);
    EXPECT_NE(blocked.err.find("still has TSIG keys: carol-key"), std::string::npos) << blocked.err;
    ASSERT_EQ(run({"tsig-key", "remove", "carol-key"}).code, 0);
    const auto removed = run({"account", "remove", "carol"});
    ASSERT_EQ(removed.code, 0) << removed.err;
    EXPECT_NE(removed.out.find(kApply), std::string::npos);
    EXPECT_EQ(loaded().accounts.size(), 1U);
}

TEST_F(AccountCommandsTest, TokensAndTheGnudipSecret) {
    ASSERT_EQ(run({"account", "add", "carol", "--host", "carol", "--password-stdin"}, "pw\n").code, 0);
    const auto made = run({"account", "token", "carol"});
    ASSERT_EQ(made.code, 0) << made.err;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(made.out, match, std::regex("token: ([A-Za-z0-9]{24})\n"))) << made.out;
    EXPECT_TRUE(accounts::verifyPassword(match[1].str(), accountOf(loaded(), "carol").tokenHash));
    EXPECT_EQ(fileText().find(match[1].str()), std::string::npos);

    ASSERT_EQ(run({"account", "token", "carol", "--token-stdin"}, "my-fritzbox-token\n").code, 0);
    EXPECT_TRUE(accounts::verifyPassword("my-fritzbox-token", accountOf(loaded(), "carol").tokenHash));
    EXPECT_EQ(run({"account", "token", "carol", "--token-stdin"}, "short\n").code, 2);
    EXPECT_NE(run({"account", "list"}).out.find("carol    hashed    hashed  -  "), std::string::npos)
        << run({"account", "list"}).out;
    ASSERT_EQ(run({"account", "token", "carol", "--remove"}).code, 0);
    EXPECT_TRUE(accountOf(loaded(), "carol").tokenHash.empty());
    EXPECT_EQ(run({"account", "token", "carol", "--remove"}).code, 2);

    // --gnudip stores md5(password); a later passwd without it drops the md5 (it would keep
    // the old password working over GnuDIP).
    ASSERT_EQ(run({"account", "passwd", "carol", "--password-stdin", "--gnudip"}, "gnu-pass\n").code, 0);
    EXPECT_EQ(accountOf(loaded(), "carol").gnudipMd5, "c94e7df17223ebc85c085192e9a4289b");
    EXPECT_EQ(fileText().find("gnu-pass"), std::string::npos);
    ASSERT_EQ(run({"account", "passwd", "carol", "--password-stdin"}, "other\n").code, 0);
    EXPECT_TRUE(accountOf(loaded(), "carol").gnudipMd5.empty());
}

TEST_F(AccountCommandsTest, RefusedChangesLeaveTheFileAlone) {
    ASSERT_EQ(run({"account", "add", "carol", "--host", "carol", "--password-stdin"}, "pw\n").code, 0);
    const auto original = fileText();
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"account", "add", "alice", "--host", "x"}, "account 'alice' already exists (in " + m_config.string() + ")"},
        {{"account", "add", "dave", "--host", "www.example.org"}, "is not inside the zone"},
        {{"account", "add", "dave", "--host", "@"}, "is not a name below the zone"},
        {{"account", "add", "dave", "--host", "d", "--host", "D.dyn.example.test"}, "is given twice"},
        {{"account", "add", "da:ve", "--host", "d"}, "nothing was written: "},
        {{"account", "add", "dave", "--host", "ns1.dyn.example.test.", "--password-stdin"}, "no password on stdin"},
        {{"account", "passwd", "alice"}, "is defined in " + m_config.string() + ", which these commands never edit"},
        {{"account", "grant", "nobody", "x"}, "no account 'nobody'"},
        {{"account", "revoke", "carol", "home"}, "does not have host home.dyn.example.test"},
        {{"account", "remove", "alice"}, "never edit"},
        {{"tsig-key", "add", "alice-key", "--account", "carol"}, "TSIG key 'alice-key' already exists"},
        {{"tsig-key", "add", "k", "--account", "nobody"}, "no account 'nobody'"},
        {{"tsig-key", "add", "bad..name", "--account", "carol"}, "not a valid key name"},
        {{"tsig-key", "remove", "alice-key"}, "never edit"},
        {{"tsig-key", "remove", "nokey"}, "no TSIG key 'nokey'"},
    };
    for (const auto& [args, expected] : cases) {
        const auto result = run(args);
        SCOPED_TRACE(args.at(0) + " " + args.at(1) + " " + args.at(2));
        EXPECT_EQ(result.code, 2) << result.err;
        EXPECT_NE(result.err.find(expected), std::string::npos) << result.err;
        EXPECT_EQ(result.out, "");
        EXPECT_EQ(fileText(), original);
    }
}

TEST_F(AccountCommandsTest, AChangeTheWholeConfigWouldRefuseIsNotWritten) {
    ASSERT_EQ(run({"account", "add", "carol", "--host", "carol", "--host", "cam", "--password-stdin"}, "pw\n").code, 0);
    // A [[host]] in server.toml that only carol's grant allows: revoking it would break the load.
    m_dir.write("server.toml", std::string(kServerToml) + "\n[[host]]\nname = \"cam\"\nttl = 5\n");
    const auto original = fileText();
    const auto refused = run({"account", "revoke", "carol", "cam"});
    EXPECT_EQ(refused.code, 2);
    EXPECT_NE(refused.err.find("nothing was written: " + m_config.string() + ":"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("not in the hosts of any [[account]]"), std::string::npos) << refused.err;
    EXPECT_EQ(fileText(), original);
}

TEST_F(AccountCommandsTest, TsigKeyAddPrintsTheSecretOnceAndListHidesIt) {
    ASSERT_EQ(run({"account", "add", "carol", "--host", "carol", "--password-stdin"}, "pw\n").code, 0);
    const auto added = run({"tsig-key", "add", "carol-key", "--account", "carol"});
    ASSERT_EQ(added.code, 0) << added.err;
    std::smatch match;
    ASSERT_TRUE(
        std::regex_search(added.out, match, std::regex("\nnsupdate -y hmac-sha256:carol-key:([A-Za-z0-9+/=]+)\n")))
        << added.out;
    const std::string secret = match[1].str();
    EXPECT_EQ(qdyn::crypto::base64Decode(secret).value().size(), 32U);
    EXPECT_NE(added.out.find("key \"carol-key\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + secret + "\";\n};\n"),
              std::string::npos)
        << added.out;
    EXPECT_NE(added.out.find(kApply), std::string::npos);

    const auto wide = run({"tsig-key", "add", "carol-512", "--account", "carol", "--algorithm", "hmac-sha512"});
    ASSERT_EQ(wide.code, 0) << wide.err;
    ASSERT_TRUE(std::regex_search(wide.out, match, std::regex("hmac-sha512:carol-512:([A-Za-z0-9+/=]+)\n")));
    EXPECT_EQ(qdyn::crypto::base64Decode(match[1].str()).value().size(), 64U);
    EXPECT_EQ(run({"tsig-key", "add", "k", "--account", "carol", "--algorithm", "hmac-md5"}).code, 2);

    const auto config = loaded();
    ASSERT_EQ(config.tsigKeys.size(), 3U);
    EXPECT_EQ(config.tsigKeys[1].name, name("carol-key"));
    EXPECT_EQ(config.tsigKeys[1].secret, secret);
    EXPECT_EQ(config.tsigKeys[1].account, "carol");

    const auto listed = run({"tsig-key", "list"});
    ASSERT_EQ(listed.code, 0);
    EXPECT_NE(listed.out.find("carol-key  hmac-sha256  carol    " + file().string()), std::string::npos) << listed.out;
    EXPECT_NE(listed.out.find("alice-key  hmac-sha256  alice    " + m_config.string()), std::string::npos)
        << listed.out;
    EXPECT_EQ(listed.out.find(secret), std::string::npos);
    EXPECT_EQ(listed.out.find("GR5g4"), std::string::npos);
}

TEST_F(AccountCommandsTest, CommandLineRulesAndExitCodes) {
    // --config may follow the command.
    const std::string config = m_config.string();
    std::vector<const char*> argv{"qdyn-server", "account", "list", "--config", config.c_str()};
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    commands::CommandIo io{in, out, err, false};
    EXPECT_EQ(commands::runServerCli(static_cast<int>(argv.size()), argv.data(), io).exitCode, 0) << err.str();
    EXPECT_NE(out.str().find("alice"), std::string::npos);

    EXPECT_EQ(run({"account"}).code, 2);                            // a subcommand is required
    EXPECT_EQ(run({"account", "add", "x"}).code, 2);                // --host is required
    EXPECT_EQ(run({"account", "list", "--check-config"}).code, 2);  // not with a command
    const auto help = run({"account", "add", "--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("--password-stdin"), std::string::npos);
    EXPECT_NE(help.out.find(kApply), std::string::npos);
    EXPECT_EQ(run({"--check-config"}).code, 2);  // the accounts file does not exist yet
    ASSERT_EQ(run({"account", "add", "carol", "--host", "carol", "--password-stdin"}, "pw\n").code, 0);
    const auto checked = run({"--check-config"});
    EXPECT_EQ(checked.code, 0) << checked.err;
    EXPECT_NE(checked.out.find("2 accounts"), std::string::npos);
}

TEST_F(AccountCommandsTest, NoAccountsTableUnreadableFileOrMissingDirectory) {
    m_dir.write("server.toml", "[zone]\norigin = \"dyn.example.test\"\nnameserver = \"ns1.example.test\"\n");
    const auto none = run({"account", "list"});
    EXPECT_EQ(none.code, 2);
    EXPECT_NE(none.err.find("[accounts]\n    file = \"accounts.toml\""), std::string::npos) << none.err;

    std::string elsewhere = kServerToml;
    elsewhere.replace(elsewhere.find("\"accounts.toml\""), 15, "\"no/such/dir/accounts.toml\"");
    m_dir.write("server.toml", elsewhere);
    const auto missing = run({"account", "add", "carol", "--host", "carol", "--password-stdin"}, "pw\n");
    EXPECT_EQ(missing.code, 1) << missing.err;  // an I/O error
#ifdef _WIN32
    // The lock there is a file beside the accounts file, not the directory (accounts_file.hpp).
    EXPECT_NE(missing.err.find("cannot open "), std::string::npos) << missing.err;
    EXPECT_NE(missing.err.find("accounts.toml.lock"), std::string::npos) << missing.err;
#else
    EXPECT_NE(missing.err.find("cannot open the directory"), std::string::npos) << missing.err;
#endif

    // Last, since the rest of the test cannot run on Windows.
#ifdef _WIN32
    GTEST_SKIP() << "file permission bits are POSIX; on Windows checkPrivate() reads the access list";
#else
    m_dir.write("server.toml", std::string(kServerToml));
    m_dir.write("accounts.toml", "", 0644);
    const auto open = run({"account", "list"});
    EXPECT_EQ(open.code, 2);
    EXPECT_NE(open.err.find("chmod 600"), std::string::npos) << open.err;
#endif
}

}  // namespace server_account_commands_test
}  // namespace
