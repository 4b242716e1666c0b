// DNS UPDATE on the server (RFC 2136 with TSIG, RFC 8945): requests signed by core's client code
// go through DnsUpdateHandler against a real zone and update service; every reply to a verified
// request must verify with the client's verifyResponse.
#include <cstdint>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/update_handler.hpp"
#include "qdyn/dns/message.hpp"
#include "qdyn/dns/tsig.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/store.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"
#include "test_values.hpp"

namespace {
namespace server_update_handler_test {

using namespace qdyn::server;
namespace dns = qdyn::dns;
namespace rrtype = dns::rrtype;
namespace rrclass = dns::rrclass;
using dns::Rcode;
using qdyn::Result;
using qdyn::test::ip;
using qdyn::test::name;

constexpr std::uint16_t kSrv = 33;
constexpr std::uint16_t kCaa = 257;
constexpr std::uint16_t kPtr = 12;
constexpr std::uint16_t kAxfr = 252;
constexpr std::uint32_t kNow = 1700000000;
constexpr std::uint32_t kFirstSerial = 1000;
// Test keys, never used for anything real.
constexpr std::string_view kAliceSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";
constexpr std::string_view kBobSecret = "q0FjhK2pO1sXBw6r5yBjRk7a7qf0rW2c0c8z8mJYq6E=";

// alice: home (expiry 1h) and mixed (a static TXT); bob: office and sub.home, a host below
// alice's. Static records: TXT at mixed, A at fixed.home, CNAME www -> home.
const std::string kConfig = std::string(R"(
[zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["192.0.2.53"]
email = "hostmaster@example.test"
host_expire = "1d"

[[account]]
name = "alice"
password = "pw-a"
hosts = ["home", "mixed"]

[[account]]
name = "bob"
password = "pw-b"
hosts = ["office", "sub.home.dyn.example.test"]

[[host]]
name = "home"
expire = "1h"

[[record]]
name = "mixed"
type = "TXT"
value = "static text"

[[record]]
name = "fixed.home.dyn.example.test"
type = "A"
value = "192.0.2.99"

[[record]]
name = "www"
type = "CNAME"
value = "home"

[[tsig_key]]
name = "alice-key"
algorithm = "hmac-sha256"
secret = ")") + std::string(kAliceSecret) +
                            R"("
account = "alice"

[[tsig_key]]
name = "bob-key"
algorithm = "hmac-sha512"
secret = ")" + std::string(kBobSecret) +
                            R"("
account = "bob"
)";

// --- building requests ---

std::string fq(std::string_view owner) {
    return owner.empty() ? "dyn.example.test" : std::string(owner) + ".dyn.example.test";
}

dns::ResourceRecord record(std::string_view owner, std::uint16_t type, std::uint16_t klass, std::uint32_t ttl,
                           dns::RData data) {
    return {name(fq(owner)), type, klass, ttl, std::move(data)};
}
// Update RRs (RFC 2136 2.5).
dns::ResourceRecord add(std::string_view owner, std::uint16_t type, dns::RData data, std::uint32_t ttl = 300) {
    return record(owner, type, rrclass::Internet, ttl, std::move(data));
}
dns::ResourceRecord deleteRRset(std::string_view owner, std::uint16_t type) {
    return record(owner, type, rrclass::ANY, 0, dns::RawData{});
}
dns::ResourceRecord deleteName(std::string_view owner) {
    return deleteRRset(owner, rrtype::ANY);
}
dns::ResourceRecord deleteRR(std::string_view owner, std::uint16_t type, dns::RData data) {
    return record(owner, type, rrclass::NONE, 0, std::move(data));
}
// Prerequisites (RFC 2136 2.4).
dns::ResourceRecord inUse(std::string_view owner) {
    return record(owner, rrtype::ANY, rrclass::ANY, 0, dns::RawData{});
}
dns::ResourceRecord notInUse(std::string_view owner) {
    return record(owner, rrtype::ANY, rrclass::NONE, 0, dns::RawData{});
}
dns::ResourceRecord exists(std::string_view owner, std::uint16_t type) {
    return record(owner, type, rrclass::ANY, 0, dns::RawData{});
}
dns::ResourceRecord absent(std::string_view owner, std::uint16_t type) {
    return record(owner, type, rrclass::NONE, 0, dns::RawData{});
}
dns::ResourceRecord holds(std::string_view owner, std::uint16_t type, dns::RData data) {
    return record(owner, type, rrclass::Internet, 0, std::move(data));
}

dns::RData a(std::string_view text) {
    return addressRData(ip(text));
}
dns::RData txt(std::string_view text) {
    return dns::TxtData{{std::string(text)}};
}
dns::RData target(std::string_view text) {
    return dns::NameData{name(text)};
}

std::vector<std::uint8_t> wireOf(const dns::Name& n) {
    return {n.wire().begin(), n.wire().end()};
}

dns::RData srv(std::uint16_t priority, std::uint16_t weight, std::uint16_t port, std::string_view host) {
    std::vector<std::uint8_t> bytes;
    for (const std::uint16_t v : {priority, weight, port}) {
        bytes.push_back(static_cast<std::uint8_t>(v >> 8U));
        bytes.push_back(static_cast<std::uint8_t>(v & 0xFFU));
    }
    const auto targetWire = wireOf(name(host));
    bytes.insert(bytes.end(), targetWire.begin(), targetWire.end());
    return dns::RawData{bytes};
}

dns::RData caa(std::uint8_t flags, std::string_view tag, std::string_view value) {
    std::vector<std::uint8_t> bytes{flags, static_cast<std::uint8_t>(tag.size())};
    bytes.insert(bytes.end(), tag.begin(), tag.end());
    bytes.insert(bytes.end(), value.begin(), value.end());
    return dns::RawData{bytes};
}

dns::Message updateMessage(const std::vector<dns::ResourceRecord>& prerequisites,
                           const std::vector<dns::ResourceRecord>& updates, std::string_view zone = "dyn.example.test",
                           std::uint16_t zoneClass = rrclass::Internet) {
    dns::Message message;
    message.header.id = 0x4242;
    message.header.opcode = dns::Opcode::Update;
    message.questions = {dns::Question{name(zone), rrtype::SOA, zoneClass}};
    message.answers = prerequisites;
    message.authority = updates;
    return message;
}

dns::TsigKey aliceKey() {
    return dns::TsigKey::make("alice-key", dns::TsigAlgorithm::HmacSha256, kAliceSecret).value();
}
dns::TsigKey bobKey() {
    return dns::TsigKey::make("bob-key", dns::TsigAlgorithm::HmacSha512, kBobSecret).value();
}

// Records every write and makes each durable at once.
class RecordingStore final : public Store {
public:
    Result<void> loadEach(const HeaderSink& begin, const NameSink&) override { return begin(StoredHeader{}); }
    Ticket enqueue(StoreWrite write) override {
        writes.push_back(std::move(write));
        return writes.size();
    }
    void whenDurable(Ticket /*ticket*/, DurableCallback done) override { done(Result<void>{}); }
    Result<void> waitDurable(Ticket /*ticket*/) override { return {}; }
    void close() override {}
    [[nodiscard]] StoreStats stats() const override { return {}; }

