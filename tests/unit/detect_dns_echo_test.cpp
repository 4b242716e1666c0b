// The DNS echo source: the strict reading of a reply, qdyn-server's whoami name (A, AAAA, TXT
// and CH TXT, the Cloudflare preset's shape) on loopback, and scripted servers that send a
// forged id, a reply from another port, two addresses or the wrong family. The loopback
// address the server reports is rejected by the address check: that is the check's job.
#include <chrono>
#include <gtest/gtest.h>

#include "echo_server_fixture.hpp"
#include "qdyn/detect/address_check.hpp"
#include "qdyn/detect/dns_echo_source.hpp"

namespace qdyn::test {
namespace {
namespace detect_dns_echo_test {

using namespace std::chrono_literals;
using detect::DnsEchoAnswer;

detect::DnsEchoOptions whoamiOptions(std::uint16_t port, DnsEchoAnswer answer, std::uint16_t klass = dns::rrclass::Internet,
                                     std::string name = std::string(kWhoami)) {
    detect::DnsEchoOptions options;
    options.query = {"qdyn-server", std::move(name), klass, answer, {{ip("127.0.0.1"), port}}};
    options.transport = {500ms, 2};
    return options;
}

Result<std::vector<detect::Candidate>> ask(const detect::DnsEchoOptions& options,
                                           AddressFamily family = AddressFamily::V4) {
    detect::DnsEchoSource source(options);
    return source.detect(family);
}

using DnsEchoAgainstServer = EchoServerTest;

TEST_F(DnsEchoAgainstServer, WhoamiAnswersAandTxtWithTheQuerier) {
    for (const auto answer : {DnsEchoAnswer::AddressRecord, DnsEchoAnswer::Txt}) {
        const auto found = ask(whoamiOptions(port("dns-udp"), answer));
        ASSERT_TRUE(found) << found.message();
        ASSERT_EQ(found->size(), 1U);
        EXPECT_EQ(found->front().address, ip("127.0.0.1"));
        // What a real source must then do with it: loopback is never published.
        EXPECT_EQ(detect::checkAddress(found->front().address).verdict, detect::Verdict::Rejected);
        EXPECT_EQ(detect::checkAddress(found->front().address, {true, true}).verdict, detect::Verdict::Rejected);
    }
}

TEST_F(DnsEchoAgainstServer, CloudflareStyleChaosTxt) {
    const auto found = ask(whoamiOptions(port("dns-udp"), DnsEchoAnswer::Txt, dns::rrclass::CH));
    ASSERT_TRUE(found) << found.message();
    EXPECT_EQ(found->front().address, ip("127.0.0.1"));
}

TEST_F(DnsEchoAgainstServer, AaaaOverIpv6AndNodataForTheOtherFamily) {
    auto options = whoamiOptions(port("dns-udp"), DnsEchoAnswer::AddressRecord);
    options.query.servers.push_back({ip("::1"), port("dns-udp", "::1")});
    const auto v6 = ask(options, AddressFamily::V6);
    ASSERT_TRUE(v6) << v6.message();
    EXPECT_EQ(v6->front().address, ip("::1"));

    // AAAA asked over IPv4: NODATA, an error for the source.
    auto message = dns::makeQuery(name(kWhoami), dns::rrtype::AAAA);
    const auto reply = dns::exchangeUdp({ip("127.0.0.1"), port("dns-udp")}, message);
    ASSERT_TRUE(reply) << reply.message();
    EXPECT_EQ(reply->header.rcode, dns::Rcode::NoError);
    EXPECT_TRUE(reply->answers.empty());
    EXPECT_FALSE(detect::addressFromEchoReply(*reply, message.questions.front(), AddressFamily::V6));
}

TEST_F(DnsEchoAgainstServer, TheAnswerIsNotCachedAcrossQueriers) {
    // The same query octets from two sources (IPv4 then IPv6) must each get their own address.
    for (int round = 0; round < 2; ++round) {
        auto txt = whoamiOptions(port("dns-udp"), DnsEchoAnswer::Txt);
        txt.query.servers = {{ip("127.0.0.1"), port("dns-udp")}, {ip("::1"), port("dns-udp", "::1")}};
        const auto v4 = ask(txt, AddressFamily::V4);
        const auto v6 = ask(txt, AddressFamily::V6);
        ASSERT_TRUE(v4) << v4.message();
        ASSERT_TRUE(v6) << v6.message();
        EXPECT_EQ(v4->front().address, ip("127.0.0.1"));
        EXPECT_EQ(v6->front().address, ip("::1"));
    }
}

TEST_F(DnsEchoAgainstServer, AnotherNameIsNotWhoami) {
    const auto found =
        ask(whoamiOptions(port("dns-udp"), DnsEchoAnswer::Txt, dns::rrclass::Internet, "nobody.dyn.example.test"));
    EXPECT_FALSE(found);
}

// A reply to `request` with `answers`, QR set and the question echoed.
std::vector<std::uint8_t> replyWith(std::span<const std::uint8_t> request, std::vector<dns::ResourceRecord> answers,
                                    std::uint16_t idDelta = 0) {
    auto query = dns::decodeMessage(request).value();
    dns::Message reply;
    reply.header = query.header;
    reply.header.qr = true;
    reply.header.aa = true;
    reply.header.id = static_cast<std::uint16_t>(query.header.id + idDelta);
    reply.questions = query.questions;
    reply.answers = std::move(answers);
    return dns::encodeMessage(reply);
}

dns::ResourceRecord txt(std::string text, std::uint16_t klass = dns::rrclass::Internet) {
    return {name(kWhoami), dns::rrtype::TXT, klass, 0, dns::TxtData{{std::move(text)}}};
}

TEST(DnsEchoSource, IgnoresAForgedIdAndAReplyFromAnotherPort) {
    ScriptedUdpPeer peer([](std::span<const std::uint8_t> request, const ScriptedUdpPeer::Io& io) {
        io.send(replyWith(request, {txt("192.0.2.66")}, 1));        // forged id
        io.sendFromOther(replyWith(request, {txt("192.0.2.67")}));  // right id, wrong source port
        io.send(replyWith(request, {txt("203.0.113.5")}));
    });
    const auto found = ask(whoamiOptions(peer.port(), DnsEchoAnswer::Txt));
    ASSERT_TRUE(found) << found.message();
    EXPECT_EQ(found->front().address, ip("203.0.113.5"));
}

TEST(DnsEchoSource, OnlyForgedRepliesAreATimeout) {
    ScriptedUdpPeer peer([](std::span<const std::uint8_t> request, const ScriptedUdpPeer::Io& io) {
        io.send(replyWith(request, {txt("192.0.2.66")}, 1));
        io.sendFromOther(replyWith(request, {txt("192.0.2.67")}));
    });
    const auto found = ask(whoamiOptions(peer.port(), DnsEchoAnswer::Txt));
    ASSERT_FALSE(found);
    EXPECT_NE(found.message().find("timed out"), std::string::npos) << found.message();
}

TEST(DnsEchoSource, TwoAddressesOrTheWrongFamilyAreErrors) {
    ScriptedUdpPeer two([](std::span<const std::uint8_t> request, const ScriptedUdpPeer::Io& io) {
        io.send(replyWith(request, {txt("192.0.2.1"), txt("192.0.2.2")}));
    });
    const auto twoFound = ask(whoamiOptions(two.port(), DnsEchoAnswer::Txt));
    ASSERT_FALSE(twoFound);
    EXPECT_NE(twoFound.message().find("two addresses"), std::string::npos) << twoFound.message();

    ScriptedUdpPeer v6([](std::span<const std::uint8_t> request, const ScriptedUdpPeer::Io& io) {
        io.send(replyWith(request, {txt("2001:db8::9")}));
    });
    const auto wrongFamily = ask(whoamiOptions(v6.port(), DnsEchoAnswer::Txt));
    ASSERT_FALSE(wrongFamily);
    EXPECT_NE(wrongFamily.message().find("asked about IPv4"), std::string::npos) << wrongFamily.message();
}

TEST(DnsEchoReply, StrictReading) {
    const dns::Question question{name(kWhoami), dns::rrtype::TXT, dns::rrclass::Internet};
    dns::Message reply;
    reply.header.qr = true;
    reply.questions = {question};
    const auto read = [&](std::vector<dns::ResourceRecord> answers) {
        reply.answers = std::move(answers);
        return detect::addressFromEchoReply(reply, question, AddressFamily::V4);
    };
    EXPECT_EQ(read({txt("192.0.2.1")}).value(), ip("192.0.2.1"));
    EXPECT_EQ(read({txt("192.0.2.1"), txt("192.0.2.1")}).value(), ip("192.0.2.1"));  // a repeat is one address
    EXPECT_FALSE(read({}));
    EXPECT_FALSE(read({txt("not an address")}));
    EXPECT_FALSE(read({txt(" 192.0.2.1")}));
    EXPECT_FALSE(read({txt("192.0.2.1", dns::rrclass::CH)}));  // another class does not answer the question
    EXPECT_FALSE(read({{name(kWhoami), dns::rrtype::TXT, dns::rrclass::Internet, 0, dns::TxtData{{"192.0.2.1", "x"}}}}));
    reply.header.tc = true;
    EXPECT_FALSE(read({txt("192.0.2.1")}));
    reply.header.tc = false;
    reply.header.rcode = dns::Rcode::Refused;
    EXPECT_FALSE(read({txt("192.0.2.1")}));
}

TEST(DnsEchoPresets, OpenDnsGoogleCloudflareWithServersOfBothFamilies) {
    const auto presets = detect::dnsEchoPresets();
    ASSERT_EQ(presets.size(), 3U);
    for (const auto& preset : presets) {
        bool v4 = false;
        bool v6 = false;
        for (const auto& server : preset.servers)
            (server.address.isV4() ? v4 : v6) = true;
        EXPECT_TRUE(v4 && v6) << preset.label;
        EXPECT_TRUE(dns::Name::parse(preset.name)) << preset.name;
    }
    EXPECT_EQ(presets[2].klass, dns::rrclass::CH);
    EXPECT_EQ(presets[0].answer, DnsEchoAnswer::AddressRecord);
}

}  // namespace detect_dns_echo_test
}  // namespace
}  // namespace qdyn::test
