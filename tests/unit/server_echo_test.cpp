// qdyn-server's echo side for address detection (issue 6 point 4): the [dns] whoami name in the
// responder (A, AAAA, TXT, CH TXT, NODATA for the rest, TTL 0, REFUSED left alone elsewhere),
// the STUN listener's answers (Binding requests only, small, rate limited), and the [listen]
// stun and [dns] whoami settings.
#include <chrono>
#include <gtest/gtest.h>
#include <vector>

#include "dns/whoami.hpp"
#include "echo/stun_server.hpp"
#include "echo_server_fixture.hpp"
#include "generation.hpp"
#include "line/myip_udp.hpp"
#include "loopback_socket.hpp"
#include "qdyn/detect/stun_message.hpp"
#include "qdyn/dns/message.hpp"
#include "qdyn_server/dns_responder.hpp"
#include "qdyn_server/zone.hpp"
#include "socket_api.hpp"

namespace qdyn::test {
namespace {
namespace server_echo_test {

namespace stun = detect::stun;

class WhoamiResponder : public ::testing::Test {
protected:
    void SetUp() override {
        auto config = echoServerConfig();
        m_zone = buildInitialSnapshot(config, 2024010100).value();
    }

    dns::Message ask(std::string_view owner, std::uint16_t type, std::uint16_t klass, const IpAddress& client,
                     bool withWhoami = true) {
        auto query = dns::makeQuery(name(owner), type);
        query.questions.front().klass = klass;
        server::QueryContext context{client, std::chrono::system_clock::now(), {}, nullptr, nullptr};
        context.whoami = withWhoami ? &m_whoami : nullptr;
        const auto wire = server::respond(dns::encodeMessage(query), *m_zone, server::DnsTransport::Udp, &context);
        return dns::decodeMessage(wire).value();
    }

    dns::Name m_whoami = name(kWhoami);
    std::shared_ptr<const server::ZoneSnapshot> m_zone;
};

TEST_F(WhoamiResponder, AddressOfTheQuerierWithTtlZero) {
    const auto a = ask(kWhoami, dns::rrtype::A, dns::rrclass::Internet, ip("198.51.100.8"));
    EXPECT_EQ(a.header.rcode, dns::Rcode::NoError);
    EXPECT_TRUE(a.header.aa);
    ASSERT_EQ(a.answers.size(), 1U);
    EXPECT_EQ(a.answers[0].ttl, 0U);
    EXPECT_EQ(a.answers[0].data, dns::RData(dns::AData{{198, 51, 100, 8}}));

    const auto aaaa = ask(kWhoami, dns::rrtype::AAAA, dns::rrclass::Internet, ip("2001:db8::8"));
    ASSERT_EQ(aaaa.answers.size(), 1U);
    EXPECT_EQ(aaaa.answers[0].type, dns::rrtype::AAAA);
    EXPECT_EQ(aaaa.answers[0].data, dns::RData(dns::AaaaData{ip("2001:db8::8").v6Bytes()}));

    const auto txt = ask("WhoAmI.Dyn.Example.Test", dns::rrtype::TXT, dns::rrclass::Internet, ip("2001:db8::8"));
    ASSERT_EQ(txt.answers.size(), 1U);
    EXPECT_EQ(txt.answers[0].data, dns::RData(dns::TxtData{{"2001:db8::8"}}));
    EXPECT_EQ(txt.answers[0].ttl, 0U);

    const auto chaos = ask(kWhoami, dns::rrtype::TXT, dns::rrclass::CH, ip("192.0.2.8"));
    EXPECT_EQ(chaos.header.rcode, dns::Rcode::NoError);
    ASSERT_EQ(chaos.answers.size(), 1U);
    EXPECT_EQ(chaos.answers[0].klass, dns::rrclass::CH);
    EXPECT_EQ(chaos.answers[0].data, dns::RData(dns::TxtData{{"192.0.2.8"}}));
}

TEST_F(WhoamiResponder, NodataForTheOtherFamilyAndOtherTypes) {
    for (const auto& [type, klass, client] : {std::tuple{dns::rrtype::AAAA, dns::rrclass::Internet, ip("192.0.2.8")},
                                              std::tuple{dns::rrtype::A, dns::rrclass::Internet, ip("2001:db8::8")},
                                              std::tuple{dns::rrtype::MX, dns::rrclass::Internet, ip("192.0.2.8")},
                                              std::tuple{dns::rrtype::A, dns::rrclass::CH, ip("192.0.2.8")}}) {
        const auto reply = ask(kWhoami, type, klass, client);
        EXPECT_EQ(reply.header.rcode, dns::Rcode::NoError) << type;
        EXPECT_TRUE(reply.answers.empty()) << type;
    }
}

TEST_F(WhoamiResponder, WithoutTheSettingTheNameIsAnOrdinaryName) {
    EXPECT_EQ(ask(kWhoami, dns::rrtype::A, dns::rrclass::Internet, ip("192.0.2.8"), false).header.rcode,
              dns::Rcode::NxDomain);
    EXPECT_EQ(ask(kWhoami, dns::rrtype::TXT, dns::rrclass::CH, ip("192.0.2.8"), false).header.rcode,
              dns::Rcode::Refused);
    // Other names keep their answers with the setting on.
    EXPECT_EQ(ask("other.dyn.example.test", dns::rrtype::A, dns::rrclass::Internet, ip("192.0.2.8")).header.rcode,
              dns::Rcode::NxDomain);
}

TEST(WhoamiWire, MatchesTheQuestionCaseInsensitively) {
    const auto whoami = name(kWhoami);
    EXPECT_TRUE(server::asksWhoami(dns::encodeMessage(dns::makeQuery(name("WHOAMI.dyn.example.TEST"), 1)), whoami));
    EXPECT_FALSE(server::asksWhoami(dns::encodeMessage(dns::makeQuery(name("whoami.dyn.example.tes"), 1)), whoami));
    EXPECT_FALSE(server::asksWhoami(dns::encodeMessage(dns::makeQuery(name("x.whoami.dyn.example.test"), 1)), whoami));
    EXPECT_FALSE(server::asksWhoami(std::vector<std::uint8_t>(12, 0), whoami));
}

TEST(StunAnswer, BindingRequestsOnlyAndSmall) {
    const auto id = stun::randomTransactionId();
    const auto request = stun::encodeBindingRequest(id);
    const auto v4 = server::StunListener::answerFor(request, ip("192.0.2.1"), 4000);
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->size(), 32U);
    const auto mapped = stun::parseBindingResponse(*v4, id);
    ASSERT_TRUE(mapped) << mapped.message();
    EXPECT_EQ(mapped->address, ip("192.0.2.1"));
    EXPECT_EQ(mapped->port, 4000);
    const auto v6 = server::StunListener::answerFor(request, ip("2001:db8::1"), 4000);
    ASSERT_TRUE(v6);
    EXPECT_LE(v6->size(), 44U);  // at most 2.2 times the smallest request