    std::vector<StoreWrite> writes;
};

class DnsUpdateTest : public ::testing::Test {
protected:
    DnsUpdateTest()
        : m_config(Config::parse(kConfig, "test.toml").value()),
          m_zone(buildInitialSnapshot(m_config, kFirstSerial).value()),
          m_service(m_config, m_zone, &m_store, [this] { return m_now; }),
          m_handler(m_config, m_service, [this] { return m_tsigNow; }) {}

    struct Exchange {
        dns::SignedRequest request;
        DnsUpdateHandler::Reply reply;
        dns::Message message;  // the reply decoded
    };

    Exchange exchange(const dns::Message& message, const dns::TsigKey& key, std::uint64_t signedAt) {
        Exchange out;
        out.request = dns::signRequest(message, key, signedAt).value();
        out.reply = m_handler.handle(out.request.wire, ip("192.0.2.10"), DnsTransport::Udp);
        auto decoded = dns::decodeMessage(out.reply.wire);
        EXPECT_TRUE(decoded) << decoded.message();
        if (decoded) out.message = std::move(*decoded);
        return out;
    }

    // Signs and sends; checks that the reply is signed and verifies, and returns its RCODE.
    Rcode send(const dns::Message& message, const dns::TsigKey& key = aliceKey()) {
        m_last = exchange(message, key, m_tsigNow);
        const auto verified = dns::verifyResponse(m_last.reply.wire, m_last.request, key, m_tsigNow);
        EXPECT_EQ(verified.verdict, dns::TsigVerdict::Verified) << verified.detail;
        EXPECT_EQ(m_last.message.header.id, 0x4242);
        EXPECT_TRUE(m_last.message.header.qr);
        EXPECT_EQ(m_last.message.header.opcode, dns::Opcode::Update);
        return m_last.message.header.rcode;
    }
    Rcode send(const std::vector<dns::ResourceRecord>& prerequisites, const std::vector<dns::ResourceRecord>& updates,
               const dns::TsigKey& key = aliceKey()) {
        return send(updateMessage(prerequisites, updates), key);
    }
    Rcode update(const std::vector<dns::ResourceRecord>& updates, const dns::TsigKey& key = aliceKey()) {
        return send({}, updates, key);
    }

    [[nodiscard]] std::optional<Node> node(std::string_view owner) const {
        const auto snapshot = m_zone.snapshot();
        const Node* found = snapshot->find(name(fq(owner)));
        return found != nullptr ? std::optional<Node>(*found) : std::nullopt;
    }
    [[nodiscard]] std::optional<RRset> rrset(std::string_view owner, std::uint16_t type) const {
        const auto found = node(owner);
        if (!found) return std::nullopt;
        const RRset* set = found->find(type);
        return set != nullptr ? std::optional<RRset>(*set) : std::nullopt;
    }
    [[nodiscard]] std::vector<dns::RData> data(std::string_view owner, std::uint16_t type) const {
        const auto set = rrset(owner, type);
        return set ? std::vector<dns::RData>(set->rdatas.begin(), set->rdatas.end()) : std::vector<dns::RData>{};
    }
    // The host's A set and withheld, as dyndns2's offline=yes leaves it.
    void goOffline(std::string_view host, std::string_view address) {
        static_cast<void>(m_service.apply(m_config.accounts[0], name(fq(host)), {ip(address), {}, false, false, true}));
        ASSERT_TRUE(node(host)->offline);
        ASSERT_TRUE(rrset(host, rrtype::A));
    }
    [[nodiscard]] std::uint32_t serial() const { return m_zone.snapshot()->soa.serial; }

