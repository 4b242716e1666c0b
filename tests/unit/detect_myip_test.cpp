// The miniDNS myip source: the strict reading of the answer, qdyn-server's myip service over
// both families, and scripted peers with two addresses, the wrong family, a reply from
// another port, or silence.
#include <chrono>
#include <gtest/gtest.h>

#include "echo_server_fixture.hpp"
#include "qdyn/detect/myip_source.hpp"

namespace qdyn::test {
namespace {
namespace detect_myip_test {

using namespace std::chrono_literals;

TEST(MyipReply, ExactlyOneAddressAndALineFeed) {
    EXPECT_EQ(detect::parseMyipReply(bytesOf("192.0.2.1\n")).value(), ip("192.0.2.1"));
    EXPECT_EQ(detect::parseMyipReply(bytesOf("2001:db8::1\r\n")).value(), ip("2001:db8::1"));
    for (const std::string_view bad : {"", "\n", "192.0.2.1", " 192.0.2.1\n", "192.0.2.1 192.0.2.2\n",
                                       "192.0.2.1\n192.0.2.2\n", "<html>error</html>\n", "192.0.2.1\n\n"}) {
        EXPECT_FALSE(detect::parseMyipReply(bytesOf(bad))) << bad;
    }
}

Result<std::vector<detect::Candidate>> askMyip(std::uint16_t port, AddressFamily family = AddressFamily::V4,
                                               std::string host = "127.0.0.1",
                                               std::chrono::milliseconds timeout = 1500ms) {
    detect::MyipOptions options;
    options.host = std::move(host);
    options.port = port;
    options.timeout = timeout;
    options.retransmitAfter = 300ms;
    detect::MyipSource source(options);
    return source.detect(family);
}

using MyipAgainstServer = EchoServerTest;

TEST_F(MyipAgainstServer, QdynServerAnswersOverEitherFamily) {
    const auto v4 = askMyip(port("myip"));
    ASSERT_TRUE(v4) << v4.message();
    EXPECT_EQ(v4->front().address, ip("127.0.0.1"));
    const auto v6 = askMyip(port("myip", "::1"), AddressFamily::V6, "::1");
    ASSERT_TRUE(v6) << v6.message();
    EXPECT_EQ(v6->front().address, ip("::1"));
}

TEST_F(MyipAgainstServer, TheFamilyOfTheServerAddressMustMatch) {
    const auto found = askMyip(port("myip"), AddressFamily::V6, "127.0.0.1");
    ASSERT_FALSE(found);
    EXPECT_NE(found.message().find("not an IPv6 address"), std::string::npos) << found.message();
}

TEST(MyipSource, BadAnswersAreIgnoredUntilTheTimeout) {
    ScriptedUdpPeer peer([](std::span<const std::uint8_t>, const ScriptedUdpPeer::Io& io) {
        io.send(bytesOf("192.0.2.1 192.0.2.2\n"));
        io.send(bytesOf("2001:db8::7\n"));
        io.send(bytesOf("<html><body>502 Bad Gateway</body></html>\n"));
        io.sendFromOther(bytesOf("192.0.2.99\n"));
    });
    const auto found = askMyip(peer.port(), AddressFamily::V4, "127.0.0.1", 600ms);
    ASSERT_FALSE(found);
    EXPECT_NE(found.message().find("600 ms"), std::string::npos) << found.message();
}

TEST(MyipSource, TheRightAnswerAfterNoise) {
    ScriptedUdpPeer peer([](std::span<const std::uint8_t> request, const ScriptedUdpPeer::Io& io) {
        if (request.size() != 1 || request[0] != '\n') return;
        io.sendFromOther(bytesOf("192.0.2.99\n"));
        io.send(bytesOf("two words\n"));
        io.send(bytesOf("203.0.113.40\n"));
    });
    const auto found = askMyip(peer.port());
    ASSERT_TRUE(found) << found.message();
    EXPECT_EQ(found->front().address, ip("203.0.113.40"));
}

TEST(MyipSource, SilenceIsATimeoutAfterOneResend) {
    ScriptedUdpPeer peer([](std::span<const std::uint8_t>, const ScriptedUdpPeer::Io&) {});
    const auto found = askMyip(peer.port(), AddressFamily::V4, "127.0.0.1", 500ms);
    ASSERT_FALSE(found);
    EXPECT_EQ(peer.requests(), 2);
}

}  // namespace detect_myip_test
}  // namespace
}  // namespace qdyn::test
