// The DNS message codec: real and hand-built messages, every RR type, compression both ways,
// and the hostile inputs a strict decoder must refuse without crashing.
#include "qdyn/dns/message.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace qdyn::dns {
namespace {
namespace dns_message_test {

using Bytes = std::vector<std::uint8_t>;

Bytes hex(std::string_view text) {
    Bytes out;
    int high = -1;
    for (const char c : text) {
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v < 0) continue;  // spaces and separators
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(high * 16 + v));
            high = -1;
        }
    }
    EXPECT_LT(high, 0) << "odd number of hex digits";
    return out;
}

Name mustParse(std::string_view text) {
    auto name = Name::parse(text);
    EXPECT_TRUE(name) << text;
    return name ? *name : Name();
}

ResourceRecord rr(std::string_view owner, std::uint16_t type, RData data, std::uint16_t klass = rrclass::Internet) {
    return ResourceRecord{mustParse(owner), type, klass, 300, std::move(data)};
}

void expectSameMessage(const Message& a, const Message& b) {
    EXPECT_EQ(a.header.id, b.header.id);
    EXPECT_EQ(a.header.qr, b.header.qr);
    EXPECT_EQ(a.header.opcode, b.header.opcode);
    EXPECT_EQ(a.header.aa, b.header.aa);
    EXPECT_EQ(a.header.tc, b.header.tc);
    EXPECT_EQ(a.header.rd, b.header.rd);
    EXPECT_EQ(a.header.ra, b.header.ra);
    EXPECT_EQ(a.header.ad, b.header.ad);
    EXPECT_EQ(a.header.cd, b.header.cd);
    EXPECT_EQ(a.header.rcode, b.header.rcode);
    EXPECT_EQ(a.questions, b.questions);
    EXPECT_EQ(a.answers, b.answers);
    EXPECT_EQ(a.authority, b.authority);
    EXPECT_EQ(a.additional, b.additional);
}

Message roundTrip(const Message& message) {
    const Bytes wire = encodeMessage(message);
    auto decoded = decodeMessage(wire);
    EXPECT_TRUE(decoded) << decoded.message();
    if (!decoded) return {};
    expectSameMessage(message, *decoded);
    return *decoded;
}

void expectError(const Bytes& wire, std::string_view fragment) {
    const auto decoded = decodeMessage(wire);
    ASSERT_FALSE(decoded) << "decoded although it should fail with: " << fragment;
    EXPECT_NE(decoded.message().find(fragment), std::string::npos) << decoded.message();
}

// `dig @127.0.0.1 home.dyn.example.test A` from BIND 9.18.49: RD+AD, EDNS 1232 with a cookie.
constexpr std::string_view kDigQuery =
    "8b41 0120 0001 0000 0000 0001"
    "04686f6d65 0364796e 076578616d706c65 0474657374 00 0001 0001"
    "00 0029 04d0 00000000 000c 000a0008604b25ab37307090";

// The authoritative answer to it, hand-built with compression: the answer owner points at the
// question (0x0c), the NS owner and the NS target's suffix at "example.test" (0x15).
constexpr std::string_view kCompressedResponse =
    "1234 8580 0001 0001 0001 0000"
    "04686f6d65 0364796e 076578616d706c65 0474657374 00 0001 0001"
    "c00c 0001 0001 0000003c 0004 c0000201"
    "c015 0002 0001 00015180 0006 036e7331 c015";

TEST(DnsMessage, DecodesDigQuery) {
    const Bytes wire = hex(kDigQuery);
    const auto message = decodeMessage(wire);
    ASSERT_TRUE(message) << message.message();
    EXPECT_EQ(message->header.id, 0x8b41);
    EXPECT_FALSE(message->header.qr);
    EXPECT_EQ(message->header.opcode, Opcode::Query);
    EXPECT_TRUE(message->header.rd);
    EXPECT_TRUE(message->header.ad);
    EXPECT_FALSE(message->header.cd);
    ASSERT_EQ(message->questions.size(), 1U);
    EXPECT_EQ(message->questions[0].name.toString(), "home.dyn.example.test.");
    EXPECT_EQ(message->questions[0].type, rrtype::A);
    EXPECT_EQ(message->questions[0].klass, rrclass::Internet);
    ASSERT_EQ(message->additional.size(), 1U);
    const ResourceRecord& opt = message->additional[0];
    EXPECT_TRUE(opt.name.isRoot());
    EXPECT_EQ(opt.type, rrtype::OPT);
    EXPECT_EQ(opt.klass, 1232);  // the UDP payload size
    EXPECT_EQ(std::get<RawData>(opt.data).bytes, hex("000a0008604b25ab37307090"));
    EXPECT_EQ(encodeMessage(*message), wire);
}

