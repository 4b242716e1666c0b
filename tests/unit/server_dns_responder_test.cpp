// The authoritative responder as a pure function: queries in, answers out, no sockets.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn_server/dns_responder.hpp"
#include "qdyn_server/zone.hpp"
#include "test_values.hpp"
#include "test_zone.hpp"

namespace {
namespace server_dns_responder_test {

using qdyn::IpAddress;
using namespace qdyn::server;
namespace dns = qdyn::dns;
namespace rrtype = dns::rrtype;

using qdyn::test::ip;
using qdyn::test::addressRRset;
using qdyn::test::name;
using qdyn::test::putRRset;

ZoneSnapshot demoZone() {
    Config config;
    config.zone.origin = name("dyn.example.test");
    config.zone.nameserver = name("ns1.dyn.example.test");
    config.zone.nameserverGlue = {ip("192.0.2.53"), ip("2001:db8::53")};
    config.zone.email = "hostmaster@example.test";
    config.accounts = {Account{
        "alice",
        "s3cret",
        {name("home.dyn.example.test"), name("v4only.dyn.example.test"), name("never.dyn.example.test"),
         name("x.deep.dyn.example.test")},
    }};
    ZoneSnapshot zone = *buildInitialSnapshot(config, 2024010100).value();
    putRRset(zone, name("home.dyn.example.test"), addressRRset({ip("203.0.113.7")}));
    putRRset(zone, name("home.dyn.example.test"), addressRRset({ip("2001:db8::7")}));
    putRRset(zone, name("v4only.dyn.example.test"), addressRRset({ip("198.51.100.4")}));
    return zone;
}

struct QueryOptions {
    std::uint16_t id = 0x4242;
    dns::Opcode opcode = dns::Opcode::Query;
    std::uint16_t klass = dns::rrclass::Internet;
    bool rd = true;
    std::optional<std::uint16_t> ednsPayload;  // adds an OPT with this payload size
    std::uint32_t optTtl = 0;
};

std::vector<std::uint8_t> query(std::string_view qname, std::uint16_t qtype, const QueryOptions& options = {}) {
    dns::Message message;
    message.header.id = options.id;
    message.header.opcode = options.opcode;
    message.header.rd = options.rd;
    message.questions.push_back({name(qname), qtype, options.klass});
    if (options.ednsPayload) {
        message.additional.push_back({dns::Name(), rrtype::OPT, *options.ednsPayload, options.optTtl, dns::RawData{}});
    }
    return dns::encodeMessage(message);
}

dns::Message ask(const std::vector<std::uint8_t>& wire, const ZoneSnapshot& zone,
                 DnsTransport transport = DnsTransport::Udp) {
    const auto reply = respond(wire, zone, transport);
    auto decoded = dns::decodeMessage(reply);
    EXPECT_TRUE(decoded) << (decoded ? "" : decoded.message());
    return decoded ? *decoded : dns::Message{};
}

const dns::ResourceRecord* findOpt(const dns::Message& message) {
    for (const auto& rr : message.additional) {
        if (rr.type == rrtype::OPT) return &rr;
    }
    return nullptr;
}

void expectNegativeSoa(const dns::Message& reply, const ZoneSnapshot& zone) {
    ASSERT_EQ(reply.authority.size(), 1U);
    const auto& soa = reply.authority[0];
    EXPECT_EQ(soa.type, rrtype::SOA);
    EXPECT_EQ(soa.name, zone.origin);
    EXPECT_EQ(soa.ttl, 600U);  // min(SOA TTL 86400, MINIMUM 600)
    EXPECT_EQ(*dns::soaOf(soa.data), zone.soa);
}

TEST(DnsResponder, AnswersAWithHostTtlAndEchoesTheQuestionCase) {
    const auto zone = demoZone();
    const auto reply = ask(query("HoMe.DYN.example.test", rrtype::A), zone);
    EXPECT_EQ(reply.header.id, 0x4242);
    EXPECT_TRUE(reply.header.qr);
    EXPECT_TRUE(reply.header.aa);
    EXPECT_TRUE(reply.header.rd);
    EXPECT_FALSE(reply.header.ra);
    EXPECT_FALSE(reply.header.tc);
    EXPECT_EQ(reply.header.rcode, dns::Rcode::NoError);
    ASSERT_EQ(reply.questions.size(), 1U);
    EXPECT_EQ(reply.questions[0].name.wire(), name("HoMe.DYN.example.test").wire());  // byte for byte
    ASSERT_EQ(reply.answers.size(), 1U);
    EXPECT_EQ(reply.answers[0].type, rrtype::A);
    EXPECT_EQ(reply.answers[0].ttl, 60U);
    EXPECT_EQ(std::get<dns::AData>(reply.answers[0].data).address, ip("203.0.113.7").v4Bytes());
    EXPECT_TRUE(reply.authority.empty());
    EXPECT_EQ(findOpt(reply), nullptr);  // no EDNS asked, none given
}

TEST(DnsResponder, AnswersAaaa) {
    const auto zone = demoZone();
    const auto reply = ask(query("home.dyn.example.test", rrtype::AAAA), zone);
    ASSERT_EQ(reply.answers.size(), 1U);
    EXPECT_EQ(reply.answers[0].type, rrtype::AAAA);
    EXPECT_EQ(std::get<dns::AaaaData>(reply.answers[0].data).address, ip("2001:db8::7").v6Bytes());
}

TEST(DnsResponder, AnyGetsOneRRsetAsRfc8482Suggests) {
    const auto zone = demoZone();
    const auto reply = ask(query("home.dyn.example.test", rrtype::ANY), zone);
    ASSERT_EQ(reply.answers.size(), 1U);
    EXPECT_EQ(reply.answers[0].type, rrtype::A);  // the addresses first
    const auto v6 = ask(query("v4only.dyn.example.test", rrtype::ANY), zone);
    ASSERT_EQ(v6.answers.size(), 1U);
    EXPECT_EQ(v6.answers[0].type, rrtype::A);
}

TEST(DnsResponder, NoDataForKnownNamesWithoutTheType) {
    const auto zone = demoZone();
    for (const auto& [qname, qtype] : std::vector<std::pair<std::string, std::uint16_t>>{
             {"v4only.dyn.example.test", rrtype::AAAA},
             {"home.dyn.example.test", rrtype::MX},
             {"never.dyn.example.test", rrtype::A},   // configured, never updated: still exists
             {"never.dyn.example.test", rrtype::ANY},
             {"deep.dyn.example.test", rrtype::A},    // empty non-terminal
             {"dyn.example.test", rrtype::A},         // the apex has only SOA and NS
         }) {
        SCOPED_TRACE(qname + " " + dns::typeToString(qtype));
        const auto reply = ask(query(qname, qtype), zone);
        EXPECT_EQ(reply.header.rcode, dns::Rcode::NoError);
        EXPECT_TRUE(reply.header.aa);
        EXPECT_TRUE(reply.answers.empty());
        expectNegativeSoa(reply, zone);
    }
}

TEST(DnsResponder, NxDomainForUnknownNames) {
    const auto zone = demoZone();
    for (const auto* qname : {"nope.dyn.example.test", "a.home.dyn.example.test", "y.deep.dyn.example.test"}) {
        SCOPED_TRACE(qname);
        const auto reply = ask(query(qname, rrtype::A), zone);
        EXPECT_EQ(reply.header.rcode, dns::Rcode::NxDomain);
        EXPECT_TRUE(reply.header.aa);
        EXPECT_TRUE(reply.answers.empty());
        expectNegativeSoa(reply, zone);
    }
}

TEST(DnsResponder, ApexSoaAndNsWithGlue) {
    const auto zone = demoZone();
    const auto soa = ask(query("DYN.example.test", rrtype::SOA), zone);
    ASSERT_EQ(soa.answers.size(), 1U);
    EXPECT_EQ(soa.answers[0].ttl, 86400U);
    const auto& data = *dns::soaOf(soa.answers[0].data);
    EXPECT_EQ(data.serial, 2024010100U);
    EXPECT_EQ(data.mname, name("ns1.dyn.example.test"));
    EXPECT_EQ(data.rname, name("hostmaster.example.test"));
    EXPECT_EQ(data.refresh, 600U);
    EXPECT_EQ(data.retry, 300U);
    EXPECT_EQ(data.expire, 604800U);
    EXPECT_EQ(data.minimum, 600U);

    const auto ns = ask(query("dyn.example.test", rrtype::NS), zone);
    ASSERT_EQ(ns.answers.size(), 1U);
    EXPECT_EQ(std::get<dns::NameData>(ns.answers[0].data).name, name("ns1.dyn.example.test"));
    EXPECT_EQ(ns.answers[0].ttl, 86400U);
    ASSERT_EQ(ns.additional.size(), 2U);
    EXPECT_EQ(ns.additional[0].type, rrtype::A);
    EXPECT_EQ(ns.additional[0].name, name("ns1.dyn.example.test"));
    EXPECT_EQ(ns.additional[1].type, rrtype::AAAA);

    const auto any = ask(query("dyn.example.test", rrtype::ANY), zone);
    ASSERT_EQ(any.answers.size(), 1U);  // RFC 8482: one RRset, the SOA at the apex
    EXPECT_EQ(any.answers[0].type, rrtype::SOA);
}

TEST(DnsResponder, TheNameServerNameAnswersWithItsGlue) {
    const auto zone = demoZone();
    const auto reply = ask(query("ns1.dyn.example.test", rrtype::A), zone);
    ASSERT_EQ(reply.answers.size(), 1U);
    EXPECT_EQ(std::get<dns::AData>(reply.answers[0].data).address, ip("192.0.2.53").v4Bytes());
}

TEST(DnsResponder, RefusesOutsideTheZoneAndOtherClasses) {
    const auto zone = demoZone();
    for (const auto* qname : {"example.test", "other.test", "dyn.example.test.evil.test", "."}) {
        SCOPED_TRACE(qname);
        const auto reply = ask(query(qname, rrtype::A), zone);
        EXPECT_EQ(reply.header.rcode, dns::Rcode::Refused);
        EXPECT_FALSE(reply.header.aa);
        EXPECT_TRUE(reply.answers.empty());
        EXPECT_TRUE(reply.authority.empty());
    }
    QueryOptions chaos;
    chaos.klass = dns::rrclass::CH;
    EXPECT_EQ(ask(query("version.bind", rrtype::TXT, chaos), zone).header.rcode, dns::Rcode::Refused);
    EXPECT_EQ(ask(query("dyn.example.test", 252), zone).header.rcode, dns::Rcode::Refused);  // AXFR
}

TEST(DnsResponder, NotImpForOtherOpcodes) {
    const auto zone = demoZone();
    for (const auto opcode : {dns::Opcode::Notify, dns::Opcode::Update, dns::Opcode::Status}) {
        QueryOptions options;
        options.opcode = opcode;
        const auto reply = ask(query("dyn.example.test", rrtype::SOA, options), zone);
        EXPECT_EQ(reply.header.rcode, dns::Rcode::NotImp);
        EXPECT_EQ(reply.header.opcode, opcode);
        EXPECT_EQ(reply.header.id, 0x4242);
        EXPECT_TRUE(reply.answers.empty());
    }
    // Opcode 1 (IQUERY, obsolete) with a body the codec cannot read: header-only NOTIMP.
    std::vector<std::uint8_t> iquery{0x12, 0x34, 0x08, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xFF};
    const auto raw = respond(iquery, zone);
    ASSERT_EQ(raw.size(), 12U);
    EXPECT_EQ(raw[0], 0x12);
    EXPECT_EQ(raw[1], 0x34);
    EXPECT_EQ(raw[2], 0x88);  // QR + opcode 1
    EXPECT_EQ(raw[3] & 0x0F, 4);
}

TEST(DnsResponder, NotImpNeverAmplifies) {
    // Found by fuzzing: an UPDATE packed with compressed questions came back as a 2135-octet UDP
    // answer. NOTIMP now echoes at most one question and obeys the UDP limit.
    const auto zone = demoZone();
    dns::Message update;
    update.header.id = 0x7777;
    update.header.opcode = dns::Opcode::Update;
    for (int i = 0; i < 60; ++i) {
        update.questions.push_back({name("h" + std::to_string(i) + "-with-a-long-label-to-fill-space.dyn.example.test"),
                                    rrtype::SOA, dns::rrclass::Internet});
    }
    const auto wire = dns::encodeMessage(update);
    const auto raw = respond(wire, zone);
    ASSERT_FALSE(raw.empty());
    EXPECT_LE(raw.size(), kClassicUdpLimit);
    EXPECT_LE(raw.size(), wire.size());
    const auto reply = dns::decodeMessage(raw).value();
    EXPECT_EQ(reply.header.rcode, dns::Rcode::NotImp);
    EXPECT_EQ(reply.header.id, 0x7777);
    EXPECT_TRUE(reply.questions.empty());
}

TEST(DnsResponder, FormErrForMalformedQueriesEchoesTheId) {
    const auto zone = demoZone();
    auto wire = query("home.dyn.example.test", rrtype::A);
    wire.resize(wire.size() - 3);  // cut the question short
    const auto reply = respond(wire, zone);
    ASSERT_EQ(reply.size(), 12U);
    EXPECT_EQ(reply[0], 0x42);
    EXPECT_EQ(reply[1], 0x42);
    EXPECT_EQ(reply[2], 0x81);  // QR, RD copied
    EXPECT_EQ(reply[3] & 0x0F, 1);
    for (std::size_t i = 4; i < 12; ++i) EXPECT_EQ(reply[i], 0) << i;
}

TEST(DnsResponder, FormErrUnlessExactlyOneQuestion) {
    const auto zone = demoZone();
    dns::Message none;
    none.header.id = 7;
    EXPECT_EQ(ask(dns::encodeMessage(none), zone).header.rcode, dns::Rcode::FormErr);

    dns::Message two;
    two.header.id = 8;
    two.questions = {{name("home.dyn.example.test"), rrtype::A, dns::rrclass::Internet},
                     {name("home.dyn.example.test"), rrtype::AAAA, dns::rrclass::Internet}};
    const auto reply = ask(dns::encodeMessage(two), zone);
    EXPECT_EQ(reply.header.rcode, dns::Rcode::FormErr);
    EXPECT_EQ(reply.header.id, 8);
    EXPECT_TRUE(reply.answers.empty());
}

TEST(DnsResponder, DropsRuntsAndResponses) {
    const auto zone = demoZone();
    const std::vector<std::uint8_t> runt{0x12, 0x34, 0x01};
    EXPECT_TRUE(respond(runt, zone).empty());
    auto wire = query("home.dyn.example.test", rrtype::A);
    wire[2] |= 0x80;  // QR: this is a response, never answer it
    EXPECT_TRUE(respond(wire, zone).empty());
}

TEST(DnsResponder, EdnsQueryGetsAnOptAdvertising1232) {
    const auto zone = demoZone();
    QueryOptions options;
    options.ednsPayload = 4096;
    const auto reply = ask(query("home.dyn.example.test", rrtype::A, options), zone);
    EXPECT_EQ(reply.header.rcode, dns::Rcode::NoError);
    const auto* opt = findOpt(reply);
    ASSERT_NE(opt, nullptr);
    EXPECT_TRUE(opt->name.isRoot());
    EXPECT_EQ(opt->klass, kMaxUdpPayload);
    EXPECT_EQ(opt->ttl, 0U);
    EXPECT_EQ(reply.answers.size(), 1U);
}

TEST(DnsResponder, UnknownEdnsVersionIsBadVers) {
    const auto zone = demoZone();
    QueryOptions options;
    options.ednsPayload = 1232;
    options.optTtl = 1U << 16U;  // version 1
    const auto reply = ask(query("home.dyn.example.test", rrtype::A, options), zone);
    const auto* opt = findOpt(reply);
    ASSERT_NE(opt, nullptr);
    EXPECT_EQ(opt->ttl >> 24U, 1U);  // extended RCODE 16 = BADVERS
    EXPECT_EQ(reply.header.rcode, dns::Rcode::NoError);
    EXPECT_TRUE(reply.answers.empty());
}

TEST(DnsResponder, TwoOptRecordsAreFormErr) {
    const auto zone = demoZone();
    dns::Message message;
    message.questions.push_back({name("home.dyn.example.test"), rrtype::A, dns::rrclass::Internet});
    message.additional.push_back({dns::Name(), rrtype::OPT, 1232, 0, dns::RawData{}});
    message.additional.push_back({dns::Name(), rrtype::OPT, 1232, 0, dns::RawData{}});
    EXPECT_EQ(ask(dns::encodeMessage(message), zone).header.rcode, dns::Rcode::FormErr);
}

TEST(DnsResponder, TruncatesWhatDoesNotFitTheUdpLimit) {
    auto zone = demoZone();
    std::vector<IpAddress> many;
    for (int i = 1; i <= 40; ++i) many.push_back(ip("2001:db8::" + std::to_string(i)));
    putRRset(zone, name("ns1.dyn.example.test"), addressRRset(many, 86400));
    putRRset(zone, name("ns1.dyn.example.test"), RRset{rrtype::A, 86400, false, {}});
    const auto plain = query("dyn.example.test", rrtype::NS);

    // Without EDNS: 512 octets.
    const auto small = respond(plain, zone);
    EXPECT_LE(small.size(), kClassicUdpLimit);
    const auto truncated = dns::decodeMessage(small).value();
    EXPECT_TRUE(truncated.header.tc);
    EXPECT_TRUE(truncated.header.aa);
    EXPECT_EQ(truncated.questions.size(), 1U);
    EXPECT_TRUE(truncated.answers.empty());

    // EDNS 4096: capped at 1232, which this answer fits.
    QueryOptions big;
    big.ednsPayload = 4096;
    const auto wire = respond(query("dyn.example.test", rrtype::NS, big), zone);
    EXPECT_GT(wire.size(), kClassicUdpLimit);
    EXPECT_LE(wire.size(), std::size_t{kMaxUdpPayload});
    const auto full = dns::decodeMessage(wire).value();
    EXPECT_FALSE(full.header.tc);
    EXPECT_EQ(full.additional.size(), 41U);  // 40 glue + OPT

    // EDNS below 512 counts as 512; the OPT survives truncation.
    QueryOptions tiny;
    tiny.ednsPayload = 100;
    const auto cut = dns::decodeMessage(respond(query("dyn.example.test", rrtype::NS, tiny), zone)).value();
    EXPECT_TRUE(cut.header.tc);
    EXPECT_NE(findOpt(cut), nullptr);

    // TCP is not truncated.
    const auto tcp = dns::decodeMessage(respond(plain, zone, DnsTransport::Tcp)).value();
    EXPECT_FALSE(tcp.header.tc);
    EXPECT_EQ(tcp.additional.size(), 40U);
}

}  // namespace server_dns_responder_test
}  // namespace
