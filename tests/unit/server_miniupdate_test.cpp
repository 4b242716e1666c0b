// qdyn-server's miniupdate front end (TCP; docs/protocols/miniupdate.md) over loopback: the
// sample session of seed 001 replayed, the AGENT/LOGIN/RESPONSE state machine, A_UPDATE in
// every form, the limits (10 commands, idle time, line length), throttling and concurrency.
#include <sqlite3.h>

#include <atomic>
#include <cctype>
#include <gtest/gtest.h>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "line_server_fixture.hpp"
#include "qdyn/version.hpp"

namespace qdyn::test {
namespace {
namespace server_miniupdate_test {

std::string upper(std::string text) {
    for (auto& c : text)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

bool isChallengeReply(const std::string& line) {
    return std::regex_match(line, std::regex("CHALLENGE [0-9a-f]{32}"));
}

// md5hex(md5hex(password) + challenge), from a "CHALLENGE <hex>" line.
std::string answerTo(std::string_view password, const std::string& challengeLine) {
    const auto challenge = challengeLine.substr(std::string("CHALLENGE ").size());
    return crypto::md5Hex({crypto::md5Hex(password).value(), challenge}).value();
}

class MiniupdateServer : public LineServerTest {
protected:
    // A connection with the banner read and the agent accepted.
    std::unique_ptr<LineClient> agentSession(int timeoutMs = 5000) {
        auto client = std::make_unique<LineClient>(port("miniupdate"), timeoutMs);
        EXPECT_TRUE(client->line().has_value());  // the banner
        EXPECT_EQ(client->exchange("AGENT qdyn-test/1.0"), "OK Agent accepted");
        return client;
    }

    // A connection logged in as `user`.
    std::unique_ptr<LineClient> loggedIn(std::string_view user, std::string_view password, int timeoutMs = 5000) {
        auto client = agentSession(timeoutMs);
        const auto challenge = client->exchange("LOGIN " + std::string(user) + " digest-md5-text");
        EXPECT_TRUE(isChallengeReply(challenge)) << challenge;
        EXPECT_EQ(client->exchange("RESPONSE " + answerTo(password, challenge)), "OK Authenticated");
        return client;
    }
};

// Seed 001's sample session, command for command, with this test's account, host and address.
TEST_F(MiniupdateServer, SampleSessionOfSeed001) {
    LineClient client(port("miniupdate"));
    const auto banner = client.line();
    ASSERT_TRUE(banner);
    EXPECT_TRUE(std::regex_match(*banner, std::regex(R"(\S+ Update Server \S+ \(.*\))"))) << *banner;
    EXPECT_EQ(*banner, std::string("qdyn-server Update Server ") + kVersion + " (miniDNS compatible)");
    EXPECT_EQ(client.exchange("AGENT miniupdate-Win32/1.2"), "OK Agent accepted");
    const auto challenge = client.exchange("LOGIN alice digest-md5-text");
    ASSERT_TRUE(isChallengeReply(challenge)) << challenge;
    EXPECT_EQ(client.exchange("RESPONSE " + answerTo("s3cret", challenge)), "OK Authenticated");
    EXPECT_EQ(client.exchange("A_UPDATE online home.dyn.example.test 192.0.2.4"),
              "OK HOME.DYN.EXAMPLE.TEST mapped to 192.0.2.4");
    EXPECT_EQ(client.exchange("EXIT"), "OK Bye!");
    EXPECT_TRUE(client.closedByPeer());
    EXPECT_EQ(published("home.dyn.example.test"), (std::vector<std::string>{"192.0.2.4", "2001:db8::1"}));
}

// The real C client sends its commands in lower case; bob's verifier comes from his password.
TEST_F(MiniupdateServer, LowerCaseCommandsAndCrlf) {
    LineClient client(port("miniupdate"));
    ASSERT_TRUE(client.line());
    EXPECT_EQ(client.exchange("agent miniupdate-linux/1.3"), "OK Agent accepted");
    EXPECT_EQ(client.exchange("version"), std::string("OK ") + kVersion);
    const auto challenge = client.exchange("login bob DIGEST-MD5-TEXT\r");
    ASSERT_TRUE(isChallengeReply(challenge)) << challenge;
    EXPECT_EQ(client.exchange("response " + answerTo("pw", challenge) + "\r"), "OK Authenticated");
    EXPECT_EQ(client.exchange("a_update ONLINE bob.dyn.example.test 198.51.100.7\r"),
              "OK BOB.DYN.EXAMPLE.TEST mapped to 198.51.100.7");
    EXPECT_EQ(client.exchange("exit\r"), "OK Bye!");
    EXPECT_TRUE(client.closedByPeer());
    EXPECT_EQ(published("bob.dyn.example.test"), (std::vector<std::string>{"198.51.100.7"}));
}

TEST_F(MiniupdateServer, UpperCaseResponseDigitsAreAccepted) {
    auto client = agentSession();
    const auto challenge = client->exchange("LOGIN alice digest-md5-text");
    EXPECT_EQ(client->exchange("RESPONSE " + upper(answerTo("s3cret", challenge))), "OK Authenticated");
}

TEST_F(MiniupdateServer, OnlyExitBeforeAgent) {
    {
        LineClient client(port("miniupdate"));
        ASSERT_TRUE(client.line());
        EXPECT_EQ(client.exchange("LOGIN alice digest-md5-text"), "ERR AGENT must come first");
        EXPECT_TRUE(client.closedByPeer());
    }
    {
        LineClient client(port("miniupdate"));
        ASSERT_TRUE(client.line());
        EXPECT_EQ(client.exchange("VERSION"), "ERR AGENT must come first");
        EXPECT_TRUE(client.closedByPeer());
    }
    {
        LineClient client(port("miniupdate"));
        ASSERT_TRUE(client.line());
        EXPECT_EQ(client.exchange("EXIT"), "OK Bye!");
        EXPECT_TRUE(client.closedByPeer());
    }
    {
        LineClient client(port("miniupdate"));
        ASSERT_TRUE(client.line());
        EXPECT_EQ(client.exchange("AGENT"), "ERR AGENT takes the client's name and version");
        EXPECT_TRUE(client.closedByPeer());
    }
}

TEST_F(MiniupdateServer, WrongResponseIsRefusedAndCloses) {
    auto client = agentSession();
    const auto challenge = client->exchange("LOGIN alice digest-md5-text");
    ASSERT_TRUE(isChallengeReply(challenge));
    EXPECT_EQ(client->exchange("RESPONSE " + answerTo("wrong", challenge)), "ERR Authentication failed");
    EXPECT_TRUE(client->closedByPeer());
}

// An unknown id gets a challenge like any other; only the response fails.
TEST_F(MiniupdateServer, UnknownUserLooksLikeAWrongResponse) {
    auto client = agentSession();
    const auto challenge = client->exchange("LOGIN nobody digest-md5-text");
    ASSERT_TRUE(isChallengeReply(challenge)) << challenge;
    EXPECT_EQ(client->exchange("RESPONSE " + answerTo("s3cret", challenge)), "ERR Authentication failed");
    EXPECT_TRUE(client->closedByPeer());
}

TEST_F(MiniupdateServer, OtherLoginMethodsAreRefused) {
    auto client = agentSession();
    EXPECT_EQ(client->exchange("LOGIN alice plain"), "ERR Unsupported login method, use digest-md5-text");
    EXPECT_TRUE(client->closedByPeer());
}

TEST_F(MiniupdateServer, ResponseWithoutLogin) {
    auto client = agentSession();
    EXPECT_EQ(client->exchange("RESPONSE 0123456789abcdef0123456789abcdef"), "ERR Login first: no challenge pending");
    EXPECT_TRUE(client->closedByPeer());
}

TEST_F(MiniupdateServer, AChallengeAnswersOneResponseOnly) {
    // Answered once: a second RESPONSE in the session is refused.
    std::string firstChallenge;
    {
        auto client = agentSession();
        firstChallenge = client->exchange("LOGIN alice digest-md5-text");
        ASSERT_TRUE(isChallengeReply(firstChallenge));
        EXPECT_EQ(client->exchange("RESPONSE " + answerTo("s3cret", firstChallenge)), "OK Authenticated");
        EXPECT_EQ(client->exchange("RESPONSE " + answerTo("s3cret", firstChallenge)), "ERR Already authenticated");
        EXPECT_TRUE(client->closedByPeer());
    }
    // A replayed response does not fit the next session's fresh challenge.
    {
        auto client = agentSession();
        const auto challenge = client->exchange("LOGIN alice digest-md5-text");
        ASSERT_TRUE(isChallengeReply(challenge));
        EXPECT_NE(challenge, firstChallenge);
        EXPECT_EQ(client->exchange("RESPONSE " + answerTo("s3cret", firstChallenge)), "ERR Authentication failed");
        EXPECT_TRUE(client->closedByPeer());
    }
    // A second LOGIN replaces the first challenge.
    {
        auto client = agentSession();
        const auto first = client->exchange("LOGIN alice digest-md5-text");
        const auto second = client->exchange("LOGIN alice digest-md5-text");
        ASSERT_TRUE(isChallengeReply(first));
        ASSERT_TRUE(isChallengeReply(second));
        EXPECT_NE(first, second);
        EXPECT_EQ(client->exchange("RESPONSE " + answerTo("s3cret", first)), "ERR Authentication failed");
        EXPECT_TRUE(client->closedByPeer());
    }
}

TEST_F(MiniupdateServer, UpdateBeforeLogin) {
    auto client = agentSession();
    EXPECT_EQ(client->exchange("A_UPDATE online home.dyn.example.test 192.0.2.4"), "ERR Login required");
    EXPECT_TRUE(client->closedByPeer());
    EXPECT_EQ(published("home.dyn.example.test"), (std::vector<std::string>{"2001:db8::1"}));
}

TEST_F(MiniupdateServer, OfflineWithdrawsTheAddressAndIgnoresTheIp) {
    auto client = loggedIn("alice", "s3cret");
    EXPECT_EQ(client->exchange("A_UPDATE online office.dyn.example.test 192.0.2.10"),
              "OK OFFICE.DYN.EXAMPLE.TEST mapped to 192.0.2.10");
    EXPECT_EQ(published("office.dyn.example.test"), (std::vector<std::string>{"192.0.2.10"}));
    EXPECT_EQ(client->exchange("A_UPDATE offline office.dyn.example.test not-an-address"),
              "OK OFFICE.DYN.EXAMPLE.TEST set offline");
    EXPECT_TRUE(published("office.dyn.example.test").empty());
    EXPECT_EQ(client->exchange("A_UPDATE online office.dyn.example.test"),
              "OK OFFICE.DYN.EXAMPLE.TEST mapped to 127.0.0.1");
    EXPECT_EQ(published("office.dyn.example.test"), (std::vector<std::string>{"127.0.0.1"}));
}

TEST_F(MiniupdateServer, NoIpTakesThePeerAddress) {
    auto client = loggedIn("alice", "s3cret");
    EXPECT_EQ(client->exchange("A_UPDATE online home.dyn.example.test."),
              "OK HOME.DYN.EXAMPLE.TEST mapped to 127.0.0.1");
    EXPECT_EQ(published("home.dyn.example.test"), (std::vector<std::string>{"127.0.0.1", "2001:db8::1"}));
}

TEST_F(MiniupdateServer, Ipv6AddressSetsTheAaaaRecord) {
    auto client = loggedIn("alice", "s3cret");
    EXPECT_EQ(client->exchange("A_UPDATE online office.dyn.example.test 192.0.2.20"),
              "OK OFFICE.DYN.EXAMPLE.TEST mapped to 192.0.2.20");
    EXPECT_EQ(client->exchange("A_UPDATE online Office.Dyn.Example.Test 2001:DB8:0:0::42"),
              "OK OFFICE.DYN.EXAMPLE.TEST mapped to 2001:db8::42");
    EXPECT_EQ(published("office.dyn.example.test"), (std::vector<std::string>{"192.0.2.20", "2001:db8::42"}));
    // home's AAAA is static: refused like a host that is not granted.
    EXPECT_EQ(client->exchange("A_UPDATE online home.dyn.example.test 2001:db8::43"),
              "ERR Host HOME.DYN.EXAMPLE.TEST is not yours to update");
    EXPECT_TRUE(client->closedByPeer());
}

TEST_F(MiniupdateServer, HostsNotGrantedAreRefused) {
    {
        auto client = loggedIn("alice", "s3cret");
        EXPECT_EQ(client->exchange("A_UPDATE online bob.dyn.example.test 192.0.2.30"),
                  "ERR Host BOB.DYN.EXAMPLE.TEST is not yours to update");
        EXPECT_TRUE(client->closedByPeer());
    }
    {
        auto client = loggedIn("alice", "s3cret");
        EXPECT_EQ(client->exchange("A_UPDATE online www.example.org 192.0.2.30"),
                  "ERR Host WWW.EXAMPLE.ORG is not yours to update");
        EXPECT_TRUE(client->closedByPeer());
    }
    EXPECT_TRUE(published("bob.dyn.example.test").empty());
}

TEST_F(MiniupdateServer, InvalidArgumentsAreRefused) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"A_UPDATE online bad..name.dyn.example.test 192.0.2.1", "ERR Invalid host name bad..name.dyn.example.test"},
        {"A_UPDATE online office.dyn.example.test 192.0.2.300", "ERR Invalid IP address 192.0.2.300"},
        {"A_UPDATE online office.dyn.example.test 2001:db8::g", "ERR Invalid IP address 2001:db8::g"},
        {"A_UPDATE sideways office.dyn.example.test", "ERR A_UPDATE mode must be online or offline"},
        {"A_UPDATE online", "ERR A_UPDATE takes online|offline, a host and an optional IP address"},
        {"A_UPDATE online office.dyn.example.test 192.0.2.1 extra",
         "ERR A_UPDATE takes online|offline, a host and an optional IP address"},
        {"FROB", "ERR Unknown command FROB"},
        {"VERSION now", "ERR VERSION takes no arguments"},
        {"AGENT again/1.0", "ERR AGENT already accepted"},
        {"LOGIN alice digest-md5-text", "ERR Already authenticated"},
        {"", "ERR Empty command"},
    };
    for (const auto& [command, expected] : cases) {
        auto client = loggedIn("alice", "s3cret");
        EXPECT_EQ(client->exchange(command), expected) << command;
        EXPECT_TRUE(client->closedByPeer()) << command;
    }
    EXPECT_TRUE(published("office.dyn.example.test").empty());
}

TEST_F(MiniupdateServer, TheEleventhCommandIsRefused) {
    auto client = agentSession();  // 1
    for (int i = 2; i <= 10; ++i)
        EXPECT_EQ(client->exchange("VERSION"), std::string("OK ") + kVersion) << i;
    EXPECT_EQ(client->exchange("EXIT"), "ERR Too many commands, 10 per session");
    EXPECT_TRUE(client->closedByPeer());
}

TEST_F(MiniupdateServer, IdleSessionsAreClosed) {
    LineClient client(port("miniupdate"));
    ASSERT_TRUE(client.line());
    EXPECT_EQ(client.line().value_or("<none>"), "ERR Idle timeout");  // idle time: 2 s
    EXPECT_TRUE(client.closedByPeer());
}

TEST_F(MiniupdateServer, OverlongLineIsRefused) {
    LineClient client(port("miniupdate"));
    ASSERT_TRUE(client.line());
    client.send("AGENT " + std::string(600, 'x'));
    EXPECT_EQ(client.line().value_or("<none>"), "ERR Line too long, 512 octets at most");
    EXPECT_TRUE(client.closedByPeer());
}

TEST_F(MiniupdateServer, BinaryGarbageIsRefused) {
    {
        LineClient client(port("miniupdate"));
        ASSERT_TRUE(client.line());
        EXPECT_EQ(client.exchange(std::string("\x16\x03\x01\x00\xa5\x01\x00\x00", 8)), "ERR Invalid command");
        EXPECT_TRUE(client.closedByPeer());
    }
    {
        auto client = loggedIn("alice", "s3cret");
        EXPECT_EQ(client->exchange("A_UPDATE online office.dyn.example.test\x1b[2J 192.0.2.1"), "ERR Invalid command");
        EXPECT_TRUE(client->closedByPeer());
    }
    {
        // Octets above 0x7F are no control characters, but no command either.
        auto client = agentSession();
        EXPECT_EQ(client->exchange("\xff\xfe\xfd"), "ERR Unknown command ???");
        EXPECT_TRUE(client->closedByPeer());
    }
}

// A durable write that fails is never acknowledged: the client hears a server error.
TEST(MiniupdateStore, AFailedWriteIsNotAcknowledged) {
    TempDir dir;
    auto config = lineServerConfig();
    config.storePath = dir.path() / "store.db";
    server::Server server(config);
    ASSERT_TRUE(server.start());
    LineClient client(server.port("miniupdate"), 20000);
    ASSERT_TRUE(client.line());
    EXPECT_EQ(client.exchange("AGENT qdyn-test/1.0"), "OK Agent accepted");
    const auto challenge = client.exchange("LOGIN alice digest-md5-text");
    EXPECT_EQ(client.exchange("RESPONSE " + answerTo("s3cret", challenge)), "OK Authenticated");

    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open(config.storePath.string().c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    EXPECT_EQ(client.exchange("A_UPDATE online office.dyn.example.test 192.0.2.61"), "ERR server error, try later");
    ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(other);
    EXPECT_TRUE(client.closedByPeer());
    server.stop();
}

class ThrottledMiniupdateServer : public MiniupdateServer {
protected:
    server::Config makeConfig() override {
        auto config = lineServerConfig();
        config.throttle = {3, 600, 900, 0};  // three failures within 10 min block for 15 min
        return config;
    }
};

TEST_F(ThrottledMiniupdateServer, RepeatedFailuresBlockEvenTheRightResponse) {
    for (int i = 0; i < 3; ++i) {
        auto client = agentSession();
        const auto challenge = client->exchange("LOGIN alice digest-md5-text");
        EXPECT_EQ(client->exchange("RESPONSE " + answerTo("guess" + std::to_string(i), challenge)),
                  "ERR Authentication failed");
    }
    auto client = agentSession();
    const auto challenge = client->exchange("LOGIN alice digest-md5-text");
    const auto reply = client->exchange("RESPONSE " + answerTo("s3cret", challenge));
    EXPECT_TRUE(std::regex_match(reply, std::regex(R"(ERR Too many failures, retry in \d+ s)"))) << reply;
    EXPECT_TRUE(client->closedByPeer());
}

// Twenty hosts of one account, each updated by its own session at the same time.
class BusyMiniupdateServer : public MiniupdateServer {
protected:
    static constexpr int kSessions = 20;
    server::Config makeConfig() override {
        auto config = lineServerConfig();
        server::Account many{"many", "many-pw", {}};
        for (int i = 0; i < kSessions; ++i)
            many.hosts.push_back(name("h" + std::to_string(i) + ".dyn.example.test"));
        config.accounts.push_back(many);
        return config;
    }
};

TEST_F(BusyMiniupdateServer, ConcurrentSessionsEachUpdateTheirHost) {
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kSessions; ++i) {
        threads.emplace_back([this, i, &ok] {
            LineClient client(port("miniupdate"), 10000);
            if (!client.line()) return;
            if (client.exchange("AGENT qdyn-test/1.0") != "OK Agent accepted") return;
            const auto challenge = client.exchange("LOGIN many digest-md5-text");
            if (!isChallengeReply(challenge)) return;
            if (client.exchange("RESPONSE " + answerTo("many-pw", challenge)) != "OK Authenticated") return;
            const auto host = "h" + std::to_string(i) + ".dyn.example.test";
            const auto address = "192.0.2." + std::to_string(100 + i);
            if (client.exchange("A_UPDATE online " + host + " " + address) !=
                "OK " + upper(host) + " mapped to " + address) {
                return;
            }
            if (client.exchange("EXIT") == "OK Bye!") ++ok;
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(ok.load(), kSessions);
    for (int i = 0; i < kSessions; ++i) {
        EXPECT_EQ(published("h" + std::to_string(i) + ".dyn.example.test"),
                  (std::vector<std::string>{"192.0.2." + std::to_string(100 + i)}));
    }
}

}  // namespace server_miniupdate_test
}  // namespace
}  // namespace qdyn::test
