// The zone snapshot, the serial rule and the update service (the one write path).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"
#include "test_values.hpp"

namespace {
namespace server_zone_test {

using qdyn::IpAddress;
using qdyn::Result;
using namespace qdyn::server;
namespace dns = qdyn::dns;

using qdyn::test::ip;
using qdyn::test::name;

Config serverConfig() {
    Config config;
    config.zone.origin = name("dyn.example.test");
    config.zone.nameserver = name("ns1.dyn.example.test");
    config.zone.nameserverGlue = {ip("192.0.2.53")};
    config.zone.email = "hostmaster@example.test";
    config.accounts = {
        Account{"alice", "s3cret", {name("home.dyn.example.test"), name("a.b.dyn.example.test")}},
        Account{"bob", "pw", {name("bob.dyn.example.test")}},
    };
    return config;
}

HostUpdate v4(std::string_view address) { return HostUpdate{ip(address), std::nullopt, false, false, false}; }
HostUpdate v6(std::string_view address) { return HostUpdate{std::nullopt, ip(address), false, false, false}; }
HostUpdate both(std::string_view a, std::string_view aaaa) { return HostUpdate{ip(a), ip(aaaa), false, false, false}; }

std::vector<IpAddress> addresses(std::initializer_list<std::string_view> texts) {
    std::vector<IpAddress> out;
    for (const auto text : texts) out.push_back(ip(text));
    return out;
}

class UpdateServiceTest : public ::testing::Test {
protected:
    UpdateServiceTest()
        : m_config(serverConfig()),
          m_zone(buildInitialSnapshot(m_config, 1000).value()),
          m_service(m_config, m_zone, nullptr, [this] { return m_now; }) {}

    const Account& alice() const { return m_config.accounts[0]; }
    const Account& bob() const { return m_config.accounts[1]; }
    HostAddresses published(std::string_view host) const { return m_zone.snapshot()->addressesOf(name(host)); }

