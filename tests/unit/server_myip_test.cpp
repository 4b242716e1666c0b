// qdyn-server's myip service (miniDNS, UDP; docs/protocols/miniupdate.md "myip"): "\n" is
// answered with the sender's address, anything else with silence, and answers to one source
// are rate limited so the port cannot be used as a reflector.
#include <cstddef>
#include <cstdint>
#include <gtest/gtest.h>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "line/myip_udp.hpp"
#include "line_server_fixture.hpp"
#include "socket_api.hpp"

namespace qdyn::test {
namespace {
namespace server_myip_test {

// One UDP socket on loopback that talks to the myip port.
class MyipClient {
public:
    explicit MyipClient(std::uint16_t port) : m_fd(openSocket(AF_INET, SOCK_DGRAM)) {
        EXPECT_NE(m_fd.get(), kNoSocket);
        m_server.sin_family = AF_INET;
        m_server.sin_port = htons(port);
        m_server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }

    void send(std::string_view payload) {
        const auto sent = sendTo(m_fd.get(), payload.data(), payload.size(),
                                 reinterpret_cast<const sockaddr*>(&m_server), sizeof m_server);
        EXPECT_EQ(sent, static_cast<std::ptrdiff_t>(payload.size()));
    }

    // The next datagram, or nullopt when none comes within the time.
    std::optional<std::string> receive(int timeoutMs) {
        if (!waitReadable(m_fd.get(), timeoutMs)) return std::nullopt;
        char buffer[512];
        const auto got = receiveBytes(m_fd.get(), buffer, sizeof buffer);
        if (got < 0) return std::nullopt;
        return std::string(buffer, static_cast<std::size_t>(got));
    }

    std::optional<std::string> ask(std::string_view payload, int timeoutMs = 3000) {
        send(payload);
        return receive(timeoutMs);
    }

private:
    Fd m_fd;
    sockaddr_in m_server{};
};

using MyipServer = LineServerTest;

TEST_F(MyipServer, AnswersTheSendersAddress) {
    ASSERT_NE(port("myip"), 0);
    MyipClient client(port("myip"));
    EXPECT_EQ(client.ask("\n").value_or("<none>"), "127.0.0.1\n");
}

TEST_F(MyipServer, EmptyAndCrlfRequestsAreAnsweredToo) {
    MyipClient client(port("myip"));
    EXPECT_EQ(client.ask("").value_or("<none>"), "127.0.0.1\n");
    EXPECT_EQ(client.ask("\r\n").value_or("<none>"), "127.0.0.1\n");
}

TEST_F(MyipServer, OtherPayloadsGetNoAnswer) {
    MyipClient client(port("myip"));
    for (const std::string& payload :
         {std::string("hello\n"), std::string("\n\n"), std::string(" "), std::string("x"),
          std::string("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12), std::string(1400, '\n')}) {
        client.send(payload);
    }
    EXPECT_FALSE(client.receive(300).has_value());
    // Still serving.
    EXPECT_EQ(client.ask("\n").value_or("<none>"), "127.0.0.1\n");
}

TEST_F(MyipServer, AnswersToOneSourceAreRateLimited) {
    MyipClient client(port("myip"));
    constexpr int kRequests = 40;
    for (int i = 0; i < kRequests; ++i)
        client.send("\n");
    int answers = 0;
    while (client.receive(500))
        ++answers;
    EXPECT_GE(answers, 1);
    // The burst, and what the sustained rate refills while the test runs (well under 2 s).
    EXPECT_LE(answers, static_cast<int>(server::MyipUdp::kBurst + 2 * server::MyipUdp::kAnswersPerSecond));
}

// Never much larger than the request: at most the longest address and a LF.
TEST(MyipAnswer, TextOfEitherFamilyAndBounded) {
    const std::uint8_t lf[] = {'\n'};
    EXPECT_EQ(server::MyipUdp::answerFor(lf, ip("2001:db8::1")), "2001:db8::1\n");
    EXPECT_EQ(server::MyipUdp::answerFor({}, ip("192.0.2.1")), "192.0.2.1\n");
    const auto longest = server::MyipUdp::answerFor(lf, ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    ASSERT_TRUE(longest);
    EXPECT_LE(longest->size(), 40U);
    const std::uint8_t other[] = {'?', '\n'};
    EXPECT_FALSE(server::MyipUdp::answerFor(other, ip("192.0.2.1")));
}

}  // namespace server_myip_test
}  // namespace
}  // namespace qdyn::test
