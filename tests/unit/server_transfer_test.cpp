// Zone transfers from qdyn-server (AXFR, RFC 5936; IXFR, RFC 1995) at the handler: the content
// and order of a transfer, its split into messages, the access list and TSIG, every message of
// a signed transfer verified by an independent verifier, IXFR from the journal and its
// fallbacks. No sockets: the streamed messages are pulled as the TCP listener would pull them.
#include <algorithm>
#include <cstdint>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

#include "qdyn/dns/transport.hpp"
#include "qdyn/dns/tsig.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"
#include "test_values.hpp"
#include "tsig_stream_verifier.hpp"
#include "xfr/journal.hpp"
#include "xfr/transfer_handler.hpp"

namespace {
namespace transfer_test {

using namespace qdyn::server;
namespace dns = qdyn::dns;
using dns::Rcode;
using qdyn::test::ip;
using qdyn::test::name;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint16_t kIxfr = 251;
constexpr std::uint16_t kAxfr = 252;
constexpr std::uint32_t kNow = 1700000000;
constexpr std::uint32_t kFirstSerial = 1000;
constexpr const char* kXfrSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";
constexpr const char* kAliceSecret = "q0FjhK2pO1sXBw6r5yBjRk7a7qf0rW2c0c8z8mJYq6E=";

// 127.0.0.1 must sign with xfr-key; 192.0.2.10 needs no key.
const std::string kConfig = std::string(R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["192.0.2.53"]
email = "hostmaster@example.test"

[[account]]
name = "alice"
password = "pw-a"
hosts = ["home", "nas"]

[[record]]
name = "www"
type = "CNAME"
value = "home"

[[record]]
name = "@"
type = "TXT"
value = "v=spf1 -all"

[[tsig_key]]
name = "xfr-key"
secret = ")") + kXfrSecret + R"("

[[tsig_key]]
name = "alice-key"
secret = ")" + kAliceSecret +
                            R"("
account = "alice"

[[secondary]]
address = "127.0.0.1"
port = 5300
tsig_key = "xfr-key"

[[secondary]]
address = "192.0.2.10"
)";

dns::TsigKey xfrKey(const char* secret = kXfrSecret) {
    return dns::TsigKey::make("xfr-key", dns::TsigAlgorithm::HmacSha256, secret).value();
}

dns::Message query(std::uint16_t type, std::optional<std::uint32_t> clientSerial = std::nullopt,
                   const char* zoneName = "dyn.example.test") {
    dns::Message message;
    message.header.id = 0x1234;
    message.questions.push_back({name(zoneName), type, dns::rrclass::Internet});
    if (clientSerial) {
        dns::SoaData soa{name("ns1.dyn.example.test"), name("hostmaster.example.test"), *clientSerial, 1, 1, 1, 1};
        message.authority.push_back({name(zoneName), dns::rrtype::SOA, dns::rrclass::Internet, 0, soa});
    }
    return message;
}

std::vector<Bytes> messagesOf(TransferHandler::Reply reply) {
    std::vector<Bytes> out;
    if (!reply.reply.stream) {
        if (!reply.reply.wire.empty()) out.push_back(reply.reply.wire);
        return out;
    }
    for (auto next = reply.reply.stream(); !next.empty(); next = reply.reply.stream())
        out.push_back(std::move(next));
    return out;
}

dns::Message decoded(const Bytes& wire) {
    return dns::decodeMessage(wire).value();
}

std::vector<dns::ResourceRecord> answersOf(const std::vector<Bytes>& messages) {
    std::vector<dns::ResourceRecord> out;
    for (const auto& wire : messages) {
        const auto message = decoded(wire);
        out.insert(out.end(), message.answers.begin(), message.answers.end());
    }
    return out;
}

std::uint32_t serialOf(const dns::ResourceRecord& record) {
    EXPECT_EQ(record.type, dns::rrtype::SOA);
    const auto* soa = dns::soaOf(record.data);
    return soa != nullptr ? soa->serial : 0;
}

class TransferTest : public ::testing::Test {
protected:
    TransferTest()
        : config(Config::parse(kConfig, "transfer.toml").value()),
          zone(buildInitialSnapshot(config, kFirstSerial).value()),
          updates(config, zone, nullptr, [this] { return clock; }),
          journal(config.dns.ixfrJournal) {
        updates.addListener(journal);
    }

