// The NAT-PMP source (RFC 6886) and its message codec. libnatpmp always talks to port 5351, so
// every exchange runs in a fork()ed child inside a network namespace the test creates (only lo,
// up): qdyn-server's responder there, or a scripted gateway that answers truncated, forged,
// wrong-opcode and error replies. The host's network is never touched, and no default gateway
// exists in there. Without namespaces the tests skip, loudly.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <gtest/gtest.h>
#include <string>
#include <thread>
#include <vector>

#include "namespace_child.hpp"
#include "qdyn/detect/natpmp_message.hpp"
#include "qdyn/detect/natpmp_source.hpp"
#include "qdyn_server/server.hpp"
#include "test_values.hpp"

namespace qdyn::test {
namespace {
namespace detect_natpmp_test {

namespace natpmp = detect::natpmp;
using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

// ---- the codec, in process ----

TEST(NatpmpMessage, ReadsTheExternalAddressResponse) {
    const Bytes reply{0, 128, 0, 0, 0, 0, 1, 0x2c, 203, 0, 113, 7};
    const auto parsed = natpmp::parseExternalAddressReply(reply);
    ASSERT_TRUE(parsed) << parsed.message();
    EXPECT_EQ(parsed->resultCode, 0);
    EXPECT_EQ(parsed->epoch, 300U);
    EXPECT_EQ(parsed->address, ip("203.0.113.7"));
    EXPECT_EQ(natpmp::encodeExternalAddressResponse(300, ip("203.0.113.7")), reply);
    EXPECT_EQ(natpmp::encodeExternalAddressRequest(), (std::array<std::uint8_t, 2>{0, 0}));
}

TEST(NatpmpMessage, ErrorRepliesAreWellFormedButCarryTheirCode) {
    for (const Bytes& reply : {Bytes{0, 128, 0, 3, 0, 0, 0, 9}, Bytes{0, 128, 0, 3, 0, 0, 0, 9, 0, 0, 0, 0}}) {
        const auto parsed = natpmp::parseExternalAddressReply(reply);
        ASSERT_TRUE(parsed) << parsed.message();
        EXPECT_EQ(parsed->resultCode, 3);
    }
    EXPECT_EQ(natpmp::encodeErrorResponse(1, natpmp::ResultCode::UnsupportedOpcode, 7),
              (Bytes{0, 129, 0, 5, 0, 0, 0, 7}));
    EXPECT_NE(natpmp::describeResult(2).find("not authorized"), std::string::npos);
    EXPECT_NE(natpmp::describeResult(77).find("not defined"), std::string::npos);
}

TEST(NatpmpMessage, AnythingElseIsNotAnAnswer) {
    const std::pair<Bytes, const char*> bad[] = {
        {{}, "truncated"},
        {{0, 128, 0, 0}, "truncated"},
        {{0, 128, 0, 0, 0, 0, 0}, "truncated"},
        {{0, 128, 0, 0, 0, 0, 0, 1, 203, 0, 113}, "not 12"},        // 11 octets
        {{0, 128, 0, 0, 0, 0, 0, 1, 203, 0, 113, 7, 0}, "not 12"},  // 13
        {{0, 128, 0, 0, 0, 0, 0, 1}, "not 12"},                     // success without an address
        {{1, 128, 0, 0, 0, 0, 0, 1, 203, 0, 113, 7}, "version 1"},
        {{0, 129, 0, 0, 0, 0, 0, 1, 203, 0, 113, 7}, "opcode 129"},  // a UDP mapping response
        {{0, 0, 0, 0, 0, 0, 0, 1, 203, 0, 113, 7}, "opcode 0"},      // a request
        {{0, 128, 0, 2, 0, 0, 0, 1, 0, 0}, "error reply of 10"},
    };
    for (const auto& [datagram, why] : bad) {
        const auto parsed = natpmp::parseExternalAddressReply(datagram);
        ASSERT_FALSE(parsed) << why;
        EXPECT_NE(parsed.message().find(why), std::string::npos) << parsed.message();
    }
}

TEST(NatpmpSource, IPv6IsAnErrorAndDescribeNamesTheGateway) {
    detect::NatpmpSource source(detect::NatpmpOptions{ip("192.0.2.1"), 100ms});
    const auto v6 = source.detect(AddressFamily::V6);
    ASSERT_FALSE(v6);
    EXPECT_NE(v6.message().find("IPv4 only"), std::string::npos) << v6.message();
    EXPECT_EQ(source.describe(), "natpmp 192.0.2.1");
    EXPECT_EQ(detect::NatpmpSource(detect::NatpmpOptions{}).describe(), "natpmp default gateway");
}

// ---- the exchange, inside a network namespace ----

// A UDP "gateway" on 127.0.0.1:5351 whose script answers each request, from this socket or
// from another port.
class ScriptedGateway {
public:
    struct Io {
        std::function<void(const Bytes&)> send;
        std::function<void(const Bytes&)> sendFromOther;
    };
    using Script = std::function<void(const Bytes& request, const Io& io)>;

