// GnuDIP over TCP on qdyn-server (docs/protocols/gnudip.md): the request parser on its own,
// then a real server on loopback: the salt greeting, each reqc, every refusal (always `1`), one
// request per connection, the line limits, idling, throttling and many clients at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "line/gnudip_tcp_session.hpp"
#include "line_server_fixture.hpp"
#include "qdyn/crypto/digest.hpp"
#include "qdyn/protocols/gnudip_tcp.hpp"

namespace qdyn::test {
namespace {
namespace server_gnudip_tcp_test {

constexpr std::string_view kHost = "gnu.dyn.example.test";
constexpr std::string_view kDomain = "dyn.example.test";

std::string hashFor(std::string_view password, std::string_view salt) {
    return crypto::md5Hex({crypto::md5Hex(password).value(), ".", salt}).value();
}

// ---- The parser -------------------------------------------------------------------------

const std::string kAnyHash(32, 'a');

TEST(GnudipTcpRequestParser, ReadsEachRequestCode) {
    auto request = server::parseGnudipTcpRequest("gnu:" + kAnyHash + ":dyn.example.test:0:198.51.100.7");
    ASSERT_TRUE(request) << request.message();
    EXPECT_EQ(request->user, "gnu");
    EXPECT_EQ(request->hash, kAnyHash);
    EXPECT_EQ(request->domain, "dyn.example.test");
    EXPECT_EQ(request->code, server::GnudipCode::SetAddress);
    EXPECT_EQ(request->address, ip("198.51.100.7"));
    EXPECT_EQ(request->host, name(kHost));

    request = server::parseGnudipTcpRequest("gnu:" + kAnyHash + ":dyn.example.test:1");
    ASSERT_TRUE(request) << request.message();
    EXPECT_EQ(request->code, server::GnudipCode::Offline);
    EXPECT_FALSE(request->address);

    request = server::parseGnudipTcpRequest("gnu:" + kAnyHash + ":dyn.example.test:2");
    ASSERT_TRUE(request) << request.message();
    EXPECT_EQ(request->code, server::GnudipCode::ConnectingAddress);
    EXPECT_FALSE(request->address);
}

TEST(GnudipTcpRequestParser, RefusesEverythingElse) {
    const std::string h = kAnyHash;
    const std::vector<std::string> bad = {
        "",
        "gnu",
        "gnu:" + h + ":dyn.example.test",                        // no reqc
        "gnu:" + h + ":dyn.example.test:0",                      // reqc 0 without addr
        "gnu:" + h + ":dyn.example.test:0:",                     // empty addr
        "gnu:" + h + ":dyn.example.test:1:198.51.100.7",         // offline takes no addr
        "gnu:" + h + ":dyn.example.test:2:198.51.100.7",         // neither does reqc 2
        "gnu:" + h + ":dyn.example.test:0:198.51.100.7:extra",   // six fields
        "gnu:" + h + ":dyn.example.test:3",                      // unknown reqc
        "gnu:" + h + ":dyn.example.test:00:198.51.100.7",        // reqc is one digit
        "gnu:" + h + ":dyn.example.test:0:2001:db8::1",          // IPv6 (too many fields)
        "gnu:" + h + ":dyn.example.test:0:::1",                  // IPv6 loopback
        "gnu:" + h + ":dyn.example.test:0:198.51.100.300",       // not an address
        "gnu:" + h + ":dyn.example.test:0:example.test",         // a name, no address
        ":" + h + ":dyn.example.test:1",                         // empty user
        "gnu::dyn.example.test:1",                               // empty hash
        "gnu:" + h + "::1",                                      // empty domain
        "gnu:" + std::string(31, 'a') + ":dyn.example.test:1",   // short hash
        "gnu:" + std::string(32, 'A') + ":dyn.example.test:1",   // upper-case hex
        "gnu:" + std::string(32, 'g') + ":dyn.example.test:1",   // not hex
        "gnu :" + h + ":dyn.example.test:1",                     // a blank
        "gnu:" + h + ":dyn.example.test:1\r",                    // a stray CR
        std::string("gnu\0:", 5) + h + ":dyn.example.test:1",    // a NUL
        "gn\xC3\xBC:" + h + ":dyn.example.test:1",               // UTF-8
        "gnu:" + h + ":dyn..example.test:1",                     // empty label
        std::string(64, 'u') + ":" + h + ":dyn.example.test:1",  // user longer than a label
        "gnu:" + h + ":" + std::string(600, 'd') + ":1",         // over the line limit
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",          // a TLS hello
    };
    for (const auto& line : bad) {
        EXPECT_FALSE(server::parseGnudipTcpRequest(line)) << "accepted: " << line;
    }
}

// ---- The server ----------------------------------------------------------------------------

// The fixture's server plus gnu (GnuDIP user, password gnu-pass, host gnu) and hashed (a
// password_hash only, so no MD5 verifier for GnuDIP's challenge).
server::Config gnudipConfig() {
    auto config = lineServerConfig();
    server::Account gnu{"gnu", "", {name(kHost)}};
    gnu.gnudipMd5 = crypto::md5Hex("gnu-pass").value();
    server::Account hashed{"hashed", "", {name("hashed.dyn.example.test")}};
    // "correct horse battery staple", as the HTTP GnuDIP test has it.
    hashed.passwordHash = "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU";
    config.accounts.push_back(gnu);
    config.accounts.push_back(hashed);
    return config;
}

class GnudipTcpServerTest : public LineServerTest {
protected:
    server::Config makeConfig() override { return gnudipConfig(); }

