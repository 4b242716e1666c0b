// QDNS against a running qdyn-server on loopback: every command and reply code of
// docs/protocols/qdns.md, the session limits, bad input, throttling, durability and TLS.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "line_server_fixture.hpp"
#include "temp_dir.hpp"

namespace {
namespace server_qdns_test {

using qdyn::test::LineClient;
using qdyn::test::LineServerTest;

class QdnsTest : public LineServerTest {
protected:
    LineClient client() { return LineClient(port("qdns")); }

    // A session logged in as alice.
    LineClient alice() {
        auto session = client();
        EXPECT_EQ(session.exchange("AUTH alice s3cret"), "200 OK");
        return session;
    }
};

TEST_F(QdnsTest, SendsNothingBeforeTheClientSpeaks) {
    auto session = client();
    EXPECT_FALSE(qdyn::test::waitReadable(session.fd(), 300));
}

TEST_F(QdnsTest, AuthUpdateAndQueryBothFamilies) {
    auto session = alice();
    EXPECT_EQ(session.exchange("UPDATE office.dyn.example.test 203.0.113.7"), "200 Updated");
    EXPECT_EQ(session.exchange("UPDATE office.dyn.example.test 203.0.113.7"), "200 Unchanged");
    EXPECT_EQ(session.exchange("UPDATE office.dyn.example.test. 2001:db8::7"), "200 Updated");
    EXPECT_EQ(session.exchange("QUERY office.dyn.example.test"), "200 203.0.113.7 2001:db8::7");
    EXPECT_EQ(published("office.dyn.example.test"), (std::vector<std::string>{"203.0.113.7", "2001:db8::7"}));
    EXPECT_EQ(session.exchange("QUIT"), "200 Bye");
    EXPECT_TRUE(session.closedByPeer());
}

TEST_F(QdnsTest, KeywordsAreCaseInsensitiveAndCrLfIsAccepted) {
    auto session = client();
    session.send("auth alice s3cret\r\n");
    EXPECT_EQ(session.line(), "200 OK");
    session.send("  Update\toffice.dyn.example.test   198.51.100.4 \r\n");
    EXPECT_EQ(session.line(), "200 Updated");
}

TEST_F(QdnsTest, UpdateWithoutAddressTakesTheConnectingAddress) {
    auto session = alice();
    EXPECT_EQ(session.exchange("UPDATE office.dyn.example.test"), "200 Updated");
    EXPECT_EQ(published("office.dyn.example.test"), std::vector<std::string>{"127.0.0.1"});
}

TEST_F(QdnsTest, TokenLogsInAsItsAccount) {
    auto session = client();
    EXPECT_EQ(session.exchange("TOKEN alice-token-1"), "200 OK");
    EXPECT_EQ(session.exchange("UPDATE home.dyn.example.test 192.0.2.5"), "200 Updated");
    // home keeps its static AAAA beside the dynamic A.
    EXPECT_EQ(session.exchange("QUERY home.dyn.example.test"), "200 192.0.2.5 2001:db8::1");
}

TEST_F(QdnsTest, UpdateBeforeLoginIsRefusedAndTheSessionStaysOpen) {
    auto session = client();
    EXPECT_EQ(session.exchange("UPDATE office.dyn.example.test 192.0.2.1"), "401 Authentication required");
    EXPECT_EQ(session.exchange("OFFLINE office.dyn.example.test"), "401 Authentication required");
    EXPECT_EQ(session.exchange("AUTH alice s3cret"), "200 OK");
    EXPECT_TRUE(published("office.dyn.example.test").empty());
}

TEST_F(QdnsTest, QueryNeedsNoLogin) {
    {
        auto session = alice();
        EXPECT_EQ(session.exchange("UPDATE office.dyn.example.test 192.0.2.8"), "200 Updated");
    }
    auto anonymous = client();
    EXPECT_EQ(anonymous.exchange("QUERY office.dyn.example.test"), "200 192.0.2.8");
    EXPECT_EQ(anonymous.exchange("QUERY nowhere.dyn.example.test"), "404 Not found");
}

TEST_F(QdnsTest, WrongPasswordUnknownUserAndWrongTokenCloseTheSession) {
    for (const char* login : {"AUTH alice wrong", "AUTH mallory s3cret", "TOKEN not-a-token"}) {
        auto session = client();
        EXPECT_EQ(session.exchange(login), "401 Authentication failed") << login;
        EXPECT_TRUE(session.closedByPeer()) << login;
    }
}

TEST_F(QdnsTest, HostsOfOtherAccountsAndStaticFamiliesAreForbidden) {
    auto session = alice();
    EXPECT_EQ(session.exchange("UPDATE bob.dyn.example.test 192.0.2.1"), "403 Forbidden");
    EXPECT_EQ(session.exchange("UPDATE elsewhere.example.org 192.0.2.1"), "403 Forbidden");
    EXPECT_EQ(session.exchange("UPDATE home.dyn.example.test 2001:db8::99"), "403 Forbidden");
    EXPECT_EQ(session.exchange("OFFLINE bob.dyn.example.test"), "403 Forbidden");
    EXPECT_TRUE(published("bob.dyn.example.test").empty());
}

TEST_F(QdnsTest, OfflineWithholdsTheAddressesUntilTheNextUpdate) {
    auto session = alice();
    EXPECT_EQ(session.exchange("UPDATE office.dyn.example.test 192.0.2.9"), "200 Updated");
    EXPECT_EQ(session.exchange("OFFLINE office.dyn.example.test"), "200 Updated");
    EXPECT_EQ(session.exchange("OFFLINE office.dyn.example.test"), "200 Unchanged");
    EXPECT_EQ(session.exchange("QUERY office.dyn.example.test"), "404 Not found");
    EXPECT_EQ(session.exchange("UPDATE office.dyn.example.test 192.0.2.9"), "200 Updated");
    EXPECT_EQ(session.exchange("QUERY office.dyn.example.test"), "200 192.0.2.9");
}

TEST_F(QdnsTest, SyntaxErrorsKeepTheSessionOpen) {
    auto session = alice();
    const char* bad[] = {
        "HELLO",                                          // unknown command
        "UPDATE",                                         // missing host
        "UPDATE office.dyn.example.test 192.0.2.1 extra",  // extra argument
        "UPDATE office.dyn.example.test 192.0.2.256",     // not an address
        "UPDATE office.dyn.example.test [2001:db8::1]",   // brackets
        "UPDATE office.dyn.example.test 2001:db8::1/64",  // prefix length
        "UPDATE bad..name 192.0.2.1",                     // not a host name
        "QUERY",                                          //
        "QUIT now",                                       //
        "AUTH alice s3cret",                              // a second login
        "",                                               // empty line
    };
    for (const char* line : bad) {
        const auto reply = session.exchange(line);
        EXPECT_EQ(reply.substr(0, 17), "400 Syntax error:") << line << " -> " << reply;
    }
    EXPECT_EQ(session.exchange("UPDATE office.dyn.example.test 192.0.2.1"), "200 Updated");
}

TEST_F(QdnsTest, BinaryGarbageIsASyntaxErrorNotACrash) {
    auto session = client();
    static constexpr char kGarbage[] = "\x00\x01\xff\xfe UPDATE\x1b[2J\n";
    session.send(std::string(kGarbage, sizeof kGarbage - 1));
    EXPECT_EQ(session.line().value_or("").substr(0, 3), "400");
    EXPECT_EQ(session.exchange("QUERY office.dyn.example.test"), "404 Not found");
}

TEST_F(QdnsTest, AnOverlongLineIsRefusedAndClosed) {
    auto session = client();
    session.send(std::string(600, 'A'));
    EXPECT_EQ(session.line(), "400 Syntax error: line longer than 512 octets");
    EXPECT_TRUE(session.closedByPeer());
}

TEST_F(QdnsTest, A512OctetLineIsStillALine) {
    auto session = client();
    // 511 octets and the LF: exactly the limit.
    std::string line = "QUERY " + std::string(505, 'a');
    ASSERT_EQ(line.size(), 511U);
    EXPECT_EQ(session.exchange(line).substr(0, 3), "400");  // a label over 63 octets, but a line
    EXPECT_EQ(session.exchange("QUERY x.dyn.example.test"), "404 Not found");
}

TEST_F(QdnsTest, TheHundredAndFirstCommandEndsTheSession) {
    auto session = client();
    for (int i = 0; i < 100; ++i) ASSERT_EQ(session.exchange("QUERY x.dyn.example.test"), "404 Not found") << i;
    EXPECT_EQ(session.exchange("QUERY x.dyn.example.test"), "421 Closing: session limit of 100 commands reached");
    EXPECT_TRUE(session.closedByPeer());
}

TEST_F(QdnsTest, AnIdleSessionIsClosedWithA421) {
    auto session = client();
    session.send("AUTH alice");  // half a line, then nothing
    EXPECT_EQ(session.line(), "421 Closing: idle timeout");  // the fixture's idle time is 2 s
    EXPECT_TRUE(session.closedByPeer());
}

TEST_F(QdnsTest, PipelinedCommandsAreAnsweredInOrder) {
    auto session = client();
    session.send("AUTH alice s3cret\nUPDATE office.dyn.example.test 192.0.2.44\nQUERY office.dyn.example.test\nQUIT\n");
    EXPECT_EQ(session.line(), "200 OK");
    EXPECT_EQ(session.line(), "200 Updated");
    EXPECT_EQ(session.line(), "200 192.0.2.44");
    EXPECT_EQ(session.line(), "200 Bye");
    EXPECT_TRUE(session.closedByPeer());
}

TEST_F(QdnsTest, ConcurrentSessionsAllLand) {
    constexpr int kSessions = 24;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kSessions; ++i) {
        threads.emplace_back([this, i, &ok] {
            LineClient session(port("qdns"));
            const bool done = session.exchange("AUTH alice s3cret") == "200 OK" &&
                              session.exchange("UPDATE office.dyn.example.test 198.51.100." + std::to_string(i + 1))
                                      .substr(0, 3) == "200" &&
                              session.exchange("QUIT") == "200 Bye";
            if (done) ++ok;
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(ok.load(), kSessions);
    const auto now = published("office.dyn.example.test");
    ASSERT_EQ(now.size(), 1U);
    EXPECT_EQ(now.front().rfind("198.51.100.", 0), 0U);
}

class QdnsThrottleTest : public QdnsTest {
protected:
    qdyn::server::Config makeConfig() override {
        auto config = qdyn::test::lineServerConfig();
        config.throttle = {3, 600, 900, 0};
        return config;
    }
};

TEST_F(QdnsThrottleTest, RepeatedFailuresAreThrottledEvenWithTheRightPassword) {
    for (int i = 0; i < 3; ++i) {
        auto session = client();
        EXPECT_EQ(session.exchange("AUTH alice wrong"), "401 Authentication failed");
    }
    auto session = client();
    const auto reply = session.exchange("AUTH alice s3cret");
    EXPECT_EQ(reply.rfind("429 Too many failures, retry in ", 0), 0U) << reply;
    EXPECT_TRUE(session.closedByPeer());
}

class QdnsConnectionCapTest : public QdnsTest {
protected:
    qdyn::server::Config makeConfig() override {
        auto config = qdyn::test::lineServerConfig();
        config.lineOptions.maxConnections = 2;
        return config;
    }
};

TEST_F(QdnsConnectionCapTest, ConnectionsOverTheCapAreClosedAtOnce) {
    auto first = client();
    auto second = client();
    EXPECT_EQ(first.exchange("QUERY x.dyn.example.test"), "404 Not found");
    EXPECT_EQ(second.exchange("QUERY x.dyn.example.test"), "404 Not found");
    auto third = client();
    EXPECT_TRUE(third.closedByPeer());
    // The sessions under way go on.
    EXPECT_EQ(first.exchange("QUERY x.dyn.example.test"), "404 Not found");
}

// With a store: an acknowledged update survives a restart, and one that cannot be made durable
// is answered 500 instead of 200.
class QdnsStoreTest : public QdnsTest {
protected:
    qdyn::server::Config makeConfig() override {
        auto config = qdyn::test::lineServerConfig();
        config.storePath = m_dir.path() / "store.db";
        return config;
    }
    qdyn::test::TempDir m_dir;
};

TEST_F(QdnsStoreTest, AnAcknowledgedUpdateSurvivesARestart) {
    {
        auto session = alice();
        EXPECT_EQ(session.exchange("UPDATE office.dyn.example.test 203.0.113.70"), "200 Updated");
    }
    m_server->stop();
    m_server = std::make_unique<qdyn::server::Server>(makeConfig());
    ASSERT_TRUE(m_server->start());
    EXPECT_EQ(client().exchange("QUERY office.dyn.example.test"), "200 203.0.113.70");
}

TEST_F(QdnsStoreTest, AnUpdateThatCannotBeMadeDurableIsAnswered500) {
    auto session = alice();
    sqlite3* other = nullptr;
    ASSERT_EQ(sqlite3_open((m_dir.path() / "store.db").string().c_str(), &other), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    session.send("UPDATE office.dyn.example.test 203.0.113.71\n");
    const auto reply = session.line(30000).value_or("<none>");
    ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(other);
    EXPECT_EQ(reply, "500 Server error");
    // The session goes on, and the next update is durable again.
    EXPECT_EQ(session.exchange("UPDATE office.dyn.example.test 203.0.113.72").substr(0, 3), "200");
}

}  // namespace server_qdns_test
}  // namespace