    Config m_config;
    Zone m_zone;
    RecordingStore m_store;
    std::uint32_t m_now = kNow;
    std::uint64_t m_tsigNow = kNow;
    UpdateService m_service;
    DnsUpdateHandler m_handler;
    Exchange m_last;
};

// ---------------------------------------------------------------------------------------------
// Adds (RFC 2136 3.4.2.2)

using DnsUpdateAdd = DnsUpdateTest;

TEST_F(DnsUpdateAdd, AddsAnAddressToOwnHostWithASignedReply) {
    ASSERT_EQ(update({add("home", rrtype::A, a("203.0.113.7"), 120)}), Rcode::NoError);
    EXPECT_EQ(data("home", rrtype::A), std::vector<dns::RData>{a("203.0.113.7")});
    EXPECT_EQ(rrset("home", rrtype::A)->ttl, 120U);
    EXPECT_TRUE(rrset("home", rrtype::A)->dynamic);
    EXPECT_GT(serial(), kFirstSerial);

    // 3.8: the zone section comes back, nothing else (bar the TSIG, which decodes as additional).
    ASSERT_EQ(m_last.message.questions.size(), 1U);
    EXPECT_EQ(m_last.message.questions[0].name, name("dyn.example.test"));
    EXPECT_EQ(m_last.message.questions[0].type, rrtype::SOA);
    EXPECT_TRUE(m_last.message.answers.empty());
    EXPECT_TRUE(m_last.message.authority.empty());
    ASSERT_EQ(m_last.message.additional.size(), 1U);
    EXPECT_EQ(m_last.message.additional[0].type, rrtype::TSIG);

    // The durable write carries the new state and its ticket is the reply's.
    ASSERT_EQ(m_store.writes.size(), 1U);
    EXPECT_EQ(m_last.reply.ticket, 1U);
    EXPECT_EQ(m_store.writes[0].serial, serial());
    ASSERT_EQ(m_store.writes[0].upserts.size(), 1U);
    EXPECT_EQ(m_store.writes[0].upserts[0].name, name("home.dyn.example.test"));
}

TEST_F(DnsUpdateAdd, AddsAnAcmeTxtBelowOwnHostThatExpiresWithTheHost) {
    ASSERT_EQ(update({add("_acme-challenge.home", rrtype::TXT, txt("token-123"), 30)}), Rcode::NoError);
    EXPECT_EQ(data("_acme-challenge.home", rrtype::TXT), std::vector<dns::RData>{txt("token-123")});
    // The expiry is the granting host's (home: 1h), armed from now.
    EXPECT_EQ(node("_acme-challenge.home")->expiresAt, kNow + 3600);

    m_now += 3601;
    EXPECT_EQ(m_service.expireDue(), 1U);
    EXPECT_FALSE(node("_acme-challenge.home"));  // the name went with its last RRset
}

TEST_F(DnsUpdateAdd, DuplicatesAreIgnoredAndTheLastTtlIsTheRRsets) {
    ASSERT_EQ(update({add("home", rrtype::A, a("192.0.2.1"), 60), add("home", rrtype::A, a("192.0.2.2"), 90),
                      add("home", rrtype::A, a("192.0.2.1"), 120)}),
              Rcode::NoError);
    EXPECT_EQ(data("home", rrtype::A), (std::vector<dns::RData>{a("192.0.2.1"), a("192.0.2.2")}));
    EXPECT_EQ(rrset("home", rrtype::A)->ttl, 120U);
}

TEST_F(DnsUpdateAdd, AddsMxSrvAndCaa) {
    ASSERT_EQ(update({add("home", rrtype::MX, dns::MxData{10, name("mail.example.test")}),
                      add("_xmpp._tcp.home", kSrv, srv(5, 10, 5222, "Chat.Example.Test")),
                      add("home", kCaa, caa(0, "issue", "letsencrypt.org"))}),
              Rcode::NoError);
    EXPECT_EQ(data("home", rrtype::MX).size(), 1U);
    EXPECT_EQ(data("_xmpp._tcp.home", kSrv), std::vector<dns::RData>{srv(5, 10, 5222, "Chat.Example.Test")});
    EXPECT_EQ(data("home", kCaa), std::vector<dns::RData>{caa(0, "issue", "letsencrypt.org")});

    // The SRV target compares case-insensitively: the same record again is a duplicate.
    const auto serialBefore = serial();
    ASSERT_EQ(update({add("_xmpp._tcp.home", kSrv, srv(5, 10, 5222, "chat.example.test"))}), Rcode::NoError);
    EXPECT_EQ(data("_xmpp._tcp.home", kSrv).size(), 1U);
    EXPECT_EQ(serial(), serialBefore);
}

TEST_F(DnsUpdateAdd, CnameRulesIgnoreConflictingAdds) {
    ASSERT_EQ(update({add("home", rrtype::A, a("192.0.2.1")), add("home", rrtype::CNAME, target("elsewhere.test"))}),
              Rcode::NoError);
    EXPECT_FALSE(rrset("home", rrtype::CNAME));  // a CNAME beside an A: ignored

    ASSERT_EQ(update({add("alias.home", rrtype::CNAME, target("one.test")),
                      add("alias.home", rrtype::TXT, txt("beside a CNAME"))}),
              Rcode::NoError);
    EXPECT_FALSE(rrset("alias.home", rrtype::TXT));  // other data at a CNAME: ignored

    ASSERT_EQ(update({add("alias.home", rrtype::CNAME, target("two.test"), 77)}), Rcode::NoError);
    EXPECT_EQ(data("alias.home", rrtype::CNAME), std::vector<dns::RData>{target("two.test")});  // replaced
    EXPECT_EQ(rrset("alias.home", rrtype::CNAME)->ttl, 77U);

    // In one message: delete the A, then the CNAME fits.
    ASSERT_EQ(update({deleteRRset("home", rrtype::A), add("home", rrtype::CNAME, target("elsewhere.test"))}),
              Rcode::NoError);
    EXPECT_EQ(data("home", rrtype::CNAME), std::vector<dns::RData>{target("elsewhere.test")});
}

TEST_F(DnsUpdateAdd, AnAddressBringsAnOfflineHostBack) {
    goOffline("home", "192.0.2.1");
    ASSERT_EQ(update({add("home", rrtype::AAAA, a("2001:db8::1"))}), Rcode::NoError);
    EXPECT_FALSE(node("home")->offline);
    EXPECT_EQ(m_zone.snapshot()->addressesOf(name("home.dyn.example.test")).v4.size(), 1U);
}

TEST_F(DnsUpdateAdd, TtlWithTheTopBitSetCountsAsZero) {
    ASSERT_EQ(update({add("home", rrtype::TXT, txt("x"), 0x80000000U)}), Rcode::NoError);
    EXPECT_EQ(rrset("home", rrtype::TXT)->ttl, 0U);
}

// ---------------------------------------------------------------------------------------------
// Deletes (3.4.2.3, 3.4.2.4)

using DnsUpdateDelete = DnsUpdateTest;

TEST_F(DnsUpdateDelete, DeletesAnRRset) {
    ASSERT_EQ(update({add("home", rrtype::A, a("192.0.2.1")), add("home", rrtype::TXT, txt("t"))}), Rcode::NoError);
    ASSERT_EQ(update({deleteRRset("home", rrtype::A)}), Rcode::NoError);
    EXPECT_FALSE(rrset("home", rrtype::A));
    EXPECT_TRUE(rrset("home", rrtype::TXT));
}

TEST_F(DnsUpdateDelete, DeletesEveryRRsetOfAName) {
    ASSERT_EQ(update({add("box.home", rrtype::A, a("192.0.2.1")), add("box.home", rrtype::TXT, txt("t"))}),
              Rcode::NoError);
    ASSERT_TRUE(node("box.home"));
    ASSERT_EQ(update({deleteName("box.home")}), Rcode::NoError);
    EXPECT_FALSE(node("box.home"));  // created by updates, gone with its data

    ASSERT_EQ(update({add("home", rrtype::A, a("192.0.2.1"))}), Rcode::NoError);
    ASSERT_EQ(update({deleteName("home")}), Rcode::NoError);
    ASSERT_TRUE(node("home"));  // a configured host stays, empty
    EXPECT_TRUE(node("home")->rrsets.empty());
    EXPECT_EQ(node("home")->expiresAt, 0U);
}

TEST_F(DnsUpdateDelete, DeletesSingleRecordsComparingNamesCaseInsensitively) {
    ASSERT_EQ(update({add("home", rrtype::A, a("192.0.2.1")), add("home", rrtype::A, a("192.0.2.2")),
                      add("home", rrtype::MX, dns::MxData{10, name("mail.example.test")})}),
              Rcode::NoError);
    ASSERT_EQ(update({deleteRR("home", rrtype::A, a("192.0.2.1")),
                      deleteRR("home", rrtype::MX, dns::MxData{10, name("MAIL.Example.TEST")})}),
              Rcode::NoError);
    EXPECT_EQ(data("home", rrtype::A), std::vector<dns::RData>{a("192.0.2.2")});
    EXPECT_FALSE(rrset("home", rrtype::MX));  // the last RR went, and the RRset with it
}

TEST_F(DnsUpdateDelete, DeletesOfAbsentDataChangeNothing) {
    const auto writes = m_store.writes.size();
    ASSERT_EQ(update({deleteRRset("home", rrtype::A), deleteName("nothing.home"),
                      deleteRR("home", rrtype::TXT, txt("never there"))}),
              Rcode::NoError);
    EXPECT_EQ(serial(), kFirstSerial);
    EXPECT_EQ(m_store.writes.size(), writes);  // nothing edited, nothing to store
    EXPECT_EQ(m_last.reply.ticket, 0U);
    EXPECT_FALSE(node("nothing.home"));
}

// ---------------------------------------------------------------------------------------------
// Prerequisites (3.2)

using DnsUpdatePrerequisite = DnsUpdateTest;

TEST_F(DnsUpdatePrerequisite, NameInUse) {
    EXPECT_EQ(send({inUse("home")}, {add("home", rrtype::TXT, txt("x"))}), Rcode::NxDomain);
    EXPECT_FALSE(rrset("home", rrtype::TXT));
    ASSERT_EQ(update({add("home", rrtype::A, a("192.0.2.1"))}), Rcode::NoError);
    EXPECT_EQ(send({inUse("home")}, {add("home", rrtype::TXT, txt("x"))}), Rcode::NoError);
    EXPECT_TRUE(rrset("home", rrtype::TXT));
    EXPECT_EQ(send({inUse("")}, {}), Rcode::NoError);          // the apex has its SOA and NS
    EXPECT_EQ(send({inUse("mixed")}, {}), Rcode::NoError);     // static data counts
    EXPECT_EQ(send({inUse("nowhere")}, {}), Rcode::NxDomain);  // no such name
}

TEST_F(DnsUpdatePrerequisite, NameNotInUse) {
    // A configured host without data and an empty non-terminal hold no RR: not in use.
    EXPECT_EQ(send({notInUse("home")}, {}), Rcode::NoError);
    EXPECT_EQ(send({notInUse("home")}, {add("home", rrtype::A, a("192.0.2.1"))}), Rcode::NoError);
    EXPECT_EQ(send({notInUse("home")}, {add("home", rrtype::A, a("192.0.2.2"))}), Rcode::YxDomain);
    EXPECT_EQ(data("home", rrtype::A), std::vector<dns::RData>{a("192.0.2.1")});
    ASSERT_EQ(update({add("x.y.home", rrtype::TXT, txt("deep"))}), Rcode::NoError);
    EXPECT_EQ(send({notInUse("y.home")}, {}), Rcode::NoError);  // empty non-terminal
    EXPECT_EQ(send({notInUse("www")}, {}), Rcode::YxDomain);    // a static CNAME
}

TEST_F(DnsUpdatePrerequisite, RRsetExistsValueIndependent) {
    EXPECT_EQ(send({exists("home", rrtype::A)}, {add("home", rrtype::TXT, txt("x"))}), Rcode::NxRrset);
    EXPECT_FALSE(rrset("home", rrtype::TXT));
    ASSERT_EQ(update({add("home", rrtype::A, a("192.0.2.1"))}), Rcode::NoError);
    EXPECT_EQ(send({exists("home", rrtype::A)}, {add("home", rrtype::TXT, txt("x"))}), Rcode::NoError);
    EXPECT_TRUE(rrset("home", rrtype::TXT));
    EXPECT_EQ(send({exists("", rrtype::SOA), exists("", rrtype::NS)}, {}), Rcode::NoError);
    EXPECT_EQ(send({exists("fixed.home", rrtype::A)}, {}), Rcode::NoError);  // static
}

TEST_F(DnsUpdatePrerequisite, RRsetDoesNotExist) {
    EXPECT_EQ(send({absent("home", rrtype::A)}, {add("home", rrtype::A, a("192.0.2.1"))}), Rcode::NoError);
    EXPECT_EQ(send({absent("home", rrtype::A)}, {add("home", rrtype::A, a("192.0.2.2"))}), Rcode::YxRrset);
    EXPECT_EQ(data("home", rrtype::A), std::vector<dns::RData>{a("192.0.2.1")});
    EXPECT_EQ(send({absent("", rrtype::SOA)}, {}), Rcode::YxRrset);
}

TEST_F(DnsUpdatePrerequisite, OfflineAddressesDoNotExist) {
    goOffline("home", "192.0.2.1");
    EXPECT_EQ(send({exists("home", rrtype::A)}, {}), Rcode::NxRrset);
    EXPECT_EQ(send({absent("home", rrtype::A)}, {}), Rcode::NoError);
    EXPECT_EQ(send({notInUse("home")}, {}), Rcode::NoError);
}

TEST_F(DnsUpdatePrerequisite, RRsetExistsValueDependentComparesWholeSets) {
    ASSERT_EQ(update({add("home", rrtype::A, a("192.0.2.1")), add("home", rrtype::A, a("192.0.2.2"))}), Rcode::NoError);
    const auto change = add("home", rrtype::TXT, txt("changed"));
    // Order, duplicates and letter case do not matter; TTL must be 0 in a prerequisite anyway.
    EXPECT_EQ(send({holds("home", rrtype::A, a("192.0.2.2")), holds("HOME", rrtype::A, a("192.0.2.1")),
                    holds("home", rrtype::A, a("192.0.2.2"))},
                   {change}),
              Rcode::NoError);
    EXPECT_TRUE(rrset("home", rrtype::TXT));
    EXPECT_EQ(send({holds("home", rrtype::A, a("192.0.2.1"))}, {}), Rcode::NxRrset);  // a subset
    EXPECT_EQ(send({holds("home", rrtype::A, a("192.0.2.1")), holds("home", rrtype::A, a("192.0.2.2")),
                    holds("home", rrtype::A, a("192.0.2.3"))},
                   {}),
              Rcode::NxRrset);                                                             // a superset
    EXPECT_EQ(send({holds("home", rrtype::AAAA, a("2001:db8::1"))}, {}), Rcode::NxRrset);  // no such RRset
    // Two RRsets at once, one of them generated (the apex NS).
    EXPECT_EQ(send({holds("", rrtype::NS, target("NS1.dyn.example.test")), holds("home", rrtype::A, a("192.0.2.1")),
                    holds("home", rrtype::A, a("192.0.2.2"))},
                   {}),
              Rcode::NoError);
    EXPECT_EQ(send({holds("www", rrtype::CNAME, target("home.dyn.example.test"))}, {}), Rcode::NoError);  // static
}

TEST_F(DnsUpdatePrerequisite, MayNameAnyNameInTheZone) {
    ASSERT_EQ(update({add("office", rrtype::A, a("192.0.2.7"))}, bobKey()), Rcode::NoError);
    // alice may not update office, but may make her update depend on it.
    EXPECT_EQ(send({exists("office", rrtype::A)}, {add("home", rrtype::A, a("192.0.2.1"))}), Rcode::NoError);
    EXPECT_TRUE(rrset("home", rrtype::A));
}

TEST_F(DnsUpdatePrerequisite, MalformedPrerequisites) {
    auto withTtl = exists("home", rrtype::A);
    withTtl.ttl = 1;
    EXPECT_EQ(send({withTtl}, {}), Rcode::FormErr);
    EXPECT_EQ(send({record("home", rrtype::A, rrclass::ANY, 0, a("192.0.2.1"))}, {}), Rcode::FormErr);  // RDATA
    EXPECT_EQ(send({record("home", rrtype::A, rrclass::NONE, 0, a("192.0.2.1"))}, {}), Rcode::FormErr);
    EXPECT_EQ(send({record("home", rrtype::A, rrclass::CH, 0, dns::RawData{})}, {}), Rcode::FormErr);
    auto outside = exists("home", rrtype::A);
    outside.name = name("home.example.org");
    EXPECT_EQ(send({outside}, {}), Rcode::NotZone);
}

// ---------------------------------------------------------------------------------------------
// All or nothing (3.4), and the serial

using DnsUpdateAtomicity = DnsUpdateTest;

TEST_F(DnsUpdateAtomicity, AFailingPrerequisiteLeavesZoneAndSerialUntouched) {
    const auto before = m_zone.snapshot();
    EXPECT_EQ(send({exists("home", rrtype::TXT)}, {add("home", rrtype::A, a("192.0.2.1"))}), Rcode::NxRrset);
    EXPECT_EQ(m_zone.snapshot(), before);  // not even a new version
    EXPECT_TRUE(m_store.writes.empty());
    EXPECT_EQ(m_last.reply.ticket, 0U);
}

TEST_F(DnsUpdateAtomicity, OneRefusedRecordRefusesTheWholeUpdate) {
    const auto before = m_zone.snapshot();
    EXPECT_EQ(update({add("home", rrtype::A, a("192.0.2.1")), add("office", rrtype::A, a("192.0.2.2"))}),
              Rcode::Refused);
    EXPECT_EQ(update({add("home", rrtype::A, a("192.0.2.1")), add("fixed.home", rrtype::A, a("192.0.2.3"))}),
              Rcode::Refused);  // a static RRset
    EXPECT_EQ(update({add("home", rrtype::A, a("192.0.2.1")), add("home", rrtype::NS, target("ns.example.test"))}),
              Rcode::Refused);
    EXPECT_EQ(update({add("home", rrtype::A, a("192.0.2.1")), add("home", kCaa, caa(0, "", "x"))}), Rcode::FormErr);
    EXPECT_EQ(m_zone.snapshot(), before);
    EXPECT_TRUE(m_store.writes.empty());
}

TEST_F(DnsUpdateAtomicity, SerialRisesOnAChangeAndNotOnANoOp) {
    ASSERT_EQ(update({add("home", rrtype::A, a("192.0.2.1"), 60)}), Rcode::NoError);
    const auto changed = serial();
    EXPECT_GT(changed, kFirstSerial);
    EXPECT_NE(m_last.reply.logLine.find("changed home.dyn.example.test."), std::string::npos) << m_last.reply.logLine;

    m_now += 100;
    ASSERT_EQ(update({add("home", rrtype::A, a("192.0.2.1"), 60)}), Rcode::NoError);  // already there
    EXPECT_EQ(serial(), changed);
    EXPECT_NE(m_last.reply.logLine.find("no change"), std::string::npos) << m_last.reply.logLine;
    EXPECT_EQ(node("home")->expiresAt, kNow + 100 + 3600);  // but the expiry was re-armed

    ASSERT_EQ(update({add("home", rrtype::A, a("192.0.2.1"), 61)}), Rcode::NoError);  // the TTL is served
    EXPECT_GT(serial(), changed);
}

// ---------------------------------------------------------------------------------------------
// Grants (3.3) and what qdyn-server accepts (3.4.1)

using DnsUpdateGrant = DnsUpdateTest;

TEST_F(DnsUpdateGrant, OwnHostsAndNamesBelowThem) {
    EXPECT_EQ(update({add("home", rrtype::A, a("192.0.2.1")), add("a.b.c.home", rrtype::TXT, txt("x")),
                      add("mixed", rrtype::A, a("192.0.2.2"))}),
              Rcode::NoError);
    EXPECT_EQ(update({add("office", rrtype::AAAA, a("2001:db8::7"))}, bobKey()), Rcode::NoError);
}

TEST_F(DnsUpdateGrant, OtherAccountsNamesAreRefused) {
    EXPECT_EQ(update({add("office", rrtype::A, a("192.0.2.1"))}), Rcode::Refused);
    EXPECT_EQ(update({add("below.office", rrtype::TXT, txt("x"))}), Rcode::Refused);
    // sub.home is bob's although it lies below alice's home: the deepest configured host owns it.
    EXPECT_EQ(update({add("sub.home", rrtype::A, a("192.0.2.1"))}), Rcode::Refused);
    EXPECT_EQ(update({add("x.sub.home", rrtype::TXT, txt("x"))}), Rcode::Refused);
    EXPECT_EQ(update({add("x.sub.home", rrtype::TXT, txt("x"))}, bobKey()), Rcode::NoError);
    EXPECT_EQ(update({add("home", rrtype::A, a("192.0.2.1"))}, bobKey()), Rcode::Refused);
    // Names no account holds, the apex included.
    EXPECT_EQ(update({add("elsewhere", rrtype::A, a("192.0.2.1"))}), Rcode::Refused);
    EXPECT_EQ(update({add("", rrtype::TXT, txt("apex"))}), Rcode::Refused);
    EXPECT_EQ(update({deleteName("www")}), Rcode::Refused);
    EXPECT_NE(m_last.reply.logLine.find("REFUSED"), std::string::npos);
}

TEST_F(DnsUpdateGrant, StaticRRsetsAreNeverChanged) {
    EXPECT_EQ(update({add("fixed.home", rrtype::A, a("192.0.2.99"))}), Rcode::Refused);  // even a duplicate
    EXPECT_EQ(update({deleteRRset("fixed.home", rrtype::A)}), Rcode::Refused);
    EXPECT_EQ(update({deleteRR("fixed.home", rrtype::A, a("192.0.2.99"))}), Rcode::Refused);
    EXPECT_EQ(update({deleteName("fixed.home")}), Rcode::Refused);
    EXPECT_EQ(update({deleteName("mixed")}), Rcode::Refused);  // a static TXT among dynamic data
    EXPECT_EQ(data("fixed.home", rrtype::A), std::vector<dns::RData>{a("192.0.2.99")});
    // Other types beside a static RRset are fine; a CNAME there is ignored (3.4.2.2).
    EXPECT_EQ(update({add("mixed", rrtype::A, a("192.0.2.5")), add("mixed", rrtype::CNAME, target("x.test"))}),
              Rcode::NoError);
    EXPECT_TRUE(rrset("mixed", rrtype::A));
    EXPECT_FALSE(rrset("mixed", rrtype::CNAME));
    EXPECT_EQ(update({deleteRRset("mixed", rrtype::A)}), Rcode::NoError);
}

TEST_F(DnsUpdateGrant, SoaNsAndUnsupportedTypesAreRefused) {
    const dns::SoaData soa{name("ns1.dyn.example.test"), name("hostmaster.example.test"), 1, 2, 3, 4, 5};
    EXPECT_EQ(update({add("home", rrtype::NS, target("ns.example.test"))}), Rcode::Refused);
    EXPECT_EQ(update({add("home", rrtype::SOA, soa)}), Rcode::Refused);
    EXPECT_EQ(update({deleteRRset("home", rrtype::NS)}), Rcode::Refused);
    EXPECT_EQ(update({deleteRR("home", rrtype::SOA, soa)}), Rcode::Refused);
    EXPECT_EQ(update({add("home", kPtr, dns::RawData{wireOf(name("x.test"))})}), Rcode::Refused);
    EXPECT_EQ(update({deleteRRset("home", kPtr)}), Rcode::Refused);
}

TEST_F(DnsUpdateGrant, MalformedUpdatesAreFormErr) {
    EXPECT_EQ(update({add("home", rrtype::ANY, dns::RawData{{1}})}), Rcode::FormErr);
    EXPECT_EQ(update({add("home", kAxfr, dns::RawData{{1}})}), Rcode::FormErr);
    EXPECT_EQ(update({add("home", rrtype::OPT, dns::RawData{{1}})}), Rcode::FormErr);
    EXPECT_EQ(update({add("home", rrtype::A, dns::RawData{})}), Rcode::FormErr);                     // RDLENGTH 0
    EXPECT_EQ(update({add("home", kSrv, dns::RawData{{0, 1, 0, 2, 0, 3}})}), Rcode::FormErr);        // no target
    EXPECT_EQ(update({add("home", kSrv, dns::RawData{{0, 1, 0, 2, 0, 3, 0, 0}})}), Rcode::FormErr);  // trailing
    EXPECT_EQ(update({add("home", kCaa, caa(0, "is-sue", "x"))}), Rcode::FormErr);
    EXPECT_EQ(update({add("home", kCaa, dns::RawData{{0, 9, 'i'}})}), Rcode::FormErr);
    EXPECT_EQ(update({record("home", rrtype::A, rrclass::CH, 0, a("192.0.2.1"))}), Rcode::FormErr);
    auto deleteWithTtl = deleteRRset("home", rrtype::A);
    deleteWithTtl.ttl = 5;
    EXPECT_EQ(update({deleteWithTtl}), Rcode::FormErr);
    EXPECT_EQ(update({record("home", rrtype::A, rrclass::ANY, 0, a("192.0.2.1"))}), Rcode::FormErr);
    auto removeWithTtl = deleteRR("home", rrtype::A, a("192.0.2.1"));
    removeWithTtl.ttl = 5;
    EXPECT_EQ(update({removeWithTtl}), Rcode::FormErr);
    EXPECT_EQ(update({deleteRR("home", rrtype::ANY, dns::RawData{})}), Rcode::FormErr);
    EXPECT_EQ(serial(), kFirstSerial);
}

TEST_F(DnsUpdateGrant, NamesOutsideTheZoneAreNotZone) {
    auto outside = add("home", rrtype::A, a("192.0.2.1"));
    outside.name = name("home.example.org");
    EXPECT_EQ(update({outside}), Rcode::NotZone);
}

TEST_F(DnsUpdateGrant, PrerequisitesAreCheckedBeforeTheUpdateSection) {
    // RFC 2136 3.2 before 3.3 and 3.4.1: the failed prerequisite wins over a refused update.
    EXPECT_EQ(send({exists("home", rrtype::A)}, {add("office", rrtype::A, a("192.0.2.1"))}), Rcode::NxRrset);
    EXPECT_EQ(send({exists("", rrtype::SOA)}, {add("office", rrtype::A, a("192.0.2.1"))}), Rcode::Refused);
}

// ---------------------------------------------------------------------------------------------
// TSIG (RFC 8945)

using DnsUpdateTsig = DnsUpdateTest;

TEST_F(DnsUpdateTsig, UnsignedUpdatesAreRefused) {
    const auto wire = dns::encodeMessage(updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))}));
    const auto reply = m_handler.handle(wire, ip("192.0.2.10"), DnsTransport::Udp);
    const auto decoded = dns::decodeMessage(reply.wire).value();
    EXPECT_EQ(decoded.header.rcode, Rcode::Refused);
    EXPECT_EQ(decoded.header.id, 0x4242);
    EXPECT_TRUE(decoded.additional.empty());  // no TSIG on an answer to an unsigned request
    EXPECT_FALSE(rrset("home", rrtype::A));
    EXPECT_NE(reply.logLine.find("unsigned"), std::string::npos);
}

