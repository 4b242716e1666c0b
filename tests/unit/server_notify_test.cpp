// The IXFR journal's bounds and gaps, and NOTIFY (RFC 1996): the message qdyn-server sends, the
// judgement of replies (signed and unsigned), and the sender against a fake secondary on
// loopback: acknowledgement, retry with backoff, coalescing of bursts, giving up.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "fake_secondary.hpp"
#include "qdyn/dns/tsig_server.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/zone.hpp"
#include "test_values.hpp"
#include "xfr/journal.hpp"
#include "xfr/notify_message.hpp"
#include "xfr/notify_sender.hpp"

namespace {
namespace server_notify_test {

using namespace qdyn::server;
namespace dns = qdyn::dns;
using qdyn::test::ip;
using qdyn::test::name;
using Bytes = std::vector<std::uint8_t>;
using qdyn::test::FakeSecondary;

constexpr std::uint64_t kNow = 1700000000;
constexpr const char* kSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";

dns::TsigKey key(const char* secret = kSecret) {
    return dns::TsigKey::make("xfr-key", dns::TsigAlgorithm::HmacSha256, secret).value();
}

std::shared_ptr<const ZoneChange> change(std::uint32_t from, std::uint32_t to, std::size_t records = 1,
                                         bool complete = true) {
    auto out = std::make_shared<ZoneChange>(ZoneChange{from, to, {}, {}, complete});
    for (std::size_t i = 0; i < records; ++i) {
        out->added.push_back(
            {name("h.dyn.example.test"), dns::rrtype::A, dns::rrclass::Internet, 60, addressRData(ip("192.0.2.1"))});
    }
    return out;
}

TEST(ZoneJournalTest, KeepsTheLastStepsAndFindsPathsThroughThem) {
    ZoneJournal journal(3);
    for (std::uint32_t serial = 1; serial <= 5; ++serial)
        journal.zoneChanged(change(serial, serial + 1));
    EXPECT_EQ(journal.size(), 3U);
    EXPECT_FALSE(journal.path(1, 6)) << "the first steps were dropped";
    EXPECT_FALSE(journal.path(2, 6));
    ASSERT_TRUE(journal.path(3, 6));
    EXPECT_EQ(journal.path(3, 6)->size(), 3U);
    EXPECT_EQ(journal.path(3, 5)->size(), 2U) << "a path stops where asked";
    EXPECT_EQ(journal.path(5, 6)->front()->oldSerial, 5U);
    EXPECT_FALSE(journal.path(4, 9)) << "a serial not reached yet";
}

TEST(ZoneJournalTest, TheRecordCapDropsOldStepsToo) {
    ZoneJournal journal(100, 10);
    for (std::uint32_t serial = 1; serial <= 4; ++serial)
        journal.zoneChanged(change(serial, serial + 1, 4));
    EXPECT_EQ(journal.size(), 2U);
    EXPECT_LE(journal.records(), 10U);
    ASSERT_TRUE(journal.path(3, 5));
}

TEST(ZoneJournalTest, AGapOrARebuiltZoneLeavesNoPathAcrossIt) {
    ZoneJournal journal(10);
    journal.zoneChanged(change(1, 2));
    journal.zoneChanged(change(7, 8));  // 2 -> 7 happened unseen
    EXPECT_EQ(journal.size(), 1U);
    EXPECT_FALSE(journal.path(1, 8));
    journal.zoneChanged(change(8, 9, 0, false));  // a reload: the records are unknown
    EXPECT_EQ(journal.size(), 0U);
    journal.zoneChanged(change(9, 10));
    EXPECT_TRUE(journal.path(9, 10));

    ZoneJournal off(0);
    off.zoneChanged(change(1, 2));
    EXPECT_EQ(off.size(), 0U);
}

dns::SoaData soa(std::uint32_t serial) {
    return {name("ns1.dyn.example.test"), name("hostmaster.example.test"), serial, 600, 300, 604800, 600};
}

dns::Message replyTo(const SentNotify& sent, dns::Rcode rcode = dns::Rcode::NoError) {
    dns::Message reply;
    reply.header.id = sent.id;
    reply.header.qr = true;
    reply.header.aa = true;
    reply.header.opcode = dns::Opcode::Notify;
    reply.header.rcode = rcode;
    reply.questions.push_back({sent.origin, dns::rrtype::SOA, dns::rrclass::Internet});
    return reply;
}

TEST(NotifyMessageTest, IsAnAuthoritativeNotifyForTheSoaCarryingTheSerial) {
    const auto sent = makeNotify(name("dyn.example.test"), soa(42), 0x4711, nullptr, kNow).value();
    const auto message = dns::decodeMessage(sent.wire).value();
    EXPECT_EQ(message.header.id, 0x4711);
    EXPECT_EQ(message.header.opcode, dns::Opcode::Notify);
    EXPECT_TRUE(message.header.aa);
    EXPECT_FALSE(message.header.qr);
    ASSERT_EQ(message.questions.size(), 1U);
    EXPECT_EQ(message.questions[0], (dns::Question{name("dyn.example.test"), dns::rrtype::SOA, dns::rrclass::Internet}));
    ASSERT_EQ(message.answers.size(), 1U);
    EXPECT_EQ(dns::soaOf(message.answers[0].data)->serial, 42U);
    EXPECT_TRUE(message.additional.empty());
    EXPECT_FALSE(sent.signedRequest);

    const auto k = key();
    const auto signedNotify = makeNotify(name("dyn.example.test"), soa(42), 0x4712, &k, kNow).value();
    dns::TsigKeyring ring;
    ASSERT_TRUE(ring.add(key()));
    EXPECT_EQ(dns::verifyRequest(signedNotify.wire, ring, kNow).verdict, dns::TsigRequestVerdict::Verified);
}

TEST(NotifyMessageTest, RepliesAreMatchedAndJudged) {
    const auto sent = makeNotify(name("dyn.example.test"), soa(42), 0x4711, nullptr, kNow).value();
    const auto judge = [&](const dns::Message& reply) {
        return checkNotifyReply(dns::encodeMessage(reply), sent, nullptr, kNow).verdict;
    };
    EXPECT_EQ(judge(replyTo(sent)), NotifyVerdict::Acknowledged);
    auto noQuestion = replyTo(sent);
    noQuestion.questions.clear();
    EXPECT_EQ(judge(noQuestion), NotifyVerdict::Acknowledged);
    EXPECT_EQ(judge(replyTo(sent, dns::Rcode::NotImp)), NotifyVerdict::Refused);
    auto otherId = replyTo(sent);
    otherId.header.id = 0x4712;
    EXPECT_EQ(judge(otherId), NotifyVerdict::NotOurs);
    auto query = replyTo(sent);
    query.header.opcode = dns::Opcode::Query;
    EXPECT_EQ(judge(query), NotifyVerdict::NotOurs);
    auto request = replyTo(sent);
    request.header.qr = false;
    EXPECT_EQ(judge(request), NotifyVerdict::NotOurs);
    auto otherZone = replyTo(sent);
    otherZone.questions[0].name = name("example.test");
    EXPECT_EQ(judge(otherZone), NotifyVerdict::NotOurs);
    EXPECT_EQ(checkNotifyReply(Bytes{0x47, 0x11, 0xA0}, sent, nullptr, kNow).verdict, NotifyVerdict::NotOurs);
}

TEST(NotifyMessageTest, ASignedNotifyNeedsASignedReply) {
    const auto k = key();
    const auto sent = makeNotify(name("dyn.example.test"), soa(42), 0x4711, &k, kNow).value();
    const auto signedReply = dns::signResponse(replyTo(sent), sent.signedRequest->mac, k, kNow).value();
    EXPECT_EQ(checkNotifyReply(signedReply, sent, &k, kNow).verdict, NotifyVerdict::Acknowledged);
    EXPECT_EQ(checkNotifyReply(dns::encodeMessage(replyTo(sent)), sent, &k, kNow).verdict, NotifyVerdict::BadSignature);
    const auto other = key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    const auto forged = dns::signResponse(replyTo(sent), sent.signedRequest->mac, other, kNow).value();
    EXPECT_EQ(checkNotifyReply(forged, sent, &k, kNow).verdict, NotifyVerdict::BadSignature);
    // The secondary did not know our key: NOTAUTH with BADKEY, unsigned (RFC 8945 5.3.2).
    dns::TsigKeyring empty;
    const auto badKey =
        dns::signServerResponse(replyTo(sent, dns::Rcode::NotAuth), dns::verifyRequest(sent.wire, empty, kNow), kNow)
            .value();
    EXPECT_EQ(checkNotifyReply(badKey, sent, &k, kNow).verdict, NotifyVerdict::Refused);
}

std::uint32_t serialIn(const dns::Message& notify) {
    return dns::soaOf(notify.answers.at(0).data)->serial;
}

class NotifySenderTest : public ::testing::Test {
protected:
    NotifySenderTest() : config(makeConfig()), zone(buildInitialSnapshot(config, 1000).value()) {}

