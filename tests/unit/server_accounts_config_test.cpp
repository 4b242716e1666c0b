// password_hash in [[account]], and the [accounts] file: where it is found, what it may hold,
// its permissions, names clashing with server.toml, and how the commands write it.
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>

#include "accounts/accounts_file.hpp"
#include "accounts/password_hash.hpp"
#include "qdyn_server/config.hpp"
#include "temp_dir.hpp"
#include "test_values.hpp"
#include "toml_text.hpp"

namespace {
namespace server_accounts_config_test {

using qdyn::server::Config;
using qdyn::test::name;
using qdyn::test::TempDir;
namespace accounts = qdyn::server::accounts;

constexpr const char* kHash =
    "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU";

const std::string kZone = R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.example.test"
)";

std::string account(const std::string& user, const std::string& secretLine, const std::string& hosts) {
    return "[[account]]\nname = \"" + user + "\"\n" + secretLine + "\nhosts = " + hosts + "\n";
}

std::string hashLine(const std::string& hash = kHash) {
    return "password_hash = \"" + hash + "\"";
}

testing::AssertionResult failsWith(const qdyn::Result<Config>& parsed, const std::string& needle) {
    if (parsed) return testing::AssertionFailure() << "parsed, expected an error with: " << needle;
    if (parsed.message().find(needle) == std::string::npos) {
        return testing::AssertionFailure() << "error '" << parsed.message() << "' lacks '" << needle << "'";
    }
    return testing::AssertionSuccess();
}

std::string readAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

TEST(AccountPasswordHash, AnAccountMayCarryAHashInstead) {
    const auto config = Config::parse(kZone + account("carol", hashLine(), "[\"carol\"]"), "server.toml").value();
    ASSERT_EQ(config.accounts.size(), 1U);
    EXPECT_EQ(config.accounts[0].passwordHash, kHash);
    EXPECT_TRUE(config.accounts[0].password.empty());
}

TEST(AccountPasswordHash, ExactlyOneOfPasswordAndHash) {
    const std::string both = kZone + account("carol", "password = \"x\"\n" + hashLine(), "[\"carol\"]");
    EXPECT_TRUE(failsWith(Config::parse(both, "server.toml"),
                          "server.toml:4: [[account]] 'carol' has both password and password_hash; keep one"));
    const std::string neither = kZone + account("carol", "", "[\"carol\"]");
    EXPECT_TRUE(failsWith(Config::parse(neither, "server.toml"),
                          "server.toml:4: [[account]] 'carol' needs password or password_hash"));
}

TEST(AccountPasswordHash, AMalformedHashIsAnErrorAtItsLine) {
    const std::string broken = kZone + account("carol", hashLine("$scrypt$ln=10,r=8,p=1$AAEC$mp90"), "[\"carol\"]");
    EXPECT_TRUE(failsWith(Config::parse(broken, "server.toml"), "server.toml:6: password_hash: "));
    const std::string absurd =
        kZone +
        account("carol",
                hashLine("$scrypt$ln=40,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU"),
                "[\"carol\"]");
    EXPECT_TRUE(failsWith(Config::parse(absurd, "server.toml"), "out of range"));
    const std::string wrongType = kZone + account("carol", "password_hash = 15", "[\"carol\"]");
    EXPECT_TRUE(failsWith(Config::parse(wrongType, "server.toml"), "password_hash must be a string"));
}

class AccountsFileConfig : public ::testing::Test {
protected:
    // server.toml with an [accounts] file next to it, plus whatever `extra` adds.
    std::filesystem::path writeMain(const std::string& extra = "", const std::string& file = "accounts.toml") {
        return m_dir.write("server.toml", kZone + "\n[accounts]\nfile = " + qdyn::test::tomlPath(file) + "\n\n" +
                                              account("alice", "password = \"s3cret\"", "[\"home\"]") + extra);
    }
    TempDir m_dir;
};

TEST_F(AccountsFileConfig, TheFileIsFoundNextToTheMainFileAndJoinsIt) {
    const auto main = writeMain(R"(
[[host]]
name = "carol"
ttl = 30

[[tsig_key]]
name = "carol-main-key"
secret = "GR5g4DuMxjC27pD6mZCGfjcbAbDuZOyccRxqAl4tPlE="
account = "carol"
)");
    m_dir.write("accounts.toml",
                "# managed\n" + account("carol", hashLine(), "[\"carol.dyn.example.test\"]") +
                    "\n[[tsig_key]]\nname = \"carol-key\"\nalgorithm = \"hmac-sha512\"\n"
                    "secret = \"q0FjhK2pO1sXBw6r5yBjRk7a7qf0rW2c0c8z8mJYq6E=\"\naccount = \"carol\"\n");
    // Loaded from another working directory: the relative path follows server.toml.
    const auto config = Config::load(main).value();
    EXPECT_EQ(config.accountsFile, m_dir.path() / "accounts.toml");
    ASSERT_EQ(config.accounts.size(), 2U);
    EXPECT_EQ(config.accounts[1].name, "carol");
    EXPECT_EQ(config.accounts[1].passwordHash, kHash);
    EXPECT_EQ(config.accounts[1].hosts.at(0), name("carol.dyn.example.test"));
    EXPECT_EQ(config.ttlFor(name("carol.dyn.example.test")), 30U);  // [[host]] of a file account
    ASSERT_EQ(config.tsigKeys.size(), 2U);
    EXPECT_EQ(config.tsigKeys[1].name, name("carol-key"));
    EXPECT_EQ(config.tsigKeys[1].algorithm, "hmac-sha512");
    EXPECT_EQ(config.tsigKeys[1].account, "carol");
}

TEST_F(AccountsFileConfig, AnAbsolutePathIsTakenAsItIs) {
    TempDir other;
    const auto file = other.write("keys.toml", account("carol", hashLine(), "[\"carol\"]"));
    const auto config = Config::load(writeMain("", file.string())).value();
    EXPECT_EQ(config.accountsFile, file);
    EXPECT_EQ(config.accounts.size(), 2U);
}

TEST_F(AccountsFileConfig, AFileOthersMayReadIsRefused) {
#ifdef _WIN32
    GTEST_SKIP() << "file permission bits are POSIX; on Windows checkPrivate() reads the access list";
#else
    const auto main = writeMain();
    for (unsigned mode : {0644U, 0640U, 0604U, 0620U}) {
        m_dir.write("accounts.toml", account("carol", hashLine(), "[\"carol\"]"), mode);
        EXPECT_TRUE(
            failsWith(Config::load(main), "fix it with: chmod 600 " + (m_dir.path() / "accounts.toml").string()));
    }
    m_dir.write("accounts.toml", account("carol", hashLine(), "[\"carol\"]"), 0400);
    EXPECT_TRUE(Config::load(main));
#endif
}

TEST_F(AccountsFileConfig, AMissingFileIsAnErrorNotAnEmptyList) {
    EXPECT_TRUE(failsWith(Config::load(writeMain()), "accounts.toml does not exist"));
    // Not a regular file: refused instead of read (a FIFO would block, /dev/zero never ends).
    std::filesystem::create_directory(m_dir.path() / "accounts.toml");
    EXPECT_TRUE(failsWith(Config::load(writeMain()), "not a regular file"));
}

TEST_F(AccountsFileConfig, NamesInBothFilesAreErrorsNamingBoth) {
    const auto main = writeMain(R"(
[[tsig_key]]
name = "shared-key"
secret = "GR5g4DuMxjC27pD6mZCGfjcbAbDuZOyccRxqAl4tPlE="
account = "alice"
)");
    const auto file = (m_dir.path() / "accounts.toml").string();
    m_dir.write("accounts.toml", "\n" + account("alice", hashLine(), "[\"nas\"]"));
    EXPECT_TRUE(failsWith(Config::load(main), file + ":2: account 'alice' is also defined at " +
                                                  (m_dir.path() / "server.toml").string() + ":8"));

    m_dir.write("accounts.toml",
                "[[tsig_key]]\nname = \"Shared-Key.\"\nsecret = "
                "\"q0FjhK2pO1sXBw6r5yBjRk7a7qf0rW2c0c8z8mJYq6E=\"\naccount = \"alice\"\n");
    EXPECT_TRUE(failsWith(Config::load(main), file + ":1: [[tsig_key]] 'Shared-Key.' is also defined at " +
                                                  (m_dir.path() / "server.toml").string() + ":13"));

    m_dir.write("accounts.toml", account("carol", hashLine(), "[\"a\"]") + account("carol", hashLine(), "[\"b\"]"));
    EXPECT_TRUE(failsWith(Config::load(main), file + ":5: account 'carol' is defined twice"));
}

TEST_F(AccountsFileConfig, TheFileHoldsOnlyHashedAccountsAndKeysWithAnAccount) {
    const auto main = writeMain();
    const auto file = (m_dir.path() / "accounts.toml").string();
    m_dir.write("accounts.toml", account("carol", "password = \"plain\"", "[\"carol\"]"));
    EXPECT_TRUE(failsWith(Config::load(main), file + ":3: the accounts file holds password hashes only"));
    m_dir.write("accounts.toml", "[zone]\norigin = \"x.test\"\n");
    EXPECT_TRUE(failsWith(Config::load(main), file + ":1: unknown key 'zone' in the accounts file"));
    m_dir.write("accounts.toml",
                "[[tsig_key]]\nname = \"k\"\nsecret = \"q0FjhK2pO1sXBw6r5yBjRk7a7qf0rW2c0c8z8mJYq6E=\"\n");
    EXPECT_TRUE(failsWith(Config::load(main), file + ":1: a [[tsig_key]] in the accounts file needs account"));
    m_dir.write("accounts.toml", account("carol", hashLine(), "[\"elsewhere.example.org\"]"));
    EXPECT_TRUE(failsWith(Config::load(main), file + ":4: host 'elsewhere.example.org' is not inside the zone"));
    m_dir.write("accounts.toml", "[[account]\n");
    EXPECT_TRUE(failsWith(Config::load(main), file + ":1: "));
    m_dir.write("accounts.toml", "");
    EXPECT_EQ(Config::load(main).value().accounts.size(), 1U);  // empty is fine
}

TEST_F(AccountsFileConfig, ParseWithTextUsesTheTextInsteadOfTheDisk) {
    const auto main = writeMain();  // no accounts.toml on disk
    const auto text = account("carol", hashLine(), "[\"carol\"]");
    const auto config = Config::parse(readAll(main), main.string(), text).value();
    EXPECT_EQ(config.accounts.size(), 2U);
    EXPECT_TRUE(
        failsWith(Config::parse(readAll(main), main.string(), "[[account]]\nname = 3\n"), "name must be a string"));
}

TEST_F(AccountsFileConfig, AccountsTableNeedsAFile) {
    EXPECT_TRUE(failsWith(Config::parse(kZone + "[accounts]\n", "server.toml"), "[accounts] needs file"));
    EXPECT_TRUE(failsWith(Config::parse(kZone + "[accounts]\nfile = \"\"\n", "server.toml"), "must not be empty"));
    EXPECT_TRUE(failsWith(Config::parse(kZone + "[accounts]\nfile = \"a\"\npath = \"b\"\n", "server.toml"),
                          "unknown key 'path' in [accounts]"));
}

TEST(AccountsFileIo, WritesPrivatelyAndAtomically) {
    TempDir dir;
    const auto file = dir.path() / "accounts.toml";
    EXPECT_FALSE(accounts::readAccountsFile(file).value().has_value());
    // Private: mode 0600 on POSIX; on Windows, where mode bits say nothing about who may read,
    // an access list that checkPrivate() accepts.
    ASSERT_TRUE(accounts::writeAccountsFile(file, "first\n"));
#ifdef _WIN32
    EXPECT_TRUE(accounts::checkPrivate(file));
#else
    EXPECT_EQ(qdyn::test::fileMode(file), 0600U);
#endif
    ASSERT_TRUE(accounts::writeAccountsFile(file, "second\n"));
    EXPECT_EQ(accounts::readAccountsFile(file).value().value(), "second\n");
#ifdef _WIN32
    EXPECT_TRUE(accounts::checkPrivate(file));
#else
    EXPECT_EQ(qdyn::test::fileMode(file), 0600U);
#endif
    // Nothing left over from the temporary files.
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
        ++entries;
    EXPECT_EQ(entries, 1U);
    EXPECT_TRUE(accounts::checkPrivate(file));
    // A directory that does not exist is an I/O error, and leaves nothing behind.
    EXPECT_FALSE(accounts::writeAccountsFile(dir.path() / "missing" / "accounts.toml", "x"));
    EXPECT_FALSE(accounts::AccountsFileLock::acquire(dir.path() / "missing" / "accounts.toml"));
    EXPECT_TRUE(accounts::AccountsFileLock::acquire(file));

    // Through a symlink the target is replaced and the link stays.
    TempDir state;
    const auto target = state.path() / "accounts.toml";
    ASSERT_TRUE(accounts::writeAccountsFile(target, "old\n"));
    const auto link = dir.path() / "linked.toml";
    std::error_code linkError;
    std::filesystem::create_symlink(target, link, linkError);
#ifdef _WIN32
    if (linkError) GTEST_SKIP() << "symlinks need Developer Mode or the symlink privilege: " << linkError.message();
#endif
    ASSERT_FALSE(linkError) << linkError.message();
    ASSERT_TRUE(accounts::writeAccountsFile(link, "new\n"));
    EXPECT_TRUE(std::filesystem::is_symlink(link));
    EXPECT_EQ(accounts::readAccountsFile(target).value().value(), "new\n");
}

}  // namespace server_accounts_config_test
}  // namespace