TEST_F(DnsUpdateTsig, UnknownKeyGetsBadKey) {
    const auto stranger = dns::TsigKey::make("mallory-key", dns::TsigAlgorithm::HmacSha256, kAliceSecret).value();
    const auto out = exchange(updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))}), stranger, kNow);
    EXPECT_EQ(out.message.header.rcode, Rcode::NotAuth);
    EXPECT_EQ(dns::verifyResponse(out.reply.wire, out.request, stranger, kNow).verdict, dns::TsigVerdict::ServerBadKey);
    EXPECT_FALSE(rrset("home", rrtype::A));
}

TEST_F(DnsUpdateTsig, WrongSecretGetsBadSig) {
    const auto forged =
        dns::TsigKey::make("alice-key", dns::TsigAlgorithm::HmacSha256, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
            .value();
    const auto out = exchange(updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))}), forged, kNow);
    EXPECT_EQ(out.message.header.rcode, Rcode::NotAuth);
    EXPECT_EQ(dns::verifyResponse(out.reply.wire, out.request, forged, kNow).verdict, dns::TsigVerdict::ServerBadSig);
    EXPECT_FALSE(rrset("home", rrtype::A));
    // Another algorithm under a known name is BADKEY (RFC 8945 5.2.1).
    const auto sha1 = dns::TsigKey::make("alice-key", dns::TsigAlgorithm::HmacSha1, kAliceSecret).value();
    const auto wrongAlgorithm = exchange(updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))}), sha1, kNow);
    EXPECT_EQ(dns::verifyResponse(wrongAlgorithm.reply.wire, wrongAlgorithm.request, sha1, kNow).verdict,
              dns::TsigVerdict::ServerBadKey);
}