    explicit ScriptedGateway(Script script) : m_script(std::move(script)) {
        m_fd = bindLoopback(natpmp::kPort);
        m_other = bindLoopback(0);
        m_thread = std::thread([this] { serve(); });
    }
    ~ScriptedGateway() {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
        if (m_fd >= 0) ::close(m_fd);
        if (m_other >= 0) ::close(m_other);
    }
    ScriptedGateway(const ScriptedGateway&) = delete;
    ScriptedGateway& operator=(const ScriptedGateway&) = delete;

    [[nodiscard]] bool bound() const { return m_fd >= 0 && m_other >= 0; }
    [[nodiscard]] int requests() const { return m_requests; }

private:
    static int bindLoopback(std::uint16_t port) {
        const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return fd;
        if (fd >= 0) ::close(fd);
        return -1;
    }

    void serve() {
        std::uint8_t buffer[512];
        while (!m_stop) {
            pollfd ready{m_fd, POLLIN, 0};
            if (::poll(&ready, 1, 20) <= 0) continue;
            sockaddr_in from{};
            socklen_t length = sizeof from;
            const auto got = ::recvfrom(m_fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length);
            if (got < 0) continue;
            ++m_requests;
            const auto reply = [from](int fd) {
                return [fd, from](const Bytes& data) {
                    ::sendto(fd, data.data(), data.size(), 0, reinterpret_cast<const sockaddr*>(&from), sizeof from);
                };
            };
            m_script(Bytes(buffer, buffer + got), Io{reply(m_fd), reply(m_other)});
        }
    }