    Config m_config;
    Zone m_zone;
    std::uint32_t m_now = 1000;
    UpdateService m_service;
};

TEST(ZoneSnapshot, InitialSnapshotHasEveryConfiguredName) {
    auto built = buildInitialSnapshot(serverConfig(), 1234);
    ASSERT_TRUE(built) << built.message();
    const ZoneSnapshot& zone = **built;
    EXPECT_EQ(zone.soa.serial, 1234U);
    EXPECT_EQ(zone.soa.mname, name("ns1.dyn.example.test"));
    EXPECT_EQ(zone.soa.rname, name("hostmaster.example.test"));
    EXPECT_EQ(zone.soa.refresh, 600U);
    EXPECT_EQ(zone.soa.minimum, 600U);

    const auto* home = zone.find(name("HOME.dyn.example.test"));  // case-insensitive
    ASSERT_NE(home, nullptr);
    EXPECT_TRUE(home->rrsets.empty());
    EXPECT_TRUE(home->configured);
    EXPECT_NE(zone.find(name("a.b.dyn.example.test")), nullptr);
    const auto* ent = zone.find(name("b.dyn.example.test"));  // empty non-terminal
    ASSERT_NE(ent, nullptr);
    EXPECT_EQ(ent->children, 1U);
    EXPECT_FALSE(ent->configured);
    const auto* ns = zone.find(name("ns1.dyn.example.test"));
    ASSERT_NE(ns, nullptr);
    ASSERT_NE(ns->find(dns::rrtype::A), nullptr);
    EXPECT_FALSE(ns->find(dns::rrtype::A)->dynamic);
    EXPECT_EQ(zone.addressesOf(name("ns1.dyn.example.test")).v4, addresses({"192.0.2.53"}));
    EXPECT_NE(zone.find(name("dyn.example.test")), nullptr);  // the apex
    EXPECT_EQ(zone.find(name("nope.dyn.example.test")), nullptr);
    EXPECT_EQ(zone.nameCount(), 6U);  // apex, ns1, home, a.b, b, bob
}

TEST(ZoneSnapshot, OutOfZoneNameServerHasNoNameInTheZone) {
    auto config = serverConfig();
    config.zone.nameserver = name("ns.example.test");
    config.accounts.clear();
    auto built = buildInitialSnapshot(config, 1);
    ASSERT_TRUE(built) << built.message();
    EXPECT_EQ((*built)->nameCount(), 1U);  // the apex only
    EXPECT_EQ((*built)->nameservers, std::vector<dns::Name>{name("ns.example.test")});
}

TEST(ZoneSnapshot, RejectsHostsOutsideTheZone) {
    auto config = serverConfig();
    config.accounts = {Account{"x", "y", {name("home.other.test")}}};
    EXPECT_FALSE(buildInitialSnapshot(config, 1));
}

TEST(ZoneEditor, SharesUntouchedShardsAndRemovesEmptyNonTerminals) {
    auto config = serverConfig();
    const auto base = buildInitialSnapshot(config, 1).value();
    ZoneEditor editor(*base);
    Node& node = editor.edit(name("x.y.z.dyn.example.test"));
    node.rrsets.push_back(RRset{dns::rrtype::TXT, 60, true, {dns::TxtData{{"hello"}}}});
    editor.settle(name("x.y.z.dyn.example.test"));
    const auto grown = editor.finish(2);
    EXPECT_EQ(grown->nameCount(), base->nameCount() + 3);  // x.y.z plus the non-terminals y.z and z
    EXPECT_NE(grown->find(name("z.dyn.example.test")), nullptr);
    EXPECT_EQ(base->find(name("z.dyn.example.test")), nullptr);  // the old version is untouched
    EXPECT_EQ(grown->find(name("home.dyn.example.test")), base->find(name("home.dyn.example.test")));  // shared

    ZoneEditor shrink(*grown);
    shrink.edit(name("x.y.z.dyn.example.test")).rrsets.clear();
    shrink.settle(name("x.y.z.dyn.example.test"));
    const auto back = shrink.finish(3);
    EXPECT_EQ(back->nameCount(), base->nameCount());
    EXPECT_EQ(back->find(name("z.dyn.example.test")), nullptr);
    EXPECT_EQ(back->find(name("y.z.dyn.example.test")), nullptr);
}

// What makes an update cheap in a large zone: the next version copies one shard, of a few
// names, and shares every other one; neither the old version nor a later editor's base changes.
TEST(ZoneEditor, AnEditCopiesOneSmallShardEvenInALargeZone) {
    const auto base = buildInitialSnapshot(serverConfig(), 1).value();
    constexpr std::size_t kNames = 100000;
    ZoneEditor bulk(*base);
    bulk.reserve(kNames);
    for (std::size_t i = 0; i < kNames; ++i) {
        const auto loaded = bulk.load(name("n" + std::to_string(i) + ".dyn.example.test"));
        loaded.node.rrsets.push_back(RRset{dns::rrtype::A, 60, true, {qdyn::server::addressRData(ip("192.0.2.1"))}});
        bulk.admit(loaded);
    }
    const auto large = bulk.finish(2);
    ASSERT_EQ(large->nameCount(), base->nameCount() + kNames);

    const auto host = name("n4711.dyn.example.test");
    ZoneEditor editor(*large);
    editor.edit(host).rrsets.front().rdatas = {qdyn::server::addressRData(ip("192.0.2.2"))};
    editor.settle(host);
    const auto next = editor.finish(3);
    std::vector<std::size_t> copied;
    for (std::size_t index = 0; index < ZoneSnapshot::kShardCount; ++index) {
        if (&next->shard(index) != &large->shard(index)) copied.push_back(index);
    }
    ASSERT_EQ(copied.size(), 1U);
    EXPECT_LE(next->shard(copied.front()).size(), 10U);  // 1.5 names per shard on average
    EXPECT_EQ(large->addressesOf(host).v4, std::vector<IpAddress>{ip("192.0.2.1")});
    EXPECT_EQ(next->addressesOf(host).v4, std::vector<IpAddress>{ip("192.0.2.2")});

    // A second version from the published one copies again instead of writing into it.
    ZoneEditor again(*next);
    again.edit(host).rrsets.front().rdatas = {qdyn::server::addressRData(ip("192.0.2.3"))};
    again.settle(host);
    const auto third = again.finish(4);
    EXPECT_EQ(next->addressesOf(host).v4, std::vector<IpAddress>{ip("192.0.2.2")});
    EXPECT_EQ(third->addressesOf(host).v4, std::vector<IpAddress>{ip("192.0.2.3")});
}

TEST(ZoneSerial, FollowsTheClockAndNeverGoesBack) {
    EXPECT_EQ(nextSerial(1000, 2000), 2000U);  // time ahead: use it
    EXPECT_EQ(nextSerial(1000, 1000), 1001U);  // same second: +1
    EXPECT_EQ(nextSerial(5000, 1000), 5001U);  // clock behind (or many updates): +1
    EXPECT_EQ(nextSerial(0xFFFFFFFFU, 5), 5U);  // RFC 1982: 5 is after 2^32-1
    EXPECT_EQ(nextSerial(0xFFFFFFFFU, 0xFFFFFFFFU), 0U);
}

TEST_F(UpdateServiceTest, UpdatesBothFamiliesAndBumpsTheSerial) {
    const auto before = m_zone.snapshot();
    m_now = 1005;
    auto outcome = m_service.apply(alice(), name("home.dyn.example.test"), both("203.0.113.7", "2001:db8::7"));
    EXPECT_EQ(outcome.status, UpdateStatus::Updated);
    EXPECT_EQ(outcome.addresses.v4, addresses({"203.0.113.7"}));
    EXPECT_EQ(outcome.addresses.v6, addresses({"2001:db8::7"}));

    const auto after = m_zone.snapshot();
    EXPECT_NE(before.get(), after.get());
    EXPECT_EQ(after->soa.serial, 1005U);
    EXPECT_EQ(after->addressesOf(name("home.dyn.example.test")).v4, addresses({"203.0.113.7"}));
    // A reader holding the old snapshot still sees the old version.
    EXPECT_TRUE(before->addressesOf(name("home.dyn.example.test")).v4.empty());
}

TEST_F(UpdateServiceTest, SameAddressesAreUnchangedAndKeepTheSerial) {
    ASSERT_EQ(m_service.apply(alice(), name("home.dyn.example.test"), v4("203.0.113.7")).status,
              UpdateStatus::Updated);
    const auto serial = m_zone.snapshot()->soa.serial;
    const auto outcome = m_service.apply(alice(), name("Home.Dyn.Example.Test"), v4("203.0.113.7"));
    EXPECT_EQ(outcome.status, UpdateStatus::Unchanged);
    EXPECT_EQ(m_zone.snapshot()->soa.serial, serial);
}

// Clients that send one family per request (dyndns2's "separate" convention, QDNS, miniupdate)
// alternate A and AAAA: the same two addresses again must read as unchanged, in any order.
TEST_F(UpdateServiceTest, FamiliesSentOneAtATimeAreUnchangedTheSecondTime) {
    const auto host = name("home.dyn.example.test");
    ASSERT_EQ(m_service.apply(alice(), host, v4("203.0.113.7")).status, UpdateStatus::Updated);
    ASSERT_EQ(m_service.apply(alice(), host, v6("2001:db8::7")).status, UpdateStatus::Updated);
    const auto serial = m_zone.snapshot()->soa.serial;
    EXPECT_EQ(m_service.apply(alice(), host, v4("203.0.113.7")).status, UpdateStatus::Unchanged);
    EXPECT_EQ(m_service.apply(alice(), host, v6("2001:db8::7")).status, UpdateStatus::Unchanged);
    EXPECT_EQ(m_service.apply(alice(), host, v6("2001:db8::7")).status, UpdateStatus::Unchanged);
    EXPECT_EQ(m_service.apply(alice(), host, v4("203.0.113.7")).status, UpdateStatus::Unchanged);
    EXPECT_EQ(m_zone.snapshot()->soa.serial, serial);
}

TEST_F(UpdateServiceTest, AMissingFamilyIsLeftAsItIs) {
    (void)m_service.apply(alice(), name("home.dyn.example.test"), both("203.0.113.7", "2001:db8::7"));
    const auto outcome = m_service.apply(alice(), name("home.dyn.example.test"), v6("2001:db8::8"));
    EXPECT_EQ(outcome.status, UpdateStatus::Updated);
    EXPECT_EQ(outcome.addresses.v4, addresses({"203.0.113.7"}));
    EXPECT_EQ(outcome.addresses.v6, addresses({"2001:db8::8"}));
}

TEST_F(UpdateServiceTest, SerialIncreasesOnEveryChangeWithinOneSecond) {
    m_now = 2000;
    std::uint32_t last = m_zone.snapshot()->soa.serial;
    for (int i = 1; i <= 5; ++i) {
        const auto address = ip("198.51.100." + std::to_string(i));
        ASSERT_EQ(m_service.apply(alice(), name("home.dyn.example.test"), HostUpdate{address, std::nullopt, false, false, false}).status,
                  UpdateStatus::Updated);
        const auto serial = m_zone.snapshot()->soa.serial;
        EXPECT_GT(serial, last);
        last = serial;
    }
    EXPECT_EQ(last, 2004U);
    m_now = 10;  // the clock jumps back: the serial must not
    (void)m_service.apply(alice(), name("home.dyn.example.test"), v4("198.51.100.99"));
    EXPECT_EQ(m_zone.snapshot()->soa.serial, 2005U);
}

TEST_F(UpdateServiceTest, RefusesHostsNotGrantedOrOutsideTheZone) {
    const auto serial = m_zone.snapshot()->soa.serial;
    EXPECT_EQ(m_service.apply(bob(), name("home.dyn.example.test"), v4("192.0.2.1")).status,
              UpdateStatus::NotGranted);
    EXPECT_EQ(m_service.apply(alice(), name("other.dyn.example.test"), v4("192.0.2.1")).status,
              UpdateStatus::NotGranted);
    EXPECT_EQ(m_service.apply(alice(), name("home.example.test"), v4("192.0.2.1")).status,
              UpdateStatus::NotInZone);
    EXPECT_EQ(m_service.apply(alice(), name("dyn.example.test"), v4("192.0.2.1")).status,
              UpdateStatus::NotInZone);
    // A granted name that the zone does not know (account built in code) is not invented.
    Account rogue{"rogue", "x", {name("ghost.dyn.example.test")}};
    EXPECT_EQ(m_service.apply(rogue, name("ghost.dyn.example.test"), v4("192.0.2.1")).status,
              UpdateStatus::NotGranted);
    EXPECT_EQ(m_zone.snapshot()->soa.serial, serial);
    EXPECT_TRUE(published("home.dyn.example.test").v4.empty());
}

TEST_F(UpdateServiceTest, RejectsAddressesOfTheWrongFamily) {
    EXPECT_EQ(m_service.apply(alice(), name("home.dyn.example.test"), HostUpdate{ip("2001:db8::1"), std::nullopt, false, false, false}).status,
              UpdateStatus::BadAddress);
    EXPECT_EQ(m_service.apply(alice(), name("home.dyn.example.test"), HostUpdate{std::nullopt, ip("192.0.2.1"), false, false, false}).status,
              UpdateStatus::BadAddress);
}

TEST_F(UpdateServiceTest, ConcurrentWritersLoseNoUpdateWhileReadersRun) {
    constexpr int kWrites = 200;
    std::atomic<bool> done{false};
    std::atomic<std::uint64_t> reads{0};
    std::thread reader([&] {
        std::uint32_t lastSerial = 0;
        while (!done.load()) {
            const auto snapshot = m_zone.snapshot();
            EXPECT_GE(snapshot->soa.serial, lastSerial);  // readers never see the serial go back
            lastSerial = snapshot->soa.serial;
            reads.fetch_add(1);
        }
    });
    auto writer = [&](const Account& account, std::string_view host, std::string prefix) {
        for (int i = 0; i < kWrites; ++i) {
            const auto address = ip(prefix + std::to_string(i % 250));
            (void)m_service.apply(account, name(host), HostUpdate{address, std::nullopt, false, false, false});
        }
    };
    std::thread a(writer, std::cref(alice()), "home.dyn.example.test", "198.51.100.");
    std::thread b(writer, std::cref(bob()), "bob.dyn.example.test", "203.0.113.");
    a.join();
    b.join();
    done = true;
    reader.join();
    const auto last = m_zone.snapshot();
    // Both hosts carry their writer's final address: no update was lost to a racing copy.
    EXPECT_EQ(last->addressesOf(name("home.dyn.example.test")).v4,
              std::vector<IpAddress>{ip("198.51.100." + std::to_string((kWrites - 1) % 250))});
    EXPECT_EQ(last->addressesOf(name("bob.dyn.example.test")).v4,
              std::vector<IpAddress>{ip("203.0.113." + std::to_string((kWrites - 1) % 250))});
    EXPECT_EQ(last->soa.serial, 1000U + 2 * kWrites);
    EXPECT_GT(reads.load(), 0U);
}

TEST_F(UpdateServiceTest, ClearingAFamilyRemovesItsRecord) {
    (void)m_service.apply(alice(), name("home.dyn.example.test"), both("203.0.113.7", "2001:db8::7"));
    HostUpdate clear;
    clear.v4 = ip("203.0.113.7");
    clear.clearV6 = true;
    EXPECT_EQ(m_service.apply(alice(), name("home.dyn.example.test"), clear).status, UpdateStatus::Updated);
    EXPECT_EQ(published("home.dyn.example.test").v4, addresses({"203.0.113.7"}));
    EXPECT_TRUE(published("home.dyn.example.test").v6.empty());
    EXPECT_NE(m_zone.snapshot()->find(name("home.dyn.example.test")), nullptr);  // a configured host stays
}

TEST_F(UpdateServiceTest, OfflineWithholdsTheAddressesUntilTheNextUpdate) {
    (void)m_service.apply(alice(), name("home.dyn.example.test"), v4("203.0.113.7"));
    HostUpdate offline;
    offline.offline = true;
    EXPECT_EQ(m_service.apply(alice(), name("home.dyn.example.test"), offline).status, UpdateStatus::Updated);
    EXPECT_TRUE(published("home.dyn.example.test").v4.empty());
    EXPECT_EQ(m_service.apply(alice(), name("home.dyn.example.test"), offline).status, UpdateStatus::Unchanged);
    // Back online with the same address: served again.
    EXPECT_EQ(m_service.apply(alice(), name("home.dyn.example.test"), v4("203.0.113.7")).status, UpdateStatus::Updated);
    EXPECT_EQ(published("home.dyn.example.test").v4, addresses({"203.0.113.7"}));
}

TEST(UpdateService, AStaticFamilyCannotBeUpdatedButTheOtherCan) {
    auto config = serverConfig();
    config.records.push_back(StaticRecord{name("home.dyn.example.test"), dns::rrtype::AAAA, 300,
                                          addressRData(ip("2001:db8::1"))});
    Zone zone(buildInitialSnapshot(config, 1).value());
    UpdateService service(config, zone, nullptr, [] { return 5U; });
    EXPECT_EQ(service.apply(config.accounts[0], name("home.dyn.example.test"), v6("2001:db8::2")).status,
              UpdateStatus::StaticRecord);
    const auto outcome = service.apply(config.accounts[0], name("home.dyn.example.test"), v4("192.0.2.1"));
    EXPECT_EQ(outcome.status, UpdateStatus::Updated);
    EXPECT_EQ(outcome.addresses.v4, addresses({"192.0.2.1"}));
    EXPECT_EQ(outcome.addresses.v6, addresses({"2001:db8::1"}));

    // Clearing the static family (what nanodnsd's missing ipv6 parameter means) keeps it.
    const HostUpdate clearV6{ip("192.0.2.2"), std::nullopt, false, true, false};
    const auto cleared = service.apply(config.accounts[0], name("home.dyn.example.test"), clearV6);
    EXPECT_EQ(cleared.status, UpdateStatus::Updated);
    EXPECT_EQ(cleared.addresses.v4, addresses({"192.0.2.2"}));
    EXPECT_EQ(cleared.addresses.v6, addresses({"2001:db8::1"}));
}

TEST_F(UpdateServiceTest, DynamicRecordsExpireAndEachUpdateReArmsTheExpiry) {
    m_config.zone.hostExpire = 100;
    m_config.hosts.push_back(HostSettings{name("bob.dyn.example.test"), 30U, 0U});  // bob never expires
    m_now = 1000;
    (void)m_service.apply(alice(), name("home.dyn.example.test"), v4("203.0.113.7"));
    (void)m_service.apply(bob(), name("bob.dyn.example.test"), v4("203.0.113.8"));
    EXPECT_EQ(m_zone.snapshot()->find(name("bob.dyn.example.test"))->find(dns::rrtype::A)->ttl, 30U);
    m_now = 1090;
    EXPECT_EQ(m_service.expireDue(), 0U);
    EXPECT_EQ(m_service.apply(alice(), name("home.dyn.example.test"), v4("203.0.113.7")).status,
              UpdateStatus::Unchanged);  // unchanged, but the expiry moves to 1190
    m_now = 1150;
    EXPECT_EQ(m_service.expireDue(), 0U);
    EXPECT_EQ(published("home.dyn.example.test").v4, addresses({"203.0.113.7"}));
    const auto serial = m_zone.snapshot()->soa.serial;
    m_now = 1190;
    EXPECT_EQ(m_service.expireDue(), 1U);
    EXPECT_TRUE(published("home.dyn.example.test").v4.empty());
    EXPECT_NE(m_zone.snapshot()->find(name("home.dyn.example.test")), nullptr);  // the host itself stays
    EXPECT_GT(m_zone.snapshot()->soa.serial, serial);
    EXPECT_EQ(published("bob.dyn.example.test").v4, addresses({"203.0.113.8"}));
}

// A store that records what the update service queues.
class RecordingStore final : public Store {
public:
    Result<void> loadEach(const HeaderSink& begin, const NameSink&) override { return begin(StoredHeader{}); }
    Ticket enqueue(StoreWrite write) override {
        writes.push_back(std::move(write));
        return writes.size();
    }
    void whenDurable(Ticket, DurableCallback done) override { done(Result<void>{}); }
    Result<void> waitDurable(Ticket) override { return {}; }
    void close() override {}
    [[nodiscard]] StoreStats stats() const override { return {}; }
    std::vector<StoreWrite> writes;
};

TEST(UpdateService, QueuesTheDynamicStateOfEveryChangeAndRestoresIt) {
    const auto config = serverConfig();
    RecordingStore store;
    Zone zone(buildInitialSnapshot(config, 1).value());
    UpdateService service(config, zone, &store, [] { return 50U; });
    HostUpdate update = both("203.0.113.7", "2001:db8::7");
    const auto outcome = service.apply(config.accounts[0], name("home.dyn.example.test"), update);
    EXPECT_EQ(outcome.ticket, 1U);
    ASSERT_EQ(store.writes.size(), 1U);
    const StoreWrite& write = store.writes[0];
    EXPECT_EQ(write.serial, zone.snapshot()->soa.serial);
    ASSERT_EQ(write.upserts.size(), 1U);
    EXPECT_EQ(write.upserts[0].name, name("home.dyn.example.test"));
    EXPECT_EQ(write.upserts[0].rrsets.size(), 2U);
    EXPECT_EQ(write.upserts[0].expiresAt, 50U + 86400U);

    // A fresh server restores it, and its serial moves past the stored one.
    StoredZone stored;
    stored.exists = true;
    stored.serial = 2000000000U;  // ahead of the clock (60) in RFC 1982 terms
    stored.names = write.upserts;
    stored.names.push_back(StoredName{name("gone.dyn.example.test"), write.upserts[0].rrsets, false, 0});  // no grant
    Zone restoredZone(buildInitialSnapshot(config, 1).value());
    UpdateService restored(config, restoredZone, nullptr, [] { return 60U; });
    ASSERT_TRUE(restored.restore(stored));
    const auto snapshot = restoredZone.snapshot();
    EXPECT_EQ(snapshot->addressesOf(name("home.dyn.example.test")).v4, addresses({"203.0.113.7"}));
    EXPECT_EQ(snapshot->addressesOf(name("home.dyn.example.test")).v6, addresses({"2001:db8::7"}));
    EXPECT_EQ(snapshot->find(name("gone.dyn.example.test")), nullptr);
    EXPECT_EQ(snapshot->soa.serial, 2000000001U);
}

TEST(UpdateService, ReconfigureKeepsGrantedStateDropsTheRestAndRefusesAnotherOrigin) {
    const auto config = serverConfig();
    RecordingStore store;
    Zone zone(buildInitialSnapshot(config, 1).value());
    UpdateService service(config, zone, &store, [] { return 50U; });
    (void)service.apply(config.accounts[0], name("home.dyn.example.test"), v4("203.0.113.7"));
    (void)service.apply(config.accounts[1], name("bob.dyn.example.test"), v4("203.0.113.8"));
    const auto serial = zone.snapshot()->soa.serial;

    auto next = std::make_shared<Config>(config);
    next->accounts.pop_back();  // bob goes
    ASSERT_TRUE(service.reconfigure(next));
    EXPECT_EQ(zone.snapshot()->addressesOf(name("home.dyn.example.test")).v4, addresses({"203.0.113.7"}));
    EXPECT_EQ(zone.snapshot()->find(name("bob.dyn.example.test")), nullptr);
    EXPECT_GT(zone.snapshot()->soa.serial, serial);
    ASSERT_FALSE(store.writes.empty());
    EXPECT_EQ(store.writes.back().removals, std::vector<dns::Name>{name("bob.dyn.example.test")});

    auto moved = std::make_shared<Config>(config);
    moved->zone.origin = name("other.example.test");
    EXPECT_FALSE(service.reconfigure(moved));
    EXPECT_EQ(zone.snapshot()->origin, name("dyn.example.test"));
}

// A store that streams names the way the SQLite store does: one scratch StoredName for every
// row, handed over with std::move and refilled for the next.
class StreamingStore final : public Store {
public:
    explicit StreamingStore(std::vector<StoredName> names) : m_names(std::move(names)) {}
    Result<void> loadEach(const HeaderSink& begin, const NameSink& each) override {
        if (auto begun = begin(StoredHeader{true, 7, m_names.size()}); !begun) return begun;
        StoredName scratch;
        for (const auto& row : m_names) {
            scratch.name = row.name;
            scratch.rrsets.resize(row.rrsets.size());
            std::copy(row.rrsets.begin(), row.rrsets.end(), scratch.rrsets.begin());
            scratch.offline = row.offline;
            scratch.expiresAt = row.expiresAt;
            ++streamed;
            if (auto taken = each(std::move(scratch)); !taken) return taken;
        }
        return {};
    }
    Ticket enqueue(StoreWrite) override { return 0; }
    void whenDurable(Ticket, DurableCallback done) override { done(Result<void>{}); }
    Result<void> waitDurable(Ticket) override { return {}; }
    void close() override {}
    [[nodiscard]] StoreStats stats() const override { return {}; }
    std::size_t streamed = 0;

private:
    std::vector<StoredName> m_names;
};

std::vector<StoredName> streamedHosts(std::size_t count) {
    std::vector<StoredName> names;
    for (std::size_t i = 0; i < count; ++i) {
        const std::vector<std::uint8_t> a{198, 51, static_cast<std::uint8_t>(i >> 8U), static_cast<std::uint8_t>(i)};
        names.push_back(StoredName{name("n" + std::to_string(i) + ".home.dyn.example.test"),
                                   {StoredRRset{dns::rrtype::A, 60, {a}}}, i % 3 == 0, 0});
    }
    return names;
}

// The streamed restore carries names in batches (their shards fetched into the cache together):
// a zone large enough to load into every shard at once, with a last batch that is not full.
TEST(UpdateService, AStreamedRestoreCarriesEveryNameOfEveryBatch) {
    const auto config = serverConfig();
    constexpr std::size_t kNames = ZoneSnapshot::kShardCount + 21;
    StreamingStore store(streamedHosts(kNames));
    Zone zone(buildInitialSnapshot(config, 1).value());
    UpdateService service(config, zone, nullptr, [] { return 60U; });
    const auto restored = service.restore(store);
    ASSERT_TRUE(restored) << restored.message();
    EXPECT_EQ(*restored, kNames);
    const auto snapshot = zone.snapshot();
    const auto base = buildInitialSnapshot(config, 1).value();
    EXPECT_EQ(snapshot->nameCount(), base->nameCount() + kNames);
    for (const std::size_t i : {std::size_t{0}, std::size_t{15}, std::size_t{16}, kNames - 22, kNames - 1}) {
        const Node* node = snapshot->find(name("n" + std::to_string(i) + ".home.dyn.example.test"));
        ASSERT_NE(node, nullptr) << i;
        ASSERT_EQ(node->rrsets.size(), 1U) << i;
        EXPECT_EQ(node->rrsets[0].rdatas.size(), 1U) << i;
        EXPECT_EQ(node->offline, i % 3 == 0) << i;
    }
    const auto last = kNames - 1;
    EXPECT_EQ(snapshot->find(name("n" + std::to_string(last) + ".home.dyn.example.test"))->rrsets[0].rdatas[0],
              addressRData(IpAddress::fromV4({198, 51, static_cast<std::uint8_t>(last >> 8U), static_cast<std::uint8_t>(last)})));
}

// A bad record fails the restore wherever it sits: in a full batch (the store stops streaming
// there) or in the last one, carried after the store has finished.
TEST(UpdateService, AStreamedRestoreFailsOnABadRecordInAnyBatch) {
    const auto config = serverConfig();
    for (const std::size_t bad : {std::size_t{3}, std::size_t{36}}) {
        auto names = streamedHosts(37);
        names[bad].rrsets[0].rdatas[0] = {192, 0, 2};  // three bytes of an A record
        StreamingStore store(std::move(names));
        Zone zone(buildInitialSnapshot(config, 1).value());
        const auto before = zone.snapshot();
        UpdateService service(config, zone, nullptr, [] { return 60U; });
        const auto restored = service.restore(store);
        ASSERT_FALSE(restored) << bad;
        EXPECT_NE(restored.message().find("n" + std::to_string(bad) + ".home.dyn.example.test"), std::string::npos)
            << restored.message();
        EXPECT_EQ(store.streamed, bad < 16 ? 16U : 37U) << bad;
        EXPECT_EQ(zone.snapshot(), before) << "nothing of a failed restore is published";
    }
}

// The bulk restore (load/admit) must build exactly the zone the updates built one by one
// (edit/settle): the same nodes, children counts of empty non-terminals, and name count.
TEST(UpdateService, ARestoredZoneEqualsTheZoneTheUpdatesBuilt) {
    const auto config = serverConfig();
    Zone zone(buildInitialSnapshot(config, 1).value());
    UpdateService service(config, zone, nullptr, [] { return 50U; });
    (void)service.apply(config.accounts[0], name("home.dyn.example.test"), both("203.0.113.7", "2001:db8::7"));
    (void)service.apply(config.accounts[1], name("bob.dyn.example.test"), v4("203.0.113.8"));
    // Deep names below a host: x.home and y.x.home become empty non-terminals.
    service.commit([](ZoneTransaction& tx) {
        for (const char* owner : {"_acme-challenge.y.x.home.dyn.example.test", "_acme-challenge.home.dyn.example.test",
                                  "deep.a.b.dyn.example.test"}) {
            Node& node = tx.edit(name(owner));
            node.rrsets.push_back(RRset{dns::rrtype::TXT, 60, true, {dns::TxtData{{"token"}}}});
        }
        return true;
    });
    const auto built = zone.snapshot();
    StoredZone stored;
    stored.exists = true;
    stored.serial = built->soa.serial;
    built->forEach([&](const dns::Name& owner, const Node& node) {
        if (node.hasDynamicData()) stored.names.push_back(toStored(owner, node));
    });
    ASSERT_EQ(stored.names.size(), 5U);

    Zone restoredZone(buildInitialSnapshot(config, 1).value());
    UpdateService restored(config, restoredZone, nullptr, [] { return 60U; });
    ASSERT_TRUE(restored.restore(std::move(stored)));
    const auto again = restoredZone.snapshot();
    EXPECT_EQ(again->nameCount(), built->nameCount());
    std::size_t compared = 0;
    built->forEach([&](const dns::Name& owner, const Node& node) {
        const Node* other = again->find(owner);
        ASSERT_NE(other, nullptr) << owner.toString();
        EXPECT_EQ(*other, node) << owner.toString();
        ++compared;
    });
    EXPECT_EQ(compared, again->nameCount());
    const Node* ent = again->find(name("x.home.dyn.example.test"));
    ASSERT_NE(ent, nullptr);
    EXPECT_EQ(ent->children, 1U);
    EXPECT_TRUE(ent->rrsets.empty());
}

}  // namespace server_zone_test
}  // namespace