TEST_F(DnsUpdateTsig, SkewedClockGetsBadTime) {
    const std::uint64_t clientTime = kNow - 1000;  // beyond the 300 s fudge
    const auto out = exchange(updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))}), aliceKey(), clientTime);
    EXPECT_EQ(out.message.header.rcode, Rcode::NotAuth);
    const auto verified = dns::verifyResponse(out.reply.wire, out.request, aliceKey(), clientTime);
    EXPECT_EQ(verified.verdict, dns::TsigVerdict::ServerBadTime);
    EXPECT_EQ(verified.serverTime, kNow);
    EXPECT_FALSE(rrset("home", rrtype::A));
}

TEST_F(DnsUpdateTsig, TruncatedMacGetsBadTrunc) {
    const auto request =
        dns::signRequest(updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))}), aliceKey(), kNow).value();
    dns::Message message = request.message;
    auto& tsig = message.additional.back();
    auto rdata = dns::decodeTsigRData(std::get<dns::RawData>(tsig.data).bytes).value();
    rdata.mac.resize(16);  // a valid prefix of the real MAC
    tsig.data = dns::RawData{dns::encodeTsigRData(rdata)};
    const auto reply = m_handler.handle(dns::encodeMessage(message), ip("192.0.2.10"), DnsTransport::Tcp);
    const auto decoded = dns::decodeMessage(reply.wire).value();
    EXPECT_EQ(decoded.header.rcode, Rcode::NotAuth);
    ASSERT_FALSE(decoded.additional.empty());
    const auto replyTsig = dns::decodeTsigRData(std::get<dns::RawData>(decoded.additional.back().data).bytes).value();
    EXPECT_EQ(replyTsig.error, dns::tsigerror::BADTRUNC);
    EXPECT_FALSE(rrset("home", rrtype::A));
}