    TransferHandler::Reply ask(const Bytes& wire, const char* peer = "192.0.2.10",
                               DnsTransport transport = DnsTransport::Tcp, std::size_t maxMessage = 65535) {
        const TransferHandler handler(
            config, journal, [] { return std::uint64_t{kNow}; }, maxMessage);
        return handler.handle(wire, ip(peer), transport, zone.snapshot());
    }

    void setHome(const char* address, bool offline = false) {
        HostUpdate update;
        update.v4 = ip(address);
        update.offline = offline;
        ASSERT_NE(updates.apply(config.accounts[0], name("home.dyn.example.test"), update).status,
                  UpdateStatus::NotGranted);
    }

    // `count` names with an A and a TXT each, spelled in `suffix`'s case.
    void addNames(int count, const std::string& prefix, const std::string& suffix = "dyn.example.test") {
        updates.commit([&](ZoneTransaction& tx) {
            for (int i = 0; i < count; ++i) {
                auto& node = tx.edit(name(prefix + std::to_string(i) + "." + suffix));
                node.rrsets.push_back(RRset{dns::rrtype::A, 60, true, {addressRData(ip("198.51.100.1"))}});
                node.rrsets.push_back(RRset{dns::rrtype::TXT, 60, true, {dns::TxtData{{std::string(40, 'x')}}}});
            }
            return true;
        });
    }

    std::uint32_t serial() const { return zone.snapshot()->soa.serial; }

    std::uint32_t clock = kNow;
    Config config;
    Zone zone;
    UpdateService updates;
    ZoneJournal journal;
};

TEST_F(TransferTest, AxfrSendsTheSoaFirstAndLastAndEveryServedRecord) {
    setHome("203.0.113.7");
    HostUpdate nas;
    nas.v4 = ip("198.51.100.5");
    nas.offline = true;  // withheld from queries, so from transfers too
    updates.apply(config.accounts[0], name("nas.dyn.example.test"), nas);

    const auto messages = messagesOf(ask(dns::encodeMessage(query(kAxfr))));
    ASSERT_EQ(messages.size(), 1U);
    const auto message = decoded(messages[0]);
    EXPECT_EQ(message.header.id, 0x1234);
    EXPECT_TRUE(message.header.qr);
    EXPECT_TRUE(message.header.aa);
    EXPECT_EQ(message.header.rcode, Rcode::NoError);
    ASSERT_EQ(message.questions.size(), 1U);
    EXPECT_EQ(message.questions[0].type, kAxfr);

    const auto& answers = message.answers;
    ASSERT_EQ(answers.size(), 7U);
    EXPECT_EQ(serialOf(answers.front()), serial());
    EXPECT_EQ(serialOf(answers.back()), serial());
    // The apex first: NS, then its static TXT.
    EXPECT_EQ(answers[1].type, dns::rrtype::NS);
    EXPECT_EQ(answers[2].type, dns::rrtype::TXT);
    EXPECT_EQ(answers[2].name, name("dyn.example.test"));
    const auto has = [&](const char* owner, std::uint16_t type, const dns::RData& data) {
        return std::any_of(answers.begin(), answers.end(), [&](const dns::ResourceRecord& rr) {
            return rr.name == name(owner) && rr.type == type && rr.data == data;
        });
    };
    EXPECT_TRUE(has("ns1.dyn.example.test", dns::rrtype::A, addressRData(ip("192.0.2.53"))));
    EXPECT_TRUE(has("www.dyn.example.test", dns::rrtype::CNAME, dns::NameData{name("home.dyn.example.test")}));
    EXPECT_TRUE(has("home.dyn.example.test", dns::rrtype::A, addressRData(ip("203.0.113.7"))));
    EXPECT_FALSE(has("nas.dyn.example.test", dns::rrtype::A, addressRData(ip("198.51.100.5"))));
}

TEST_F(TransferTest, ABigZoneIsSplitIntoMessagesOfAtMost64KiB) {
    addNames(5000, "h");
    const auto messages = messagesOf(ask(dns::encodeMessage(query(kAxfr))));
    ASSERT_GE(messages.size(), 5U);
    std::size_t records = 0;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        EXPECT_LE(messages[i].size(), 65535U);
        const auto message = decoded(messages[i]);
        EXPECT_EQ(message.questions.size(), i == 0 ? 1U : 0U) << "the question goes in the first message only";
        EXPECT_EQ(message.header.id, 0x1234);
        records += message.answers.size();
    }
    // A full message is well filled: compression keeps a name to its first label and a pointer.
    EXPECT_GT(messages[0].size(), 60000U);
    const auto answers = answersOf(messages);
    EXPECT_EQ(records, 2U + 4U + 10000U);  // SOA twice; NS, apex TXT, ns1 A, www CNAME; the names
    const auto soas = std::count_if(answers.begin(), answers.end(),
                                    [](const dns::ResourceRecord& rr) { return rr.type == dns::rrtype::SOA; });
    EXPECT_EQ(soas, 2);
    EXPECT_EQ(answers.front().type, dns::rrtype::SOA);
    EXPECT_EQ(answers.back().type, dns::rrtype::SOA);
}