    static Config makeConfig() {
        return Config::parse("[zone]\norigin = \"dyn.example.test\"\nnameserver = \"ns1.example.test\"\n", "n.toml")
            .value();
    }

    void start(NotifyOptions options, std::optional<dns::TsigKey> signWith = std::nullopt) {
        sender = std::make_shared<NotifySender>(io, zone, options, [] { return kNow; });
        std::vector<NotifyTarget> targets;
        targets.push_back({ip("127.0.0.1"), secondary.port(), std::move(signWith)});
        sender->setTargets(std::move(targets));
        thread = std::thread([this] { io.run(); });
    }
    ~NotifySenderTest() override {
        boost::asio::post(io, [this] { sender->stop(); });
        work.reset();
        if (thread.joinable()) thread.join();
    }

    void bumpSerial(std::uint32_t serial) {
        ZoneEditor editor(*zone.snapshot());
        zone.publish(editor.finish(serial));
    }

    template <typename Predicate>
    static bool eventually(Predicate predicate) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        while (!predicate()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return true;
    }

    Config config;
    Zone zone;
    FakeSecondary secondary;
    boost::asio::io_context io;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{io.get_executor()};
    std::shared_ptr<NotifySender> sender;
    std::thread thread;
};

TEST_F(NotifySenderTest, ANotifyIsResentUntilTheSecondaryAnswers) {
    start({std::chrono::milliseconds(50), 5});
    sender->notify();
    const auto first = secondary.receive();
    ASSERT_TRUE(first);
    EXPECT_EQ(serialIn(*first), 1000U);
    const auto start = std::chrono::steady_clock::now();
    const auto second = secondary.receive();  // the first went unanswered
    ASSERT_TRUE(second);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(40));
    EXPECT_EQ(second->header.id, first->header.id) << "a resend is the same NOTIFY";
    secondary.answer(*second);
    EXPECT_TRUE(eventually([&] { return sender->acknowledged() == 1; }));
    EXPECT_FALSE(secondary.receive(200)) << "nothing more once acknowledged";
}

TEST_F(NotifySenderTest, ABurstOfChangesCostsOneNotifyPerRoundTrip) {
    start({std::chrono::milliseconds(2000), 5});
    sender->notify();
    const auto first = secondary.receive();
    ASSERT_TRUE(first);
    for (std::uint32_t serial = 1001; serial <= 1020; ++serial) {
        bumpSerial(serial);
        sender->notify();
    }
    EXPECT_FALSE(secondary.receive(100)) << "one NOTIFY in flight at a time";
    secondary.answer(*first);
    const auto latest = secondary.receive();
    ASSERT_TRUE(latest);
    EXPECT_EQ(serialIn(*latest), 1020U) << "the newest serial supersedes the ones in between";
    secondary.answer(*latest);
    EXPECT_TRUE(eventually([&] { return sender->acknowledged() == 2; }));
    EXPECT_FALSE(secondary.receive(100));
}

TEST_F(NotifySenderTest, ANotifyLostToAClosedPortIsSupersededAtTheNextChange) {
    secondary.close();  // the secondary is down when the first NOTIFY goes out
    start({std::chrono::milliseconds(5000), 5});
    sender->notify();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // ICMP port unreachable comes back
    secondary.open(secondary.port());
    bumpSerial(1001);
    sender->notify();
    const auto notify = secondary.receive(1000);  // long before the 5 s retry
    ASSERT_TRUE(notify);
    EXPECT_EQ(serialIn(*notify), 1001U);
    secondary.answer(*notify);
    EXPECT_TRUE(eventually([&] { return sender->acknowledged() == 1; }));
}

TEST_F(NotifySenderTest, GivesUpAfterTheLastAttempt) {
    start({std::chrono::milliseconds(20), 3});
    sender->notify();
    int received = 0;
    while (secondary.receive(500))
        ++received;
    EXPECT_EQ(received, 3);
    EXPECT_TRUE(eventually([&] { return sender->givenUp() == 1; }));
    EXPECT_EQ(sender->acknowledged(), 0U);
}

TEST_F(NotifySenderTest, ASignedNotifyVerifiesAndNeedsASignedAnswer) {
    start({std::chrono::milliseconds(100), 5}, key());
    sender->notify();
    const auto notify = secondary.receive();
    ASSERT_TRUE(notify);
    dns::TsigKeyring ring;
    ASSERT_TRUE(ring.add(key()));
    const auto check = dns::verifyRequest(secondary.lastWire(), ring, kNow);
    ASSERT_EQ(check.verdict, dns::TsigRequestVerdict::Verified) << check.detail;
    secondary.answer(check.message);  // unsigned: ignored, the NOTIFY is resent
    ASSERT_TRUE(secondary.receive());
    EXPECT_EQ(sender->acknowledged(), 0U);

    const auto resent = dns::verifyRequest(secondary.lastWire(), ring, kNow);
    ASSERT_EQ(resent.verdict, dns::TsigRequestVerdict::Verified);
    dns::Message reply = resent.message;
    reply.header.qr = true;
    reply.answers.clear();
    secondary.answerWire(dns::signServerResponse(reply, resent, kNow).value());
    EXPECT_TRUE(eventually([&] { return sender->acknowledged() == 1; }));
}

}  // namespace server_notify_test
}  // namespace
