// The answer cache: which queries it takes, that a hit is byte for byte what the responder
// makes (under the asking query's id and question case), and that a new zone version or a new
// configuration empties it.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "dns/answer_cache.hpp"
#include "qdyn/dns/message.hpp"
#include "qdyn_server/dns_responder.hpp"
#include "qdyn_server/zone.hpp"
#include "test_values.hpp"
#include "test_zone.hpp"

namespace {
namespace server_answer_cache_test {

using namespace qdyn::server;
namespace dns = qdyn::dns;
using Bytes = std::vector<std::uint8_t>;
using qdyn::test::ip;
using qdyn::test::name;

Bytes query(std::string_view qname, std::uint16_t id = 0x1234, std::optional<dns::RawData> opt = std::nullopt) {
    dns::Message message;
    message.header.id = id;
    message.header.rd = true;
    message.questions.push_back({name(qname), dns::rrtype::A, dns::rrclass::Internet});
    if (opt) message.additional.push_back({dns::Name(), dns::rrtype::OPT, 1232, 0, *opt});
    return dns::encodeMessage(message);
}

std::shared_ptr<const ZoneSnapshot> zoneWith(const char* address) {
    ZoneSnapshot zone;
    zone.origin = name("dyn.example.test");
    zone.nameservers = {name("ns1.dyn.example.test")};
    qdyn::test::putRRset(zone, name("home.dyn.example.test"), qdyn::test::addressRRset({ip(address)}));
    return std::make_shared<const ZoneSnapshot>(std::move(zone));
}

TEST(AnswerCacheTest, TakesPlainQueriesOnly) {
    EXPECT_TRUE(AnswerCache::cacheable(query("home.dyn.example.test")));
    EXPECT_TRUE(AnswerCache::cacheable(query("home.dyn.example.test", 1, dns::RawData{})));
    // A cookie (or any option) makes each answer different.
    EXPECT_FALSE(AnswerCache::cacheable(query("home.dyn.example.test", 1, dns::RawData{{0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8}})));
    Bytes twoQuestions = query("home.dyn.example.test");
    twoQuestions[5] = 2;
    EXPECT_FALSE(AnswerCache::cacheable(twoQuestions));
    Bytes response = query("home.dyn.example.test");
    response[2] |= 0x80U;
    EXPECT_FALSE(AnswerCache::cacheable(response));
    Bytes update = query("home.dyn.example.test");
    update[2] = static_cast<std::uint8_t>(5U << 3U);
    EXPECT_FALSE(AnswerCache::cacheable(update));
    Bytes trailing = query("home.dyn.example.test");
    trailing.push_back(0);
    EXPECT_FALSE(AnswerCache::cacheable(trailing));
    Bytes truncated = query("home.dyn.example.test");
    truncated.resize(truncated.size() - 1);
    EXPECT_FALSE(AnswerCache::cacheable(truncated));
    // A compression pointer in the question name.
    const Bytes pointer{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1};
    EXPECT_FALSE(AnswerCache::cacheable(pointer));
    EXPECT_FALSE(AnswerCache::cacheable(Bytes(11, 0)));
}

TEST(AnswerCacheTest, AHitIsTheResponderAnswerUnderTheNewId) {
    AnswerCache cache;
    const auto zone = zoneWith("203.0.113.7");
    const auto generation = std::make_shared<int>(1);
    const Bytes first = query("HoMe.dyn.example.test", 0x1111);
    EXPECT_TRUE(cache.find(first, zone, generation, DnsTransport::Udp).empty());
    cache.remember(first, respond(first, *zone), DnsTransport::Udp);

    const Bytes again = query("HoMe.dyn.example.test", 0x2222);
    const Bytes hit = cache.find(again, zone, generation, DnsTransport::Udp);
    EXPECT_EQ(hit, respond(again, *zone));
    EXPECT_EQ(cache.hits(), 1U);
    // Another case of the name is another key (the answer echoes the case asked).
    EXPECT_TRUE(cache.find(query("home.dyn.example.test"), zone, generation, DnsTransport::Udp).empty());
    // And TCP answers are kept apart (their size limit differs).
    EXPECT_TRUE(cache.find(again, zone, generation, DnsTransport::Tcp).empty());
}

TEST(AnswerCacheTest, ANewZoneVersionOrGenerationEmptiesIt) {
    AnswerCache cache;
    const auto before = zoneWith("203.0.113.7");
    const auto generation = std::make_shared<int>(1);
    const Bytes ask = query("home.dyn.example.test");
    static_cast<void>(cache.find(ask, before, generation, DnsTransport::Udp));
    cache.remember(ask, respond(ask, *before), DnsTransport::Udp);
    ASSERT_FALSE(cache.find(ask, before, generation, DnsTransport::Udp).empty());

    const auto after = zoneWith("203.0.113.8");
    EXPECT_TRUE(cache.find(ask, after, generation, DnsTransport::Udp).empty());
    EXPECT_EQ(cache.size(), 0U);
    cache.remember(ask, respond(ask, *after), DnsTransport::Udp);
    const auto answer = dns::decodeMessage(cache.find(ask, after, generation, DnsTransport::Udp)).value();
    ASSERT_EQ(answer.answers.size(), 1U);
    EXPECT_EQ(answer.answers[0].data, addressRData(ip("203.0.113.8")));

    const auto reloaded = std::make_shared<int>(2);
    EXPECT_TRUE(cache.find(ask, after, reloaded, DnsTransport::Udp).empty());
}

TEST(AnswerCacheTest, StartsOverWhenFull) {
    AnswerCache cache(2);
    const auto zone = zoneWith("203.0.113.7");
    const auto generation = std::make_shared<int>(1);
    static_cast<void>(cache.find(query("a.dyn.example.test"), zone, generation, DnsTransport::Udp));
    for (const char* owner : {"a.dyn.example.test", "b.dyn.example.test", "c.dyn.example.test"}) {
        cache.remember(query(owner), respond(query(owner), *zone), DnsTransport::Udp);
    }
    EXPECT_EQ(cache.size(), 1U);
    EXPECT_FALSE(cache.find(query("c.dyn.example.test"), zone, generation, DnsTransport::Udp).empty());
}

}  // namespace server_answer_cache_test
}  // namespace