    auto indication = request;  // Binding indication (0x0011): no answer
    indication[1] = 0x11;
    EXPECT_FALSE(server::StunListener::answerFor(indication, ip("192.0.2.1"), 1));
    auto classic = request;  // RFC 3489 request without the cookie
    classic[4] = 0;
    EXPECT_FALSE(server::StunListener::answerFor(classic, ip("192.0.2.1"), 1));
    EXPECT_FALSE(server::StunListener::answerFor(*v4, ip("192.0.2.1"), 1));  // a response
    EXPECT_FALSE(server::StunListener::answerFor(std::vector<std::uint8_t>(19, 0), ip("192.0.2.1"), 1));
    EXPECT_FALSE(server::StunListener::answerFor(bytesOf("\n"), ip("192.0.2.1"), 1));
}

using StunServer = EchoServerTest;

TEST_F(StunServer, AnswersToOneSourceAreRateLimitedAndGarbageIgnored) {
    const Fd fd(openSocket(AF_INET, SOCK_DGRAM));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port("stun"));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const auto send = [&](std::span<const std::uint8_t> data) {
        sendTo(fd.get(), data.data(), data.size(), reinterpret_cast<const sockaddr*>(&to), sizeof to);
    };
    send(bytesOf("\n"));
    send(std::vector<std::uint8_t>(1400, 0));
    ASSERT_FALSE(waitReadable(fd.get(), 300));

    constexpr int kRequests = 40;
    for (int i = 0; i < kRequests; ++i)
        send(stun::encodeBindingRequest(stun::randomTransactionId()));
    int answers = 0;
    while (waitReadable(fd.get(), 500)) {
        std::uint8_t buffer[256];
        if (receiveBytes(fd.get(), buffer, sizeof buffer) > 0) ++answers;
    }
    EXPECT_GE(answers, 1);
    EXPECT_LE(answers, static_cast<int>(server::MyipUdp::kBurst + 2 * server::MyipUdp::kAnswersPerSecond));
}

const std::string kZone = "[zone]\norigin = \"dyn.example.test\"\nnameserver = \"ns1.example.test\"\n";

TEST(EchoConfig, StunListenersAndWhoami) {
    const auto config = server::Config::parse(
        kZone + "[listen]\nstun = [\"127.0.0.1:3478\", \"[::1]:3478\"]\n[dns]\nwhoami = \"whoami.example.test\"\n",
        "server.toml");
    ASSERT_TRUE(config) << config.message();
    ASSERT_EQ(config->stun.size(), 2U);
    EXPECT_EQ(config->stun[0].port, 3478);
    EXPECT_EQ(config->stun[1].address, ip("::1"));
    ASSERT_TRUE(config->dns.whoami);
    EXPECT_EQ(*config->dns.whoami, name("whoami.example.test"));

    EXPECT_FALSE(server::Config::parse(kZone + "[dns]\nwhoami = 5\n", "server.toml"));
    EXPECT_FALSE(server::Config::parse(kZone + "[dns]\nwhoami = \"a..b\"\n", "server.toml"));
    EXPECT_FALSE(server::Config::parse(kZone + "[dns]\nwhoami = \"dyn.example.test\"\n", "server.toml"));
    EXPECT_FALSE(server::Config::parse(kZone + "[listen]\nstun = \"nonsense\"\n", "server.toml"));
}

TEST(EchoConfig, StunListenersNeedARestartWhoamiDoesNot) {
    const auto running = echoServerConfig();
    auto next = running;
    next.dns.whoami = name("me.example.test");
    EXPECT_EQ(server::restartNeededFor(running, next), std::nullopt);
    next.stun.push_back({ip("127.0.0.1"), 3478});
    EXPECT_EQ(server::restartNeededFor(running, next), "[listen] changed");
}

}  // namespace server_echo_test
}  // namespace
}  // namespace qdyn::test