    // One connection: takes the salt, sends `user:hash(password, salt):domain:rest`, returns the
    // reply ("<closed>" when none) and checks that the server then closes.
    std::string request(std::string_view rest, std::string_view user = "gnu", std::string_view password = "gnu-pass",
                        std::string_view domain = kDomain) {
        LineClient client(port("gnudip"));
        const auto salt = client.line();
        if (!salt) return "<no salt>";
        const auto reply = client.exchange(std::string(user) + ":" + hashFor(password, *salt) + ":" +
                                           std::string(domain) + ":" + std::string(rest));
        EXPECT_TRUE(client.closedByPeer()) << "still open after " << reply;
        return reply;
    }

    // A raw line after the salt; the reply, and the connection must close after it.
    std::string raw(std::string_view line) {
        LineClient client(port("gnudip"));
        EXPECT_TRUE(client.line());
        const auto reply = client.exchange(line);
        EXPECT_TRUE(client.closedByPeer()) << "still open after " << reply;
        return reply;
    }
};

TEST_F(GnudipTcpServerTest, GreetsWithAFreshTenCharacterSalt) {
    const std::regex salt("[A-Za-z0-9]{10}");
    std::set<std::string> seen;
    for (int i = 0; i < 5; ++i) {
        LineClient client(port("gnudip"));
        const auto line = client.line();
        ASSERT_TRUE(line);
        EXPECT_TRUE(std::regex_match(*line, salt)) << *line;
        seen.insert(*line);
    }
    EXPECT_EQ(seen.size(), 5U);
}

TEST_F(GnudipTcpServerTest, ReqcZeroSetsTheAddress) {
    EXPECT_EQ(request("0:198.51.100.7"), "0");
    EXPECT_EQ(published(kHost), std::vector<std::string>{"198.51.100.7"});
    EXPECT_EQ(request("0:198.51.100.7"), "0");  // unchanged is acknowledged too
    EXPECT_EQ(request("0:203.0.113.9"), "0");
    EXPECT_EQ(published(kHost), std::vector<std::string>{"203.0.113.9"});
}

TEST_F(GnudipTcpServerTest, ReqcOneTakesTheHostOffline) {
    ASSERT_EQ(request("0:198.51.100.7"), "0");
    EXPECT_EQ(request("1"), "2");
    EXPECT_TRUE(published(kHost).empty());
    // Back online with the next address.
    EXPECT_EQ(request("0:198.51.100.8"), "0");
    EXPECT_EQ(published(kHost), std::vector<std::string>{"198.51.100.8"});
}

TEST_F(GnudipTcpServerTest, ReqcTwoPublishesThePeerAddress) {
    EXPECT_EQ(request("2"), "0:127.0.0.1");
    EXPECT_EQ(published(kHost), std::vector<std::string>{"127.0.0.1"});
}

TEST_F(GnudipTcpServerTest, AWrongHashIsRefused) {
    ASSERT_EQ(request("0:198.51.100.7"), "0");
    EXPECT_EQ(request("0:203.0.113.9", "gnu", "wrong"), "1");
    EXPECT_EQ(published(kHost), std::vector<std::string>{"198.51.100.7"});
}

TEST_F(GnudipTcpServerTest, AHashForAnotherConnectionsSaltIsRefused) {
    LineClient first(port("gnudip"));
    LineClient second(port("gnudip"));
    const auto firstSalt = first.line();
    const auto secondSalt = second.line();
    ASSERT_TRUE(firstSalt && secondSalt);
    ASSERT_NE(*firstSalt, *secondSalt);
    const auto line = "gnu:" + hashFor("gnu-pass", *firstSalt) + ":dyn.example.test:0:198.51.100.7";
    EXPECT_EQ(second.exchange(line), "1");
    EXPECT_TRUE(published(kHost).empty());
    // The same line where its salt was handed out is good, once: then the connection is gone.
    EXPECT_EQ(first.exchange(line), "0");
    EXPECT_TRUE(first.closedByPeer());
    // Replayed on a new connection (a new salt) it is refused.
    EXPECT_EQ(raw(line), "1");
}

TEST_F(GnudipTcpServerTest, AnUnknownUserIsRefused) {
    EXPECT_EQ(request("0:198.51.100.7", "nobody", "gnu-pass"), "1");
}

TEST_F(GnudipTcpServerTest, AnAccountWithOnlyAPasswordHashIsRefused) {
    EXPECT_EQ(request("0:198.51.100.7", "hashed", "correct horse battery staple"), "1");
    EXPECT_TRUE(published("hashed.dyn.example.test").empty());
}

TEST_F(GnudipTcpServerTest, AnAccountWithAPlainPasswordLogsInWithItsMd5) {
    // bob has no gnudip_md5: the server derives it from his plain password.
    EXPECT_EQ(request("0:198.51.100.20", "bob", "pw"), "0");
    EXPECT_EQ(published("bob.dyn.example.test"), std::vector<std::string>{"198.51.100.20"});
}

TEST_F(GnudipTcpServerTest, AHostNotGrantedOrOutsideTheZoneIsRefused) {
    // alice logs in fine, but alice.dyn.example.test is not one of her hosts.
    EXPECT_EQ(request("0:198.51.100.7", "alice", "s3cret"), "1");
    // gnu under another domain: not granted, and outside the zone.
    EXPECT_EQ(request("0:198.51.100.7", "gnu", "gnu-pass", "sub.dyn.example.test"), "1");
    EXPECT_EQ(request("0:198.51.100.7", "gnu", "gnu-pass", "example.org"), "1");
    EXPECT_TRUE(published(kHost).empty());
}

TEST_F(GnudipTcpServerTest, MalformedLinesAreRefusedAndClosed) {
    LineClient salted(port("gnudip"));
    const auto salt = salted.line();
    ASSERT_TRUE(salt);
    const auto hash = hashFor("gnu-pass", *salt);
    // With the right hash for `salted` each of these fails on its form alone.
    EXPECT_EQ(salted.exchange("gnu:" + hash + ":dyn.example.test:3"), "1");
    EXPECT_TRUE(salted.closedByPeer());

    const std::vector<std::string> lines = {
        "",
        "gnu",
        "gnu:" + hash + ":dyn.example.test",
        "gnu:" + hash + ":dyn.example.test:0",
        "gnu:" + hash + ":dyn.example.test:1:198.51.100.7",
        "gnu:" + hash + ":dyn.example.test:0:198.51.100.7:x",
        "gnu:" + hash + ":dyn.example.test:0:2001:db8::7",
        "gnu:" + hash + ":dyn.example.test:0:999.1.1.1",
        std::string("\x01\x02\xff\xfe garbage \x7f"),
        std::string("gnu\0", 4) + hash + ":dyn.example.test:1",
    };
    for (const auto& line : lines)
        EXPECT_EQ(raw(line), "1") << line;
    EXPECT_TRUE(published(kHost).empty());
}

TEST_F(GnudipTcpServerTest, ACrBeforeTheLfIsAccepted) {
    LineClient client(port("gnudip"));
    const auto salt = client.line();
    ASSERT_TRUE(salt);
    client.send("gnu:" + hashFor("gnu-pass", *salt) + ":dyn.example.test:0:198.51.100.7\r\n");
    EXPECT_EQ(client.line(), "0");
    EXPECT_TRUE(client.closedByPeer());
}

TEST_F(GnudipTcpServerTest, AnOverlongLineIsRefusedAndClosed) {
    {
        LineClient client(port("gnudip"));
        ASSERT_TRUE(client.line());
        client.send(std::string(600, 'a'));  // no LF: the limit alone ends it
        EXPECT_EQ(client.line(), "1");
        EXPECT_TRUE(client.closedByPeer());
    }
    {
        LineClient client(port("gnudip"));
        ASSERT_TRUE(client.line());
        EXPECT_EQ(client.exchange("gnu:" + kAnyHash + ":" + std::string(600, 'd') + ":1"), "1");
        EXPECT_TRUE(client.closedByPeer());
    }
}

TEST_F(GnudipTcpServerTest, AnIdleClientIsClosedWithoutAReply) {
    LineClient client(port("gnudip"), 6000);
    ASSERT_TRUE(client.line());
    const auto start = std::chrono::steady_clock::now();
    client.send("gnu:");                 // a partial line does not count
    EXPECT_TRUE(client.closedByPeer());  // EOF, and no `1` before it
    const auto waited = std::chrono::steady_clock::now() - start;
    EXPECT_GE(waited, std::chrono::milliseconds(1500));
    EXPECT_LT(waited, std::chrono::milliseconds(5000));
}

TEST_F(GnudipTcpServerTest, ManyClientsAtOnce) {
    constexpr int kThreads = 20;
    constexpr int kEach = 3;
    std::atomic<int> good{0};
    std::vector<std::string> sent;
    for (int i = 0; i < kThreads; ++i)
        sent.push_back("198.51.100." + std::to_string(10 + i));
    {
        std::vector<std::jthread> threads;
        for (int i = 0; i < kThreads; ++i) {
            threads.emplace_back([&, i] {
                for (int j = 0; j < kEach; ++j) {
                    LineClient client(port("gnudip"));
                    const auto salt = client.line();
                    if (!salt) continue;
                    const auto reply = client.exchange("gnu:" + hashFor("gnu-pass", *salt) +
                                                       ":dyn.example.test:0:" + sent[static_cast<std::size_t>(i)]);
                    if (reply == "0" && client.closedByPeer()) ++good;
                }
            });
        }
    }
    EXPECT_EQ(good.load(), kThreads * kEach);
    const auto now = published(kHost);
    ASSERT_EQ(now.size(), 1U);
    EXPECT_NE(std::find(sent.begin(), sent.end(), now.front()), sent.end()) << now.front();
}

// qdyn's own client (core/src/protocols/gnudip_tcp.cpp) against this server: each reqc.
TEST_F(GnudipTcpServerTest, QdynsClientUpdatesThroughIt) {
    gnudip::tcp::Settings settings;
    settings.host = "127.0.0.1";
    settings.port = port("gnudip");
    settings.username = "gnu";
    settings.password = Secret("gnu-pass");
    gnudip::tcp::Client client(std::move(settings));

    auto outcomes = client.update({{std::string(kHost)}, ip("198.51.100.44"), std::nullopt});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated) << outcomes[0].code << " " << outcomes[0].detail;
    EXPECT_EQ(published(kHost), std::vector<std::string>{"198.51.100.44"});