TEST(DnsMessage, DecodesAndProducesCompressedResponse) {
    const Bytes wire = hex(kCompressedResponse);
    const auto message = decodeMessage(wire);
    ASSERT_TRUE(message) << message.message();
    EXPECT_TRUE(message->header.qr);
    EXPECT_TRUE(message->header.aa);
    EXPECT_TRUE(message->header.ra);
    ASSERT_EQ(message->answers.size(), 1U);
    EXPECT_EQ(message->answers[0].name, mustParse("home.dyn.example.test"));
    EXPECT_EQ(std::get<AData>(message->answers[0].data).address, (std::array<std::uint8_t, 4>{192, 0, 2, 1}));
    ASSERT_EQ(message->authority.size(), 1U);
    EXPECT_EQ(message->authority[0].name, mustParse("example.test"));
    EXPECT_EQ(std::get<NameData>(message->authority[0].data).name, mustParse("ns1.example.test"));
    EXPECT_EQ(encodeMessage(*message), wire);
}

Message allTypes() {
    Message m;
    m.header = Header{0xbeef, true, Opcode::Query, true, false, true, true, false, false, Rcode::NoError};
    m.questions.push_back(Question{mustParse("home.dyn.example.test"), rrtype::ANY, rrclass::Internet});
    m.answers.push_back(rr("home.dyn.example.test", rrtype::A, AData{{192, 0, 2, 7}}));
    m.answers.push_back(rr("home.dyn.example.test", rrtype::AAAA,
                           AaaaData{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}));
    m.answers.push_back(rr("www.dyn.example.test", rrtype::CNAME, NameData{mustParse("home.dyn.example.test")}));
    m.answers.push_back(rr("dyn.example.test", rrtype::MX, MxData{10, mustParse("mail.example.test")}));
    m.answers.push_back(rr("home.dyn.example.test", rrtype::TXT, TxtData{{"v=1", "", std::string(255, 'x')}}));
    m.answers.push_back(rr("home.dyn.example.test", 12, RawData{{4, 'h', 'o', 'm', 'e', 0}}));  // PTR stays raw
    m.authority.push_back(rr("example.test", rrtype::NS, NameData{mustParse("ns1.example.test")}));
    m.authority.push_back(rr("example.test", rrtype::SOA,
                             SoaData{mustParse("ns1.example.test"), mustParse("hostmaster.example.test"),
                                     2024010101, 600, 300, 604800, 600}));
    m.additional.push_back(rr("chaos.test", rrtype::A, RawData{{1, 2}}, rrclass::CH));  // CH A is not IN A
    m.additional.push_back(ResourceRecord{Name(), rrtype::OPT, 1232, 0, RawData{}});
    m.additional.push_back(rr("key.example.test", rrtype::TSIG, RawData{{0x0b, 'h', 'm', 'a', 'c', 0}}, rrclass::ANY));
    return m;
}

TEST(DnsMessage, RoundTripsEveryType) {
    const Message all = allTypes();
    roundTrip(all);
    // Each record alone too, so one type's bug cannot hide behind another's compression.
    for (const auto* section : {&all.answers, &all.authority, &all.additional}) {
        for (const auto& record : *section) {
            Message one;
            one.header.id = 7;
            one.answers.push_back(record);
            SCOPED_TRACE(typeToString(record.type));
            roundTrip(one);
        }
    }
}