TEST_F(DnsUpdateTsig, MisplacedTsigIsFormErrUnsigned) {
    auto request =
        dns::signRequest(updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))}), aliceKey(), kNow).value();
    dns::Message message = request.message;
    message.additional.push_back({dns::Name(), rrtype::OPT, 1232, 0, dns::RawData{}});  // after the TSIG
    const auto reply = m_handler.handle(dns::encodeMessage(message), ip("192.0.2.10"), DnsTransport::Udp);
    const auto decoded = dns::decodeMessage(reply.wire).value();
    EXPECT_EQ(decoded.header.rcode, Rcode::FormErr);
    EXPECT_TRUE(decoded.additional.empty());
    EXPECT_FALSE(rrset("home", rrtype::A));
}

TEST_F(DnsUpdateTsig, TheLogLineNamesKeyAccountAndPeerButNoSecret) {
    ASSERT_EQ(update({add("home", rrtype::A, a("192.0.2.1"))}), Rcode::NoError);
    const auto& line = m_last.reply.logLine;
    EXPECT_NE(line.find("alice-key"), std::string::npos) << line;
    EXPECT_NE(line.find("account alice"), std::string::npos) << line;
    EXPECT_NE(line.find("192.0.2.10"), std::string::npos) << line;
    EXPECT_NE(line.find("NOERROR"), std::string::npos) << line;
    EXPECT_EQ(line.find(kAliceSecret), std::string::npos) << line;
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
}

