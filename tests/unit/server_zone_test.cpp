// The zone snapshot, the serial rule and the update service (the one write path).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"
#include "test_values.hpp"

namespace {

using qdyn::IpAddress;
using namespace qdyn::server;
namespace dns = qdyn::dns;

using qdyn::test::ip;
using qdyn::test::name;

ZoneConfig zoneConfig() {
    ZoneConfig zone;
    zone.origin = name("dyn.example.test");
    zone.nameserver = name("ns1.dyn.example.test");
    zone.nameserverGlue = {ip("192.0.2.53")};
    zone.email = "hostmaster@example.test";
    return zone;
}

std::vector<Account> accounts() {
    return {
        Account{"alice", "s3cret", {name("home.dyn.example.test"), name("a.b.dyn.example.test")}},
        Account{"bob", "pw", {name("bob.dyn.example.test")}},
    };
}

class UpdateServiceTest : public ::testing::Test {
protected:
    UpdateServiceTest()
        : m_accounts(accounts()),
          m_zone(buildInitialSnapshot(zoneConfig(), m_accounts, 1000).value()),
          m_service(m_zone, [this] { return m_now; }) {}

    std::vector<Account> m_accounts;
    Zone m_zone;
    std::uint32_t m_now = 1000;
    UpdateService m_service;
};

TEST(ZoneSnapshot, InitialSnapshotHasEveryConfiguredName) {
    auto built = buildInitialSnapshot(zoneConfig(), accounts(), 1234);
    ASSERT_TRUE(built) << built.message();
    const ZoneSnapshot& zone = **built;
    EXPECT_EQ(zone.soa.serial, 1234U);
    EXPECT_EQ(zone.soa.mname, name("ns1.dyn.example.test"));
    EXPECT_EQ(zone.soa.rname, name("hostmaster.example.test"));
    EXPECT_EQ(zone.soa.refresh, 600U);
    EXPECT_EQ(zone.soa.minimum, 600U);

    const auto* home = zone.find(name("HOME.dyn.example.test"));  // case-insensitive
    ASSERT_NE(home, nullptr);
    EXPECT_FALSE(home->v4);
    EXPECT_FALSE(home->v6);
    EXPECT_NE(zone.find(name("a.b.dyn.example.test")), nullptr);
    EXPECT_NE(zone.find(name("b.dyn.example.test")), nullptr);  // empty non-terminal
    EXPECT_NE(zone.find(name("ns1.dyn.example.test")), nullptr);
    EXPECT_EQ(zone.nameserverGlue.size(), 1U);
    EXPECT_EQ(zone.find(name("dyn.example.test")), nullptr);  // the apex is not a host
    EXPECT_EQ(zone.find(name("nope.dyn.example.test")), nullptr);
    EXPECT_EQ(zone.names.size(), 5U);
}

TEST(ZoneSnapshot, OutOfZoneNameServerHasNoGlueOrName) {
    auto config = zoneConfig();
    config.nameserver = name("ns.example.test");
    auto built = buildInitialSnapshot(config, {}, 1);
    ASSERT_TRUE(built) << built.message();
    EXPECT_TRUE((*built)->nameserverGlue.empty());
    EXPECT_TRUE((*built)->names.empty());
}

TEST(ZoneSnapshot, RejectsHostsOutsideTheZone) {
    std::vector<Account> bad{Account{"x", "y", {name("home.other.test")}}};
    EXPECT_FALSE(buildInitialSnapshot(zoneConfig(), bad, 1));
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
    auto outcome = m_service.apply(m_accounts[0], name("home.dyn.example.test"), ip("203.0.113.7"), ip("2001:db8::7"));
    EXPECT_EQ(outcome.status, UpdateStatus::Updated);
    EXPECT_EQ(outcome.addresses.v4, ip("203.0.113.7"));
    EXPECT_EQ(outcome.addresses.v6, ip("2001:db8::7"));

    const auto after = m_zone.snapshot();
    EXPECT_NE(before.get(), after.get());
    EXPECT_EQ(after->soa.serial, 1005U);
    EXPECT_EQ(after->find(name("home.dyn.example.test"))->v4, ip("203.0.113.7"));
    // A reader holding the old snapshot still sees the old version.
    EXPECT_FALSE(before->find(name("home.dyn.example.test"))->v4);
}

TEST_F(UpdateServiceTest, SameAddressesAreUnchangedAndKeepTheSerial) {
    ASSERT_EQ(m_service.apply(m_accounts[0], name("home.dyn.example.test"), ip("203.0.113.7"), std::nullopt).status,
              UpdateStatus::Updated);
    const auto serial = m_zone.snapshot()->soa.serial;
    const auto outcome = m_service.apply(m_accounts[0], name("Home.Dyn.Example.Test"), ip("203.0.113.7"), std::nullopt);
    EXPECT_EQ(outcome.status, UpdateStatus::Unchanged);
    EXPECT_EQ(m_zone.snapshot()->soa.serial, serial);
}

TEST_F(UpdateServiceTest, AMissingFamilyIsLeftAsItIs) {
    (void)m_service.apply(m_accounts[0], name("home.dyn.example.test"), ip("203.0.113.7"), ip("2001:db8::7"));
    const auto outcome = m_service.apply(m_accounts[0], name("home.dyn.example.test"), std::nullopt, ip("2001:db8::8"));
    EXPECT_EQ(outcome.status, UpdateStatus::Updated);
    EXPECT_EQ(outcome.addresses.v4, ip("203.0.113.7"));
    EXPECT_EQ(outcome.addresses.v6, ip("2001:db8::8"));
}

TEST_F(UpdateServiceTest, SerialIncreasesOnEveryChangeWithinOneSecond) {
    m_now = 2000;
    std::uint32_t last = m_zone.snapshot()->soa.serial;
    for (int i = 1; i <= 5; ++i) {
        const auto address = ip("198.51.100." + std::to_string(i));
        ASSERT_EQ(m_service.apply(m_accounts[0], name("home.dyn.example.test"), address, std::nullopt).status,
                  UpdateStatus::Updated);
        const auto serial = m_zone.snapshot()->soa.serial;
        EXPECT_GT(serial, last);
        last = serial;
    }
    EXPECT_EQ(last, 2004U);
    m_now = 10;  // the clock jumps back: the serial must not
    (void)m_service.apply(m_accounts[0], name("home.dyn.example.test"), ip("198.51.100.99"), std::nullopt);
    EXPECT_EQ(m_zone.snapshot()->soa.serial, 2005U);
}

TEST_F(UpdateServiceTest, RefusesHostsNotGrantedOrOutsideTheZone) {
    const auto serial = m_zone.snapshot()->soa.serial;
    EXPECT_EQ(m_service.apply(m_accounts[1], name("home.dyn.example.test"), ip("192.0.2.1"), std::nullopt).status,
              UpdateStatus::NotGranted);
    EXPECT_EQ(m_service.apply(m_accounts[0], name("other.dyn.example.test"), ip("192.0.2.1"), std::nullopt).status,
              UpdateStatus::NotGranted);
    EXPECT_EQ(m_service.apply(m_accounts[0], name("home.example.test"), ip("192.0.2.1"), std::nullopt).status,
              UpdateStatus::NotInZone);
    EXPECT_EQ(m_service.apply(m_accounts[0], name("dyn.example.test"), ip("192.0.2.1"), std::nullopt).status,
              UpdateStatus::NotInZone);
    // A granted name that the zone does not know (account built in code) is not invented.
    Account rogue{"rogue", "x", {name("ghost.dyn.example.test")}};
    EXPECT_EQ(m_service.apply(rogue, name("ghost.dyn.example.test"), ip("192.0.2.1"), std::nullopt).status,
              UpdateStatus::NotGranted);
    EXPECT_EQ(m_zone.snapshot()->soa.serial, serial);
    EXPECT_FALSE(m_zone.snapshot()->find(name("home.dyn.example.test"))->v4);
}

TEST_F(UpdateServiceTest, RejectsAddressesOfTheWrongFamily) {
    EXPECT_EQ(m_service.apply(m_accounts[0], name("home.dyn.example.test"), ip("2001:db8::1"), std::nullopt).status,
              UpdateStatus::BadAddress);
    EXPECT_EQ(m_service.apply(m_accounts[0], name("home.dyn.example.test"), std::nullopt, ip("192.0.2.1")).status,
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
            (void)m_service.apply(account, name(host), address, std::nullopt);
        }
    };
    std::thread a(writer, std::cref(m_accounts[0]), "home.dyn.example.test", "198.51.100.");
    std::thread b(writer, std::cref(m_accounts[1]), "bob.dyn.example.test", "203.0.113.");
    a.join();
    b.join();
    done = true;
    reader.join();
    const auto last = m_zone.snapshot();
    // Both hosts carry their writer's final address: no update was lost to a racing copy.
    EXPECT_EQ(last->find(name("home.dyn.example.test"))->v4, ip("198.51.100." + std::to_string((kWrites - 1) % 250)));
    EXPECT_EQ(last->find(name("bob.dyn.example.test"))->v4, ip("203.0.113." + std::to_string((kWrites - 1) % 250)));
    EXPECT_EQ(last->soa.serial, 1000U + 2 * kWrites);
    EXPECT_GT(reads.load(), 0U);
}

}  // namespace