TEST(DnsMessage, CompressesOwnerAndRdataNames) {
    const Message all = allTypes();
    const Bytes wire = encodeMessage(all);
    auto rdataSize = [](const RData& data) -> std::size_t {
        if (const auto* raw = std::get_if<RawData>(&data)) return raw->bytes.size();
        if (std::holds_alternative<AData>(data)) return 4;
        if (std::holds_alternative<AaaaData>(data)) return 16;
        if (const auto* n = std::get_if<NameData>(&data)) return n->name.wire().size();
        if (const auto* mx = std::get_if<MxData>(&data)) return 2 + mx->exchange.wire().size();
        if (const auto* soa = soaOf(data)) return soa->mname.wire().size() + soa->rname.wire().size() + 20;
        std::size_t size = 0;
        for (const auto& s : std::get<TxtData>(data).strings) size += 1 + s.size();
        return size;
    };
    std::size_t uncompressed = 12 + all.questions[0].name.wire().size() + 4;
    for (const auto* section : {&all.answers, &all.authority, &all.additional}) {
        for (const auto& record : *section) uncompressed += record.name.wire().size() + 10 + rdataSize(record.data);
    }
    EXPECT_LT(wire.size(), uncompressed);
    // The SOA's names are compressed against earlier names, and decode back exactly.
    const auto decoded = decodeMessage(wire);
    ASSERT_TRUE(decoded);
    const auto& soa = *soaOf(decoded->authority[1].data);
    EXPECT_EQ(soa.rname.toString(), "hostmaster.example.test.");
    EXPECT_EQ(soa.serial, 2024010101U);
    EXPECT_EQ(soa.expire, 604800U);
}

TEST(DnsMessage, CompressionKeepsCaseAndLeavesTsigAlone) {
    Message m;
    m.questions.push_back(Question{mustParse("HoMe.example.test"), rrtype::A, rrclass::Internet});
    m.answers.push_back(rr("home.example.test", rrtype::A, AData{{192, 0, 2, 1}}));
    m.additional.push_back(rr("example.test", rrtype::TSIG, RawData{{0}}, rrclass::ANY));
    const Bytes wire = encodeMessage(m);
    const auto decoded = decodeMessage(wire);
    ASSERT_TRUE(decoded);
    // The answer shares only "example.test" byte-for-byte with the question.
    EXPECT_EQ(decoded->answers[0].name.wire(), m.answers[0].name.wire());
    EXPECT_EQ(decoded->questions[0].name.wire(), m.questions[0].name.wire());
    // The TSIG owner is written out in full, right before its fixed fields.
    const std::string& tsigName = m.additional[0].name.wire();
    const std::size_t tsigAt = wire.size() - 11 - tsigName.size();
    EXPECT_EQ(std::string(wire.begin() + static_cast<std::ptrdiff_t>(tsigAt),
                          wire.begin() + static_cast<std::ptrdiff_t>(tsigAt + tsigName.size())),
              tsigName);
}

TEST(DnsMessage, UpdateMessage) {
    // RFC 2136: zone SOA IN; update: delete the A RRset (ANY, TTL 0, no RDATA), then add.
    Message m;
    m.header.id = 0x4242;
    m.header.opcode = Opcode::Update;
    m.questions.push_back(Question{mustParse("example.test"), rrtype::SOA, rrclass::Internet});
    m.authority.push_back(ResourceRecord{mustParse("home.example.test"), rrtype::A, rrclass::ANY, 0, RawData{}});
    m.authority.push_back(rr("home.example.test", rrtype::A, AData{{198, 51, 100, 9}}));
    const Bytes wire = encodeMessage(m);
    EXPECT_EQ(wire, hex("4242 2800 0001 0000 0002 0000"
                        "076578616d706c65 0474657374 00 0006 0001"
                        "04686f6d65 c00c 0001 00ff 00000000 0000"
                        "c01e 0001 0001 0000012c 0004 c6336409"));
    const Message decoded = roundTrip(m);
    EXPECT_EQ(decoded.header.opcode, Opcode::Update);
    // RDLENGTH 0 is an empty RawData whatever the type.
    EXPECT_EQ(std::get<RawData>(decoded.authority[0].data).bytes.size(), 0U);
}

TEST(DnsMessage, HeaderFlagsAndUnknownCodesSurvive) {
    Message m;
    m.header = Header{0xffff, true, static_cast<Opcode>(6), true, true, true, true, true, true, static_cast<Rcode>(11)};
    const Bytes wire = encodeMessage(m);
    EXPECT_EQ(wire, hex("ffff b7bb 0000 0000 0000 0000"));
    const auto decoded = decodeMessage(wire);
    ASSERT_TRUE(decoded);
    expectSameMessage(m, *decoded);
    // The Z bit is reserved: accepted but not kept.
    EXPECT_TRUE(decodeMessage(hex("0001 0040 0000 0000 0000 0000")));
}