// ---------------------------------------------------------------------------------------------
// The message (3.1, 3.8) and EDNS

using DnsUpdateMessage = DnsUpdateTest;

TEST_F(DnsUpdateMessage, AnotherZoneIsNotAuth) {
    EXPECT_EQ(send(updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))}, "example.test")), Rcode::NotAuth);
    EXPECT_EQ(send(updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))}, "home.dyn.example.test")),
              Rcode::NotAuth);
    EXPECT_EQ(send(updateMessage({}, {}, "dyn.example.test", rrclass::CH)), Rcode::NotAuth);
    EXPECT_EQ(m_last.message.questions.size(), 1U);  // the zone section is echoed
    EXPECT_FALSE(rrset("home", rrtype::A));
}

TEST_F(DnsUpdateMessage, BrokenZoneSectionsAreFormErr) {
    auto none = updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))});
    none.questions.clear();
    EXPECT_EQ(send(none), Rcode::FormErr);
    auto two = none;
    two.questions = {dns::Question{name("dyn.example.test"), rrtype::SOA, rrclass::Internet},
                     dns::Question{name("dyn.example.test"), rrtype::SOA, rrclass::Internet}};
    EXPECT_EQ(send(two), Rcode::FormErr);
    EXPECT_TRUE(m_last.message.questions.empty());  // not echoed
    auto typeA = none;
    typeA.questions = {dns::Question{name("dyn.example.test"), rrtype::A, rrclass::Internet}};
    EXPECT_EQ(send(typeA), Rcode::FormErr);
    EXPECT_FALSE(rrset("home", rrtype::A));
}