TEST_F(TransferTest, NamesInAnotherCaseStillFitTheMessageLimit) {
    // Compression is byte-exact, so these owners do not shrink against the origin as estimated.
    addNames(300, "MiXeD", "DYN.Example.TEST");
    const auto messages = messagesOf(ask(dns::encodeMessage(query(kAxfr)), "192.0.2.10", DnsTransport::Tcp, 1024));
    ASSERT_GT(messages.size(), 20U);
    for (const auto& wire : messages)
        EXPECT_LE(wire.size(), 1024U);
    EXPECT_EQ(answersOf(messages).size(), 2U + 4U + 600U);
}

TEST_F(TransferTest, OnlyListedSecondariesWithTheirKeyMayTransfer) {
    const auto rcodeOf = [](const TransferHandler::Reply& reply) {
        EXPECT_FALSE(reply.reply.stream);
        EXPECT_FALSE(reply.logLine.empty());
        return decoded(reply.reply.wire).header.rcode;
    };
    const Bytes plain = dns::encodeMessage(query(kAxfr));
    EXPECT_EQ(rcodeOf(ask(plain, "198.51.100.99")), Rcode::Refused);  // not a [[secondary]]
    EXPECT_EQ(rcodeOf(ask(plain, "127.0.0.1")), Rcode::Refused);      // its key is required

    // Another known key verifies, but is not this secondary's: a signed REFUSED.
    const auto alice = dns::TsigKey::make("alice-key", dns::TsigAlgorithm::HmacSha256, kAliceSecret).value();
    const auto byAlice = dns::signRequest(query(kAxfr), alice, kNow).value();
    const auto refused = ask(byAlice.wire, "127.0.0.1");
    EXPECT_EQ(rcodeOf(refused), Rcode::Refused);
    EXPECT_EQ(dns::verifyResponse(refused.reply.wire, byAlice, alice, kNow).verdict, dns::TsigVerdict::Verified);

    const auto forged =
        dns::signRequest(query(kAxfr), xfrKey("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), kNow).value();
    const auto badSig = ask(forged.wire, "127.0.0.1");
    EXPECT_EQ(rcodeOf(badSig), Rcode::NotAuth);
    EXPECT_EQ(dns::verifyResponse(badSig.reply.wire, forged, xfrKey(), kNow).verdict, dns::TsigVerdict::ServerBadSig);

    const auto stranger = dns::TsigKey::make("stranger", dns::TsigAlgorithm::HmacSha256, kXfrSecret).value();
    const auto unknown = dns::signRequest(query(kAxfr), stranger, kNow).value();
    EXPECT_EQ(rcodeOf(ask(unknown.wire, "127.0.0.1")), Rcode::NotAuth);

    EXPECT_EQ(rcodeOf(ask(plain, "192.0.2.10", DnsTransport::Udp)), Rcode::Refused);  // AXFR needs TCP
    EXPECT_EQ(rcodeOf(ask(dns::encodeMessage(query(kAxfr, std::nullopt, "other.example.test")))), Rcode::NotAuth);
}

TEST_F(TransferTest, EveryMessageOfASignedTransferVerifies) {
    addNames(300, "s");
    const auto request = dns::signRequest(query(kAxfr), xfrKey(), kNow).value();
    const auto messages = messagesOf(ask(request.wire, "127.0.0.1", DnsTransport::Tcp, 2048));
    ASSERT_GE(messages.size(), 10U);
    qdyn::test::TsigStreamVerifier verifier(xfrKey(), request.mac);
    for (std::size_t i = 0; i < messages.size(); ++i) {
        EXPECT_LE(messages[i].size(), 2048U);
        EXPECT_EQ(verifier.verifyNext(messages[i]), "") << "message " << i;
    }
    EXPECT_EQ(dns::verifyResponse(messages[0], request, xfrKey(), kNow).verdict, dns::TsigVerdict::Verified);
    EXPECT_EQ(answersOf(messages).size(), 2U + 4U + 600U);
}

TEST_F(TransferTest, IxfrSendsEachStepFromTheJournal) {
    const std::uint32_t s0 = serial();
    setHome("203.0.113.7");
    const std::uint32_t s1 = serial();
    setHome("203.0.113.8");
    const std::uint32_t s2 = serial();
    ASSERT_NE(s0, s1);
    ASSERT_NE(s1, s2);

    const auto answers = answersOf(messagesOf(ask(dns::encodeMessage(query(kIxfr, s0)))));
    ASSERT_EQ(answers.size(), 9U);
    const std::vector<std::uint32_t> soaSerials{s2, s0, s1, s1, s2, s2};
    std::vector<std::uint32_t> seen;
    for (const auto& rr : answers) {
        if (rr.type == dns::rrtype::SOA) seen.push_back(serialOf(rr));
    }
    EXPECT_EQ(seen, soaSerials);
    // SOA(s2) | SOA(s0) (nothing removed) SOA(s1) +.7 | SOA(s1) -.7 SOA(s2) +.8 | SOA(s2)
    EXPECT_EQ(answers[3].data, addressRData(ip("203.0.113.7")));
    EXPECT_EQ(answers[5].data, addressRData(ip("203.0.113.7")));
    EXPECT_EQ(answers[7].data, addressRData(ip("203.0.113.8")));
    EXPECT_EQ(answers[7].name, name("home.dyn.example.test"));

    // Signed, from the secondary that needs the key: every message verifies.
    const auto request = dns::signRequest(query(kIxfr, s1), xfrKey(), kNow).value();
    const auto signedMessages = messagesOf(ask(request.wire, "127.0.0.1"));
    ASSERT_EQ(signedMessages.size(), 1U);
    qdyn::test::TsigStreamVerifier verifier(xfrKey(), request.mac);
    EXPECT_EQ(verifier.verifyNext(signedMessages[0]), "");
    EXPECT_EQ(decoded(signedMessages[0]).answers.size(), 6U);
}

TEST_F(TransferTest, GoingOfflineIsAnIxfrRemoval) {
    setHome("203.0.113.7");
    const std::uint32_t s1 = serial();
    setHome("203.0.113.7", true);
    const auto answers = answersOf(messagesOf(ask(dns::encodeMessage(query(kIxfr, s1)))));
    ASSERT_EQ(answers.size(), 5U);  // SOA(new) SOA(s1) -A SOA(new) SOA(new)
    EXPECT_EQ(serialOf(answers[1]), s1);
    EXPECT_EQ(answers[2].data, addressRData(ip("203.0.113.7")));
    EXPECT_EQ(serialOf(answers[3]), serial());
}

TEST_F(TransferTest, AnUpToDateSecondaryOrOneAskingOverUdpGetsTheSoaAlone) {
    const std::uint32_t s0 = serial();
    setHome("203.0.113.7");
    for (const auto& [client, transport] :
         {std::pair{serial(), DnsTransport::Tcp}, std::pair{serial() + 5, DnsTransport::Tcp},
          std::pair{s0, DnsTransport::Udp}}) {
        const auto reply = ask(dns::encodeMessage(query(kIxfr, client)), "192.0.2.10", transport);
        EXPECT_FALSE(reply.reply.stream);
        const auto answers = decoded(reply.reply.wire).answers;
        ASSERT_EQ(answers.size(), 1U) << client;
        EXPECT_EQ(serialOf(answers[0]), serial());
    }
}

TEST_F(TransferTest, IxfrFromASerialTheJournalLacksIsAFullTransfer) {
    setHome("203.0.113.7");
    const auto answers = answersOf(messagesOf(ask(dns::encodeMessage(query(kIxfr, 12345)))));
    ASSERT_EQ(answers.size(), 7U);  // AXFR form (RFC 1995 4)
    EXPECT_EQ(answers[1].type, dns::rrtype::NS);
    EXPECT_EQ(serialOf(answers.back()), serial());

    // Without the client's SOA the request is malformed.
    EXPECT_EQ(decoded(ask(dns::encodeMessage(query(kIxfr))).reply.wire).header.rcode, Rcode::FormErr);
}

TEST_F(TransferTest, ASignedOrdinaryQueryGetsASignedAnswer) {
    const auto request =
        dns::signRequest(dns::makeQuery(name("dyn.example.test"), dns::rrtype::SOA), xfrKey(), kNow).value();
    const auto reply = ask(request.wire, "127.0.0.1", DnsTransport::Udp);
    ASSERT_FALSE(reply.reply.wire.empty());
    EXPECT_EQ(dns::verifyResponse(reply.reply.wire, request, xfrKey(), kNow).verdict, dns::TsigVerdict::Verified);
    const auto answer = decoded(reply.reply.wire);
    ASSERT_EQ(answer.answers.size(), 1U);
    EXPECT_EQ(serialOf(answer.answers[0]), serial());
    EXPECT_TRUE(reply.logLine.empty());

    const auto forged = dns::signRequest(dns::makeQuery(name("dyn.example.test"), dns::rrtype::SOA),
                                         xfrKey("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), kNow)
                            .value();
    EXPECT_EQ(decoded(ask(forged.wire, "127.0.0.1", DnsTransport::Udp).reply.wire).header.rcode, Rcode::NotAuth);
}

TEST(TransferHandlerTest, TakesTransfersAndSignedQueriesOnly) {
    const auto axfr = dns::encodeMessage(query(kAxfr));
    EXPECT_TRUE(TransferHandler::handles(axfr));
    EXPECT_TRUE(TransferHandler::handles(dns::encodeMessage(query(kIxfr, 7))));
    auto plain = dns::makeQuery(name("home.dyn.example.test"), dns::rrtype::A);
    EXPECT_FALSE(TransferHandler::handles(dns::encodeMessage(plain)));
    plain.additional.push_back({dns::Name(), dns::rrtype::OPT, 1232, 0, dns::RawData{}});
    EXPECT_FALSE(TransferHandler::handles(dns::encodeMessage(plain)));
    EXPECT_TRUE(TransferHandler::handles(dns::signRequest(plain, xfrKey(), kNow).value().wire));
    auto response = query(kAxfr);
    response.header.qr = true;
    EXPECT_FALSE(TransferHandler::handles(dns::encodeMessage(response)));
    auto update = query(dns::rrtype::SOA);
    update.header.opcode = dns::Opcode::Update;
    EXPECT_FALSE(TransferHandler::handles(dns::signRequest(update, xfrKey(), kNow).value().wire));
    EXPECT_FALSE(TransferHandler::handles(Bytes(axfr.begin(), axfr.begin() + 20)));
}

}  // namespace transfer_test
}  // namespace