TEST(DnsMessage, TxtEncodingEdgeCases) {
    Message m;
    m.answers.push_back(rr("t.test", rrtype::TXT, TxtData{}));
    m.answers.push_back(rr("t.test", rrtype::TXT, TxtData{{std::string(300, 'y')}}));
    const auto decoded = decodeMessage(encodeMessage(m));
    ASSERT_TRUE(decoded) << decoded.message();
    // No character-string at all is not valid TXT: it goes out as one empty string.
    EXPECT_EQ(std::get<TxtData>(decoded->answers[0].data).strings, std::vector<std::string>{""});
    const auto& split = std::get<TxtData>(decoded->answers[1].data).strings;
    ASSERT_EQ(split.size(), 2U);
    EXPECT_EQ(split[0].size(), 255U);
    EXPECT_EQ(split[1].size(), 45U);
}

TEST(DnsMessage, TruncatedAtEveryOffsetIsAnError) {
    for (const Bytes& wire : {hex(kDigQuery), hex(kCompressedResponse), encodeMessage(allTypes())}) {
        ASSERT_TRUE(decodeMessage(wire));
        for (std::size_t length = 0; length < wire.size(); ++length) {
            EXPECT_FALSE(decodeMessage(std::span(wire.data(), length))) << "prefix of " << length;
        }
    }
}

TEST(DnsMessage, TrailingGarbageRejected) {
    Bytes wire = hex(kDigQuery);
    wire.push_back(0);
    expectError(wire, "1 trailing octet(s) after the last record at offset 62");
}

TEST(DnsMessage, HugeCountsInTinyMessageRejected) {
    expectError(hex("0000 0000 ffff ffff ffff ffff"), "section counts need at least");
    expectError(hex("0000 0000 0000 0001 0000 0000 00 0001 0001 00000000"), "section counts");
}

TEST(DnsMessage, PointerLoopsRejected) {
    // Self-pointer.
    expectError(hex("0000 0000 0001 0000 0000 0000 c00c 0001 0001"), "does not point backwards at offset 12");
    // A label then a pointer back to the name's own start.
    expectError(hex("0000 0000 0001 0000 0000 0000 0161 c00c 0001 0001"), "does not point backwards");
    // Forward pointer to a valid root name in the second question: only the direction is wrong.
    expectError(hex("0000 0000 0002 0000 0000 0000 c012 0001 0001 00 0001 0001"), "does not point backwards");
    // Into the header.
    expectError(hex("0000 0000 0001 0000 0000 0000 c000 0001 0001"), "into the header");
}

TEST(DnsMessage, PointerChainLengthIsCapped) {
    // Question i's name is a pointer to question i-1's name: resolving it takes i hops.
    auto chain = [](std::size_t questions) {
        Bytes wire = hex("0000 0000 0000 0000 0000 0000 00 0001 0001");
        wire[4] = static_cast<std::uint8_t>(questions >> 8);
        wire[5] = static_cast<std::uint8_t>(questions & 0xff);
        for (std::size_t i = 1; i < questions; ++i) {
            const std::size_t previous = wire.size() - 5 - (i == 1 ? 0 : 1);
            wire.push_back(static_cast<std::uint8_t>(0xc0 | (previous >> 8)));
            wire.push_back(static_cast<std::uint8_t>(previous & 0xff));
            wire.insert(wire.end(), {0, 1, 0, 1});
        }
        return wire;
    };
    EXPECT_TRUE(decodeMessage(chain(60)));
    expectError(chain(70), "too many compression pointers");
}

TEST(DnsMessage, ReservedLabelTypesRejected) {
    // 0x40 (a would-be 64-octet label / EDNS0 extended label) and 0x80.
    Bytes wire = hex("0000 0000 0001 0000 0000 0000 40");
    wire.insert(wire.end(), 64, 'a');
    wire.insert(wire.end(), {0, 0, 1, 0, 1});
    expectError(wire, "unsupported label type at offset 12");
    expectError(hex("0000 0000 0001 0000 0000 0000 8100 0001 0001"), "unsupported label type");
}