    outcomes = client.update({{std::string(kHost)}, std::nullopt, std::nullopt});  // reqc 2
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::Updated) << outcomes[0].code << " " << outcomes[0].detail;
    EXPECT_EQ(outcomes[0].addresses, std::vector<IpAddress>{ip("127.0.0.1")});
    EXPECT_EQ(published(kHost), std::vector<std::string>{"127.0.0.1"});

    const auto offline = client.goOffline(std::string(kHost));
    EXPECT_EQ(offline.outcome, OutcomeClass::Updated) << offline.code << " " << offline.detail;
    EXPECT_TRUE(published(kHost).empty());

    gnudip::tcp::Settings wrong;
    wrong.host = "127.0.0.1";
    wrong.port = port("gnudip");
    wrong.username = "gnu";
    wrong.password = Secret("not-it");
    gnudip::tcp::Client refused(std::move(wrong));
    outcomes = refused.update({{std::string(kHost)}, ip("198.51.100.45"), std::nullopt});
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].outcome, OutcomeClass::AuthFailed);
}

// The login throttle on: three failures from one source block it, the right hash included.
class GnudipTcpServerThrottleTest : public GnudipTcpServerTest {
protected:
    server::Config makeConfig() override {
        auto config = gnudipConfig();
        config.throttle = {3, 600, 900, 0};
        return config;
    }
};

TEST_F(GnudipTcpServerThrottleTest, RepeatedFailuresAreThrottled) {
    ASSERT_EQ(request("0:198.51.100.7"), "0");
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(request("0:203.0.113.9", "gnu", "wrong"), "1");
    EXPECT_EQ(request("0:203.0.113.9"), "1");  // right, but blocked
    EXPECT_EQ(published(kHost), std::vector<std::string>{"198.51.100.7"});
}

}  // namespace server_gnudip_tcp_test
}  // namespace
}  // namespace qdyn::test