    Script m_script;
    int m_fd = -1;
    int m_other = -1;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_requests{0};
    std::thread m_thread;
};

Result<std::vector<detect::Candidate>> askLoopback(std::chrono::milliseconds timeout = 1500ms) {
    if (!detect::natpmpAvailable()) return makeError("built without libnatpmp");
    detect::NatpmpSource source(detect::NatpmpOptions{ip("127.0.0.1"), timeout});
    return source.detect(AddressFamily::V4);
}

// Without libnatpmp only the error can be tested; the rest skips and says so.
#define REQUIRE_LIBNATPMP()                                                                              \
    do {                                                                                                 \
        if (!detect::natpmpAvailable()) {                                                                \
            const auto answer = detect::NatpmpSource(detect::NatpmpOptions{}).detect(AddressFamily::V4); \
            ASSERT_FALSE(answer);                                                                        \
            EXPECT_NE(answer.message().find("built without libnatpmp"), std::string::npos);              \
            GTEST_SKIP() << "qdyn was built WITHOUT libnatpmp: only its error was tested";               \
        }                                                                                                \
    } while (false)

TEST(NatpmpInNamespace, QdynServerAnswersWithTheQuerierAddress) {
    REQUIRE_LIBNATPMP();
    inNamespace([] {
        server::Config config;
        config.zone.origin = name("dyn.example.test");
        config.zone.nameserver = name("ns1.example.test");
        config.zone.email = "hostmaster@example.test";
        config.natpmp = {{ip("127.0.0.1"), natpmp::kPort}};
        server::Server server(config);
        if (auto started = server.start(); !started) return "start: " + started.message();
        Checks checks;
        const auto started = std::chrono::steady_clock::now();
        const auto found = askLoopback();
        checks.expect(found.ok(), "qdyn-server: " + (found ? std::string() : found.message()));
        if (found) {
            checks.expect(found->size() == 1 && found->front().address == ip("127.0.0.1"),
                          "qdyn-server: not 127.0.0.1 but " + found->front().address.toString());
        }
        checks.expect(std::chrono::steady_clock::now() - started < 1s, "qdyn-server: the answer took a second");
        server.stop();
        return checks.failures();
    });
}

TEST(NatpmpInNamespace, NoDefaultGatewayAndNoResponderAreErrorsAtOnce) {
    REQUIRE_LIBNATPMP();
    inNamespace([] {
        Checks checks;
        // No default route in here: libnatpmp finds no gateway, nothing is sent.
        const auto noGateway = detect::NatpmpSource(detect::NatpmpOptions{}).detect(AddressFamily::V4);
        checks.expect(!noGateway && noGateway.message().find("default gateway") != std::string::npos,
                      "no gateway: " + (noGateway ? std::string("an answer") : noGateway.message()));
        // Nobody on 5351: the ICMP port unreachable ends the wait.
        const auto started = std::chrono::steady_clock::now();
        const auto refused = askLoopback(2000ms);
        checks.expect(!refused && refused.message().find("does not speak NAT-PMP") != std::string::npos,
                      "refused: " + (refused ? std::string("an answer") : refused.message()));
        checks.expect(std::chrono::steady_clock::now() - started < 1500ms, "refused: waited for the timeout");
        return checks.failures();
    });
}

TEST(NatpmpInNamespace, MalformedRepliesAreIgnoredThenTheRightOneCounts) {
    REQUIRE_LIBNATPMP();
    inNamespace([] {
        ScriptedGateway gateway([](const Bytes& request, const ScriptedGateway::Io& io) {
            if (request != Bytes{0, 0}) return;
            io.send({0, 128, 0, 0});                                        // truncated
            io.send({0, 128, 0, 0, 0, 0, 0, 1, 198, 51, 100, 1, 0});        // 13 octets
            io.send({1, 128, 0, 0, 0, 0, 0, 1, 198, 51, 100, 2});           // version 1
            io.send({0, 129, 0, 0, 0, 0, 0, 1, 198, 51, 100, 3});           // a mapping response
            io.sendFromOther({0, 128, 0, 0, 0, 0, 0, 1, 198, 51, 100, 4});  // right form, wrong port
            io.send({0, 128, 0, 0, 0, 0, 0, 1, 203, 0, 113, 77});
        });
        if (!gateway.bound()) return std::string("cannot bind 127.0.0.1:5351");
        Checks checks;
        const auto found = askLoopback();
        checks.expect(found && found->front().address == ip("203.0.113.77"),
                      "noise then an answer: " + (found ? found->front().address.toString() : found.message()));
        return checks.failures();
    });
}

TEST(NatpmpInNamespace, OnlyForgedTruncatedOrWrongOpcodeRepliesEndInATimeout) {
    REQUIRE_LIBNATPMP();
    const std::pair<Bytes, const char*> cases[] = {
        {{0, 128, 0, 0, 0, 0}, "truncated"},
        {{0, 128, 0, 0, 0, 0, 0, 1, 198, 51}, "not 12"},
        {{0, 130, 0, 0, 0, 0, 0, 1, 198, 51, 100, 3}, "opcode 130"},
        {{2, 128, 0, 0, 0, 0, 0, 1, 198, 51, 100, 3}, "version 2"},
        {{0, 128, 0, 0, 0, 0, 0, 1, 198, 51, 100, 3, 9, 9, 9, 9}, "not 12"},
    };
    for (const auto& [reply, why] : cases) {
        inNamespace([&reply = reply, why = why] {
            ScriptedGateway gateway([&reply](const Bytes&, const ScriptedGateway::Io& io) { io.send(reply); });
            if (!gateway.bound()) return std::string("cannot bind 127.0.0.1:5351");
            Checks checks;
            const auto started = std::chrono::steady_clock::now();
            const auto found = askLoopback(600ms);
            checks.expect(!found && found.message().find(why) != std::string::npos &&
                              found.message().find("within 600 ms") != std::string::npos,
                          std::string(why) + ": " + (found ? "an answer" : found.message()));
            checks.expect(std::chrono::steady_clock::now() - started >= 550ms, std::string(why) + ": ended early");
            checks.expect(gateway.requests() >= 2, std::string(why) + ": the request was not resent");
            return checks.failures();
        });
    }
}

TEST(NatpmpInNamespace, ResultCodesAreClearErrorsAtOnce) {
    REQUIRE_LIBNATPMP();
    const std::pair<std::uint8_t, const char*> codes[] = {
        {1, "unsupported version"}, {2, "not authorized"},     {3, "network failure"},
        {4, "out of resources"},    {5, "unsupported opcode"}, {77, "not defined by RFC 6886"},
    };
    inNamespace([&codes] {
        Checks checks;
        for (const auto& [code, words] : codes) {
            ScriptedGateway gateway([code = code](const Bytes&, const ScriptedGateway::Io& io) {
                io.send({0, 128, 0, code, 0, 0, 0, 5});
            });
            if (!gateway.bound()) return std::string("cannot bind 127.0.0.1:5351");
            const auto started = std::chrono::steady_clock::now();
            const auto found = askLoopback(2000ms);
            checks.expect(!found && found.message().find(words) != std::string::npos,
                          std::to_string(code) + ": " + (found ? "an answer" : found.message()));
            checks.expect(std::chrono::steady_clock::now() - started < 1s, std::to_string(code) + ": not at once");
        }
        // 0.0.0.0 with success: the gateway has no external address, which is no answer.
        ScriptedGateway unset([](const Bytes&, const ScriptedGateway::Io& io) {
            io.send({0, 128, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0});
        });
        const auto found = askLoopback(1000ms);
        checks.expect(!found && found.message().find("0.0.0.0") != std::string::npos,
                      "0.0.0.0: " + (found ? std::string("an answer") : found.message()));
        return checks.failures();
    });
}

TEST(NatpmpInNamespace, SilenceIsATimeoutAfterResends) {
    REQUIRE_LIBNATPMP();
    inNamespace([] {
        ScriptedGateway gateway([](const Bytes&, const ScriptedGateway::Io&) {});
        if (!gateway.bound()) return std::string("cannot bind 127.0.0.1:5351");
        Checks checks;
        const auto started = std::chrono::steady_clock::now();
        const auto found = askLoopback(900ms);
        const auto took = std::chrono::steady_clock::now() - started;
        checks.expect(!found && found.message().find("within 900 ms (no answer)") != std::string::npos,
                      "silence: " + (found ? std::string("an answer") : found.message()));
        checks.expect(took >= 850ms && took < 1500ms, "silence: the timeout was not kept");
        // RFC 6886 3.1: sent at 0, 250 and 750 ms.
        checks.expect(gateway.requests() == 3, "silence: " + std::to_string(gateway.requests()) + " requests, not 3");
        return checks.failures();
    });
}

}  // namespace detect_natpmp_test
}  // namespace
}  // namespace qdyn::test
