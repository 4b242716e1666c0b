// The lookup rules beyond plain addresses: static CNAME, MX and TXT records from the
// configuration, CNAME chains inside the zone, hosts mixing static and dynamic records, offline.
#include <gtest/gtest.h>

#include "qdyn/dns/message.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/dns_responder.hpp"
#include "qdyn_server/zone.hpp"
#include "test_values.hpp"
#include "test_zone.hpp"

namespace {
namespace server_dns_answer_test {

using namespace qdyn::server;
namespace dns = qdyn::dns;
namespace rrtype = dns::rrtype;
using qdyn::test::addressRRset;
using qdyn::test::ip;
using qdyn::test::name;
using qdyn::test::putRRset;

constexpr const char* kConfig = R"(
[zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["192.0.2.53"]

[[account]]
name = "alice"
password = "pw"
hosts = ["home", "mixed"]

[[record]]
name = "www"
type = "CNAME"
value = "alias"

[[record]]
name = "alias"
type = "CNAME"
value = "home"

[[record]]
name = "outside"
type = "CNAME"
value = "target.example.org."

[[record]]
name = "dangling"
type = "CNAME"
value = "missing"

[[record]]
name = "loop1"
type = "CNAME"
value = "loop2"

[[record]]
name = "loop2"
type = "CNAME"
value = "loop1"

[[record]]
name = "@"
type = "MX"
value = "10 mail"
ttl = 3600

[[record]]
name = "mail"
type = "A"
value = "192.0.2.25"

[[record]]
name = "@"
type = "TXT"
value = ["v=spf1 mx -all"]

[[record]]
name = "mixed"
type = "AAAA"
value = "2001:db8::5"

[[record]]
name = "mixed"
type = "MX"
value = "20 mail.dyn.example.test."
)";

ZoneSnapshot zone() {
    auto config = Config::parse(kConfig, "answer.toml");
    EXPECT_TRUE(config) << config.message();
    ZoneSnapshot snapshot = *buildInitialSnapshot(*config, 7).value();
    putRRset(snapshot, name("home.dyn.example.test"), addressRRset({ip("203.0.113.7")}));
    putRRset(snapshot, name("mixed.dyn.example.test"), addressRRset({ip("198.51.100.5")}));
    return snapshot;
}

dns::Message ask(const ZoneSnapshot& snapshot, std::string_view qname, std::uint16_t qtype) {
    dns::Message query;
    query.header.id = 7;
    query.questions.push_back({name(qname), qtype, dns::rrclass::Internet});
    auto reply = dns::decodeMessage(respond(dns::encodeMessage(query), snapshot, DnsTransport::Tcp));
    EXPECT_TRUE(reply) << (reply ? "" : reply.message());
    return reply ? *reply : dns::Message{};
}

TEST(DnsAnswer, FollowsACnameChainInsideTheZone) {
    const auto reply = ask(zone(), "WWW.dyn.example.test", rrtype::A);
    EXPECT_EQ(reply.header.rcode, dns::Rcode::NoError);
    EXPECT_TRUE(reply.header.aa);
    ASSERT_EQ(reply.answers.size(), 3U);
    EXPECT_EQ(reply.answers[0].type, rrtype::CNAME);
    EXPECT_EQ(reply.answers[0].name.wire(), name("WWW.dyn.example.test").wire());  // the case asked
    EXPECT_EQ(std::get<dns::NameData>(reply.answers[0].data).name, name("alias.dyn.example.test"));
    EXPECT_EQ(reply.answers[1].type, rrtype::CNAME);
    EXPECT_EQ(reply.answers[1].name, name("alias.dyn.example.test"));
    EXPECT_EQ(reply.answers[2].type, rrtype::A);
    EXPECT_EQ(reply.answers[2].name, name("home.dyn.example.test"));
    EXPECT_EQ(std::get<dns::AData>(reply.answers[2].data).address, ip("203.0.113.7").v4Bytes());
}

TEST(DnsAnswer, CnameToATypeTheTargetLacksIsNoDataWithTheChain) {
    const auto reply = ask(zone(), "www.dyn.example.test", rrtype::AAAA);
    EXPECT_EQ(reply.header.rcode, dns::Rcode::NoError);
    EXPECT_EQ(reply.answers.size(), 2U);
    ASSERT_EQ(reply.authority.size(), 1U);
    EXPECT_EQ(reply.authority[0].type, rrtype::SOA);
}

TEST(DnsAnswer, CnameIsAnsweredItselfForCnameAndAnyQueries) {
    const auto snapshot = zone();
    for (const std::uint16_t qtype : {rrtype::CNAME, rrtype::ANY}) {
        const auto reply = ask(snapshot, "www.dyn.example.test", qtype);
        ASSERT_EQ(reply.answers.size(), 1U);
        EXPECT_EQ(reply.answers[0].type, rrtype::CNAME);
    }
}

TEST(DnsAnswer, CnameOutOfTheZoneStopsThere) {
    const auto reply = ask(zone(), "outside.dyn.example.test", rrtype::A);
    EXPECT_EQ(reply.header.rcode, dns::Rcode::NoError);
    ASSERT_EQ(reply.answers.size(), 1U);
    EXPECT_EQ(std::get<dns::NameData>(reply.answers[0].data).name, name("target.example.org"));
    EXPECT_TRUE(reply.authority.empty());
}

TEST(DnsAnswer, DanglingCnameIsNxDomainAsRfc6604Says) {
    const auto reply = ask(zone(), "dangling.dyn.example.test", rrtype::A);
    EXPECT_EQ(reply.header.rcode, dns::Rcode::NxDomain);
    ASSERT_EQ(reply.answers.size(), 1U);
    EXPECT_EQ(reply.answers[0].type, rrtype::CNAME);
    ASSERT_EQ(reply.authority.size(), 1U);
}

TEST(DnsAnswer, CnameLoopEndsWithoutRepeating) {
    const auto reply = ask(zone(), "loop1.dyn.example.test", rrtype::A);
    EXPECT_EQ(reply.header.rcode, dns::Rcode::NoError);
    EXPECT_EQ(reply.answers.size(), 2U);
}

TEST(DnsAnswer, ApexMxWithTheExchangeAddressAndTxt) {
    const auto snapshot = zone();
    const auto mx = ask(snapshot, "dyn.example.test", rrtype::MX);
    ASSERT_EQ(mx.answers.size(), 1U);
    EXPECT_EQ(mx.answers[0].ttl, 3600U);
    const auto& data = std::get<dns::MxData>(mx.answers[0].data);
    EXPECT_EQ(data.preference, 10);
    EXPECT_EQ(data.exchange, name("mail.dyn.example.test"));
    ASSERT_EQ(mx.additional.size(), 1U);
    EXPECT_EQ(mx.additional[0].name, name("mail.dyn.example.test"));
    EXPECT_EQ(mx.additional[0].type, rrtype::A);

    const auto txt = ask(snapshot, "dyn.example.test", rrtype::TXT);
    ASSERT_EQ(txt.answers.size(), 1U);
    EXPECT_EQ(std::get<dns::TxtData>(txt.answers[0].data).strings, std::vector<std::string>{"v=spf1 mx -all"});
}

TEST(DnsAnswer, AHostMixesADynamicAWithStaticAaaaAndMx) {
    const auto snapshot = zone();
    const auto a = ask(snapshot, "mixed.dyn.example.test", rrtype::A);
    ASSERT_EQ(a.answers.size(), 1U);
    EXPECT_EQ(std::get<dns::AData>(a.answers[0].data).address, ip("198.51.100.5").v4Bytes());
    const auto aaaa = ask(snapshot, "mixed.dyn.example.test", rrtype::AAAA);
    ASSERT_EQ(aaaa.answers.size(), 1U);
    EXPECT_EQ(std::get<dns::AaaaData>(aaaa.answers[0].data).address, ip("2001:db8::5").v6Bytes());
    const auto mx = ask(snapshot, "mixed.dyn.example.test", rrtype::MX);
    ASSERT_EQ(mx.answers.size(), 1U);
}

TEST(DnsAnswer, OfflineWithholdsDynamicAddressesOnly) {
    auto snapshot = zone();
    ZoneEditor editor(snapshot);
    editor.edit(name("mixed.dyn.example.test")).offline = true;
    editor.settle(name("mixed.dyn.example.test"));
    snapshot = *editor.finish(8);

    const auto a = ask(snapshot, "mixed.dyn.example.test", rrtype::A);
    EXPECT_EQ(a.header.rcode, dns::Rcode::NoError);
    EXPECT_TRUE(a.answers.empty());
    EXPECT_EQ(a.authority.size(), 1U);
    EXPECT_EQ(ask(snapshot, "mixed.dyn.example.test", rrtype::AAAA).answers.size(), 1U);  // static stays
}

}  // namespace server_dns_answer_test
}  // namespace
