// LineClient: server URLs, lines in both directions (CRLF, pipelined lines, the length cap),
// refusing line breaks inside a line, deadlines, and the peer's address.
#include "qdyn/net/line_client.hpp"

#include <gtest/gtest.h>

#include "closed_port.hpp"
#include "scripted_line_peer.hpp"

namespace qdyn::net {
namespace {
namespace line_client_test {

using test::ScriptedLinePeer;

LineEndpoint endpointFor(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
    LineEndpoint endpoint;
    endpoint.host = "127.0.0.1";
    endpoint.port = port;
    endpoint.timeout = timeout;
    endpoint.maxLine = 64;
    return endpoint;
}

TEST(ServerUrlTest, TakesHostsAddressesAndPorts) {
    const auto name = parseServerUrl("qdns://dyn.example.test");
    ASSERT_TRUE(name) << name.message();
    EXPECT_EQ(name->scheme, "qdns");
    EXPECT_EQ(name->host, "dyn.example.test");
    EXPECT_FALSE(name->port);
    const auto v6 = parseServerUrl("Gnudip://[2001:db8::1]:3495/");
    ASSERT_TRUE(v6) << v6.message();
    EXPECT_EQ(v6->scheme, "gnudip");
    EXPECT_EQ(v6->host, "2001:db8::1");
    EXPECT_EQ(v6->port, 3495);
    EXPECT_EQ(parseServerUrl("miniupdate://192.0.2.1:9120")->host, "192.0.2.1");
    for (const char* bad : {"dyn.example.test", "://x", "qdns://", "qdns://[192.0.2.1]", "qdns://[2001:db8::1",
                            "qdns://u@x", "qdns://x:", "qdns://x:99999", "qdns://x/path", "qdns://x?q", "qdns://x y"}) {
        EXPECT_FALSE(parseServerUrl(bad)) << bad;
    }
}

TEST(LineClientTest, ReadsLinesAsSent) {
    ScriptedLinePeer peer([](ScriptedLinePeer::Connection& c, std::size_t) {
        c.send("first\r\nsecond\nthird");
        (void)c.readLine();
        c.send("\n");
        c.drain();
    });
    LineClient client;
    ASSERT_TRUE(client.connect(endpointFor(peer.port())));
    EXPECT_EQ(client.peerAddress(), IpAddress::parse("127.0.0.1"));
    EXPECT_EQ(client.readLine().value(), "first");
    EXPECT_EQ(client.readLine().value(), "second");
    ASSERT_TRUE(client.writeLine({"a", " ", "b"}));
    EXPECT_EQ(client.readLine().value(), "third");
    client.close();
    EXPECT_FALSE(client.isOpen());
    peer.join();
    EXPECT_EQ(peer.received(), std::vector<std::string>{"a b"});
}

TEST(LineClientTest, RefusesLineBreaksInsideALine) {
    ScriptedLinePeer peer([](ScriptedLinePeer::Connection& c, std::size_t) { c.drain(); });
    LineClient client;
    ASSERT_TRUE(client.connect(endpointFor(peer.port())));
    EXPECT_FALSE(client.writeLine({"UPDATE h\nAUTH x"}));
    EXPECT_FALSE(client.writeLine({"a\r"}));
    EXPECT_FALSE(client.writeLine({std::string_view("a\0b", 3)}));
    ASSERT_TRUE(client.writeLine("ok"));
    client.close();
    peer.join();
    EXPECT_EQ(peer.received(), std::vector<std::string>{"ok"});
}

TEST(LineClientTest, CapsTheLineLength) {
    ScriptedLinePeer peer([](ScriptedLinePeer::Connection& c, std::size_t) {
        c.send(std::string(63, 'x') + "\n" + std::string(64, 'y') + "\n");
        c.drain();
    });
    LineClient client;
    ASSERT_TRUE(client.connect(endpointFor(peer.port())));
    EXPECT_EQ(client.readLine().value(), std::string(63, 'x')) << "64 octets with the LF fit";
    const auto tooLong = client.readLine();
    ASSERT_FALSE(tooLong);
    EXPECT_NE(tooLong.message().find("longer than 64 octets"), std::string::npos) << tooLong.message();
    EXPECT_FALSE(client.isOpen());
}

TEST(LineClientTest, DeadlinesAndHangups) {
    ScriptedLinePeer silent([](ScriptedLinePeer::Connection& c, std::size_t) { c.drain(); });
    LineClient client;
    ASSERT_TRUE(client.connect(endpointFor(silent.port(), std::chrono::milliseconds(150))));
    const auto started = std::chrono::steady_clock::now();
    const auto line = client.readLine();
    ASSERT_FALSE(line);
    EXPECT_NE(line.message().find("timed out after 150 ms"), std::string::npos) << line.message();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    EXPECT_FALSE(client.isOpen());
    EXPECT_FALSE(client.readLine());

    ScriptedLinePeer hangsUp([](ScriptedLinePeer::Connection& c, std::size_t) { c.send("partial"); });
    ASSERT_TRUE(client.connect(endpointFor(hangsUp.port())));
    const auto cut = client.readLine();
    ASSERT_FALSE(cut);
    EXPECT_NE(cut.message().find("closed the connection"), std::string::npos) << cut.message();

    const test::ClosedPort closed;
    const auto refused = client.connect(endpointFor(closed.port()));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.message().find("cannot connect to 127.0.0.1 port"), std::string::npos) << refused.message();
}

TEST(LineClientTest, PinsTheFamily) {
    LineClient client;
    LineEndpoint endpoint = endpointFor(1);
    endpoint.family = AddressFamily::V6;
    const auto wrongFamily = client.connect(endpoint);
    ASSERT_FALSE(wrongFamily);
    EXPECT_NE(wrongFamily.message().find("has no IPv6 address"), std::string::npos) << wrongFamily.message();
}

}  // namespace line_client_test
}  // namespace
}  // namespace qdyn::net