TEST_F(DnsUpdateMessage, UndecodableMessagesGetAHeaderOnlyFormErr) {
    auto wire = dns::encodeMessage(updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))}));
    wire.push_back(0);  // trailing garbage
    const auto reply = m_handler.handle(wire, ip("192.0.2.10"), DnsTransport::Udp);
    ASSERT_EQ(reply.wire.size(), 12U);
    const auto decoded = dns::decodeMessage(reply.wire).value();
    EXPECT_EQ(decoded.header.id, 0x4242);
    EXPECT_TRUE(decoded.header.qr);
    EXPECT_EQ(decoded.header.opcode, dns::Opcode::Update);
    EXPECT_EQ(decoded.header.rcode, Rcode::FormErr);
}

TEST_F(DnsUpdateMessage, ResponsesAndRuntsAreDropped) {
    auto response = updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))});
    response.header.qr = true;
    const auto signedResponse = dns::signRequest(response, aliceKey(), kNow).value();
    const auto reply = m_handler.handle(signedResponse.wire, ip("192.0.2.10"), DnsTransport::Udp);
    EXPECT_TRUE(reply.wire.empty());
    EXPECT_TRUE(reply.logLine.empty());
    const std::vector<std::uint8_t> runt{0x42, 0x42, 0x28};
    EXPECT_TRUE(m_handler.handle(runt, ip("192.0.2.10"), DnsTransport::Udp).wire.empty());
    EXPECT_FALSE(rrset("home", rrtype::A));
}

TEST_F(DnsUpdateMessage, TooManyRecordsAreRefusedUnread) {
    std::vector<dns::ResourceRecord> updates;
    for (std::size_t i = 0; i <= DnsUpdateHandler::kMaxRecords; ++i) {
        updates.push_back(add("home", rrtype::TXT, txt(std::to_string(i))));
    }
    EXPECT_EQ(update(updates), Rcode::Refused);
    EXPECT_FALSE(rrset("home", rrtype::TXT));
    updates.pop_back();
    EXPECT_EQ(update(updates), Rcode::NoError);  // exactly the limit is fine
    EXPECT_EQ(data("home", rrtype::TXT).size(), DnsUpdateHandler::kMaxRecords);
}

TEST_F(DnsUpdateMessage, EdnsRequestsGetOurOpt) {
    auto message = updateMessage({}, {add("home", rrtype::A, a("192.0.2.1"))});
    message.additional.push_back({dns::Name(), rrtype::OPT, 4096, 0, dns::RawData{}});
    EXPECT_EQ(send(message), Rcode::NoError);
    ASSERT_EQ(m_last.message.additional.size(), 2U);  // OPT, then the TSIG
    EXPECT_EQ(m_last.message.additional[0].type, rrtype::OPT);
    EXPECT_EQ(m_last.message.additional[0].klass, kMaxUdpPayload);

    message.additional.back().ttl = 1U << 16U;  // EDNS version 1
    message.authority = {add("home", rrtype::A, a("192.0.2.2"))};
    EXPECT_EQ(send(message), Rcode::NoError);
    ASSERT_EQ(m_last.message.additional.size(), 2U);
    EXPECT_EQ(m_last.message.additional[0].ttl >> 24U, 1U);  // BADVERS
    EXPECT_EQ(data("home", rrtype::A).size(), 1U);           // not applied
}

TEST_F(DnsUpdateMessage, OtherOpcodesAreNotImp) {
    auto message = updateMessage({}, {});
    message.header.opcode = dns::Opcode::Notify;
    const auto reply = m_handler.handle(dns::encodeMessage(message), ip("192.0.2.10"), DnsTransport::Udp);
    EXPECT_EQ(dns::decodeMessage(reply.wire).value().header.rcode, Rcode::NotImp);
}

}  // namespace server_update_handler_test
}  // namespace