TEST(DnsMessage, DecompressedNameLongerThan255Rejected) {
    // First question: 252 octets (labels 63, 63, 63, 58). The second prepends a label and points
    // at it: "ab" gives exactly 255 octets, "abc" gives 256.
    auto build = [](std::string_view prefix) {
        Bytes wire = hex("0000 0000 0002 0000 0000 0000");
        for (std::size_t length : {63U, 63U, 63U, 58U}) {
            wire.push_back(static_cast<std::uint8_t>(length));
            wire.insert(wire.end(), length, 'a');
        }
        wire.insert(wire.end(), {0, 0, 1, 0, 1});
        wire.push_back(static_cast<std::uint8_t>(prefix.size()));
        wire.insert(wire.end(), prefix.begin(), prefix.end());
        wire.insert(wire.end(), {0xc0, 0x0c, 0, 1, 0, 1});
        return wire;
    };
    const auto ok = decodeMessage(build("ab"));
    ASSERT_TRUE(ok) << ok.message();
    EXPECT_EQ(ok->questions[1].name.wire().size(), 255U);
    expectError(build("abc"), "longer than 255 octets");
}

TEST(DnsMessage, RdlengthMismatchRejected) {
    const std::string_view head = "0000 8000 0000 0001 0000 0000 00";
    auto record = [&](std::string_view rest) { return hex(std::string(head) + std::string(rest)); };
    expectError(record("0001 0001 00000000 0005 c0000201 00"), "A RDATA of 5 octets, expected 4");
    expectError(record("0001 0001 00000000 0003 c00002"), "expected 4");
    expectError(record("001c 0001 00000000 0004 c0000201"), "expected 16");
    // NS name ends one octet before RDLENGTH does.
    expectError(record("0002 0001 00000000 0004 016100 00"), "RDATA uses 3 octets but RDLENGTH is 4");
    // MX name runs past RDLENGTH (but not past the message).
    expectError(record("000f 0001 00000000 0004 000a 016100"), "DNS name: truncated");
    // TXT character-string overruns.
    expectError(record("0010 0001 00000000 0003 05616263"), "TXT character-string overruns");
    // SOA missing one octet of its counters.
    expectError(record("0006 0001 00000000 0015 00 00 0000000100000002000000030000000400000005"),
                "truncated SOA RDATA");
    // RDLENGTH beyond the end of the message.
    expectError(record("0001 0001 00000000 0010 c0000201"), "truncated RDATA");
}

TEST(DnsMessage, RdlengthZeroIsRawForEveryType) {
    for (std::uint16_t type : {rrtype::A, rrtype::AAAA, rrtype::NS, rrtype::SOA, rrtype::MX, rrtype::TXT}) {
        Bytes wire = hex("0000 2800 0000 0000 0001 0000 00 0000 00ff 00000000 0000");
        wire[13] = static_cast<std::uint8_t>(type >> 8);
        wire[14] = static_cast<std::uint8_t>(type & 0xff);
        const auto decoded = decodeMessage(wire);
        ASSERT_TRUE(decoded) << decoded.message();
        EXPECT_EQ(std::get<RawData>(decoded->authority[0].data), RawData{});
    }
}

TEST(DnsMessage, CompressedNamesInsideRdata) {
    // MX and SOA RDATA pointing back at the owner (offset 12).
    const Bytes wire = hex("0000 8000 0000 0002 0000 0000"
                           "0474657374 00 000f 0001 00000000 0004 0005 c00c"
                           "c00c 0006 0001 00000000 001c 036e7331 c00c c00c"
                           "00000001 00000002 00000003 00000004 00000005");
    const auto decoded = decodeMessage(wire);
    ASSERT_TRUE(decoded) << decoded.message();
    EXPECT_EQ(std::get<MxData>(decoded->answers[0].data), (MxData{5, mustParse("test")}));
    const auto& soa = *soaOf(decoded->answers[1].data);
    EXPECT_EQ(soa.mname, mustParse("ns1.test"));
    EXPECT_EQ(soa.rname, mustParse("test"));
    EXPECT_EQ(soa.minimum, 5U);
    EXPECT_EQ(encodeMessage(*decoded), wire);
}

TEST(DnsMessage, NamesAsText) {
    EXPECT_EQ(toString(Rcode::NoError), "NOERROR");
    EXPECT_EQ(toString(Rcode::NxDomain), "NXDOMAIN");
    EXPECT_EQ(toString(Rcode::NotZone), "NOTZONE");
    EXPECT_EQ(toString(static_cast<Rcode>(13)), "RCODE13");
    EXPECT_EQ(typeToString(rrtype::A), "A");
    EXPECT_EQ(typeToString(rrtype::AAAA), "AAAA");
    EXPECT_EQ(typeToString(rrtype::TSIG), "TSIG");
    EXPECT_EQ(typeToString(123), "TYPE123");
}

}  // namespace dns_message_test
}  // namespace
}  // namespace qdyn::dns
