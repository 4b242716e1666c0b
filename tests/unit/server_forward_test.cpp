// Forward mode: the UPDATE that carries an RRset's state, the RRsets a change touches, the
// [forward] section, and the Forwarder against a real primary on loopback (an in-process
// qdyn-server taking TSIG-signed RFC 2136): each change arrives, offline and expiry withdraw
// addresses, a primary that is down or refuses is retried until it accepts, and the resync at
// start-up repairs what the primary missed. BIND as the primary: tests/interop/forward_test.cpp.
#include <chrono>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <thread>

#include "demo_server_config.hpp"
#include "accounts/authenticator.hpp"
#include "accounts/credential_cache.hpp"
#include "accounts/login_throttle.hpp"
#include "forward/forward_update.hpp"
#include "forward/forwarder.hpp"
#include "peer_programs.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/dyndns2_handler.hpp"
#include "qdyn_server/server.hpp"
#include "qdyn_server/update_service.hpp"
#include "test_values.hpp"
#include "test_zone.hpp"

namespace {
namespace server_forward_test {

using namespace qdyn::server;
namespace dns = qdyn::dns;
using qdyn::test::ip;
using qdyn::test::name;

constexpr const char* kForwardSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";
constexpr const char* kWrongSecret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

// --- the message ---

TEST(ForwardUpdateTest, EachRRsetIsDeletedThenGivenWhatIsServed) {
    ZoneSnapshot zone;
    zone.origin = name("dyn.example.test");
    qdyn::test::putRRset(zone, name("home.dyn.example.test"), qdyn::test::addressRRset({ip("192.0.2.1"), ip("192.0.2.2")}, 120));
    const std::vector<RRsetKey> keys{{name("home.dyn.example.test"), dns::rrtype::A},
                                     {name("home.dyn.example.test"), dns::rrtype::AAAA},
                                     {name("gone.dyn.example.test"), dns::rrtype::TXT},
                                     {name("dyn.example.test"), dns::rrtype::SOA},
                                     {name("dyn.example.test"), dns::rrtype::NS}};
    const auto message = buildForwardUpdate(name("example.test"), keys, zone, 4711);
    EXPECT_EQ(message.header.id, 4711);
    EXPECT_EQ(message.header.opcode, dns::Opcode::Update);
    ASSERT_EQ(message.questions.size(), 1U);
    EXPECT_EQ(message.questions[0].name, name("example.test"));
    EXPECT_EQ(message.questions[0].type, dns::rrtype::SOA);
    const auto& update = message.authority;
    ASSERT_EQ(update.size(), 5U);  // A: delete + 2 adds; AAAA: delete; TXT: delete; no SOA/NS
    EXPECT_EQ(update[0], (dns::ResourceRecord{name("home.dyn.example.test"), dns::rrtype::A, dns::rrclass::ANY, 0, dns::RawData{}}));
    EXPECT_EQ(update[1], (dns::ResourceRecord{name("home.dyn.example.test"), dns::rrtype::A, dns::rrclass::Internet, 120,
                                              addressRData(ip("192.0.2.1"))}));
    EXPECT_EQ(update[2].data, addressRData(ip("192.0.2.2")));
    EXPECT_EQ(update[3], (dns::ResourceRecord{name("home.dyn.example.test"), dns::rrtype::AAAA, dns::rrclass::ANY, 0, dns::RawData{}}));
    EXPECT_EQ(update[4], (dns::ResourceRecord{name("gone.dyn.example.test"), dns::rrtype::TXT, dns::rrclass::ANY, 0, dns::RawData{}}));
}

TEST(ForwardUpdateTest, AnOfflineHostsAddressesAreDeletedOnly) {
    ZoneSnapshot zone;
    qdyn::test::putRRset(zone, name("home.dyn.example.test"), qdyn::test::addressRRset({ip("192.0.2.1")}));
    ZoneEditor editor(zone);
    editor.edit(name("home.dyn.example.test")).offline = true;
    editor.settle(name("home.dyn.example.test"));
    const auto offline = editor.finish(1);
    const std::vector<RRsetKey> keys{{name("home.dyn.example.test"), dns::rrtype::A}};
    const auto message = buildForwardUpdate(name("dyn.example.test"), keys, *offline, 1);
    ASSERT_EQ(message.authority.size(), 1U);
    EXPECT_EQ(message.authority[0].klass, dns::rrclass::ANY);
}

TEST(ForwardUpdateTest, AChangeNamesEachTouchedRRsetOnce) {
    ZoneChange change;
    const auto a = [](const char* owner, const char* address) {
        return dns::ResourceRecord{name(owner), dns::rrtype::A, dns::rrclass::Internet, 60, addressRData(ip(address))};
    };
    change.removed = {a("home.dyn.example.test", "192.0.2.1"), a("nas.dyn.example.test", "192.0.2.9")};
    change.added = {a("home.dyn.example.test", "192.0.2.2"), a("home.dyn.example.test", "192.0.2.3"),
                    dns::ResourceRecord{name("dyn.example.test"), dns::rrtype::SOA, dns::rrclass::Internet, 60, dns::SoaData{}}};
    const auto keys = touchedRRsets(change);
    ASSERT_EQ(keys.size(), 2U);
    EXPECT_EQ(keys[0], (RRsetKey{name("home.dyn.example.test"), dns::rrtype::A}));
    EXPECT_EQ(keys[1], (RRsetKey{name("nas.dyn.example.test"), dns::rrtype::A}));

    ZoneChange rebuilt;
    rebuilt.complete = false;
    rebuilt.dynamicBefore = {{name("office.dyn.example.test"), dns::rrtype::AAAA}};
    EXPECT_EQ(touchedRRsets(rebuilt), rebuilt.dynamicBefore);
}

TEST(ForwardUpdateTest, AResyncCoversDynamicRRsetsAndEveryHostsAddresses) {
    ZoneSnapshot zone;
    qdyn::test::putRRset(zone, name("home.dyn.example.test"), qdyn::test::addressRRset({ip("192.0.2.1")}));
    qdyn::test::putRRset(zone, name("_acme-challenge.home.dyn.example.test"),
                         RRset{dns::rrtype::TXT, 60, true, {dns::TxtData{{"token"}}}});
    qdyn::test::putRRset(zone, name("www.dyn.example.test"), RRset{dns::rrtype::TXT, 60, false, {dns::TxtData{{"static"}}}});
    const auto keys = resyncRRsets(zone, {name("home.dyn.example.test"), name("nas.dyn.example.test")});
    const std::vector<RRsetKey> expected{{name("_acme-challenge.home.dyn.example.test"), dns::rrtype::TXT},
                                         {name("home.dyn.example.test"), dns::rrtype::A},
                                         {name("home.dyn.example.test"), dns::rrtype::AAAA},
                                         {name("nas.dyn.example.test"), dns::rrtype::A},
                                         {name("nas.dyn.example.test"), dns::rrtype::AAAA}};
    EXPECT_EQ(keys.size(), expected.size());
    for (const auto& key : expected) EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end()) << key.name.toString();
}

// --- [forward] ---

const std::string kConfigBase = R"([zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"

[[account]]
name = "alice"
password = "s3cret"
hosts = ["home"]

[[tsig_key]]
name = "fwd-key"
secret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE="
)";

std::string errorOf(const std::string& text) {
    auto parsed = Config::parse(text, "server.toml");
    return parsed ? std::string("(accepted)") : parsed.message();
}

TEST(ForwardConfigTest, ReadsTheSectionWithItsDefaults) {
    auto config = Config::parse(kConfigBase + "\n[forward]\nserver = \"[2001:db8::53]:5353\"\ntsig_key = \"fwd-key\"\n",
                                "server.toml");
    ASSERT_TRUE(config) << config.message();
    ASSERT_TRUE(config->forward);
    EXPECT_EQ(config->forward->server.address, ip("2001:db8::53"));
    EXPECT_EQ(config->forward->server.port, 5353);
    EXPECT_EQ(config->forward->zone, name("dyn.example.test"));
    EXPECT_EQ(config->forward->tsigKey, name("fwd-key"));
    EXPECT_EQ(config->forward->timeoutMs, 2000U);
    EXPECT_EQ(config->forward->retryMax, 300U);
    EXPECT_TRUE(config->forward->resyncOnStart);

    auto full = Config::parse(kConfigBase + "\n[forward]\nserver = \"192.0.2.53\"\nzone = \"example.test\"\n"
                                            "tsig_key = \"fwd-key\"\ntimeout_ms = 500\nretry_max = \"10m\"\nresync_on_start = false\n",
                              "server.toml");
    ASSERT_TRUE(full) << full.message();
    EXPECT_EQ(full->forward->server.port, 53);
    EXPECT_EQ(full->forward->zone, name("example.test"));
    EXPECT_EQ(full->forward->timeoutMs, 500U);
    EXPECT_EQ(full->forward->retryMax, 600U);
    EXPECT_FALSE(full->forward->resyncOnStart);
    // The key signs forwarded updates only: it needs no account.
    EXPECT_TRUE(full->tsigKeys.front().account.empty());
}

TEST(ForwardConfigTest, RefusesWhatCannotWork) {
    const std::string forward = kConfigBase + "\n[forward]\n";
    EXPECT_EQ(errorOf(forward + "tsig_key = \"fwd-key\"\n"),
              "server.toml:14: [forward] needs server (the primary's address, e.g. \"192.0.2.53\" or \"[2001:db8::53]:5353\")");
    EXPECT_EQ(errorOf(forward + "server = \"192.0.2.53\"\n"), "server.toml:14: [forward] needs tsig_key (a [[tsig_key]] the primary accepts)");
    EXPECT_EQ(errorOf(forward + "server = \"primary.example\"\ntsig_key = \"fwd-key\"\n"),
              "server.toml:15: server \"primary.example\" must be an IP address (names are not resolved)");
    EXPECT_EQ(errorOf(forward + "server = \"192.0.2.53\"\ntsig_key = \"other\"\n"),
              "server.toml:16: tsig_key 'other.' is not defined by a [[tsig_key]]");
    EXPECT_EQ(errorOf(forward + "server = \"192.0.2.53\"\ntsig_key = \"fwd-key\"\nzone = \"other.test\"\n"),
              "server.toml:17: zone 'other.test.' does not hold this server's zone dyn.example.test.: the primary could "
              "not take its names");
    EXPECT_EQ(errorOf(forward + "server = \"192.0.2.53\"\ntsig_key = \"fwd-key\"\ntimeout_ms = 5\n").substr(0, 26),
              "server.toml:17: timeout_ms");
    EXPECT_EQ(errorOf(forward + "server = \"192.0.2.53\"\ntsig_key = \"fwd-key\"\nretries = 3\n").find("retries") ==
                  std::string::npos,
              false);
}

// --- the Forwarder against a real primary ---

class ForwarderTest : public ::testing::Test {
protected:
    void SetUp() override {
        primaryPort = qdyn::test::freeLoopbackPort();
        ASSERT_NE(primaryPort, 0);
        ours = std::make_unique<Config>(qdyn::test::demoServerConfig());
        zone = std::make_unique<Zone>(buildInitialSnapshot(*ours, 1).value());
        updates = std::make_unique<UpdateService>(*ours, *zone);
    }

    void TearDown() override {
        if (forwarder) forwarder->stop(std::chrono::milliseconds(0));
        if (primary) primary->stop();
    }

    // The same zone, taking updates signed with fwd-key for alice's hosts.
    void startPrimary() {
        Config config = qdyn::test::demoServerConfig();
        config.dnsUdp = {{ip("127.0.0.1"), primaryPort}};
        config.dnsTcp = {{ip("127.0.0.1"), primaryPort}};
        config.http.clear();
        config.tsigKeys.push_back({name("fwd-key"), "hmac-sha256", kForwardSecret, "alice"});
        primary = std::make_unique<Server>(std::move(config));
        const auto started = primary->start();
        ASSERT_TRUE(started) << started.message();
    }

    void startForwarder(const char* secret = kForwardSecret) {
        ForwardTarget target{dns::ServerAddress{ip("127.0.0.1"), primaryPort}, name("dyn.example.test"),
                             dns::TsigKey::make("fwd-key", dns::TsigAlgorithm::HmacSha256, secret).value()};
        target.timeout = std::chrono::milliseconds(300);
        target.firstRetry = std::chrono::milliseconds(50);
        target.retryMax = std::chrono::milliseconds(200);
        forwarder = std::make_unique<Forwarder>(*zone, std::move(target));
        updates->addListener(*forwarder);
        forwarder->start();
    }

    void update(const char* host, HostUpdate change) {
        const auto outcome = updates->apply(ours->accounts.front(), name(host), change);
        ASSERT_TRUE(outcome.status == UpdateStatus::Updated || outcome.status == UpdateStatus::Unchanged)
            << toString(outcome.status);
    }

    // Waits until the primary publishes `expected` for `host` (up to 5 s).
    ::testing::AssertionResult primaryShows(const char* host, const std::vector<qdyn::IpAddress>& expected) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        std::vector<qdyn::IpAddress> seen;
        while (std::chrono::steady_clock::now() < deadline) {
            seen = primary->addressesOf(name(host));
            if (seen == expected) return ::testing::AssertionSuccess();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        std::string text;
        for (const auto& address : seen) text += address.toString() + " ";
        return ::testing::AssertionFailure() << "the primary shows [" << text << "] for " << host;
    }

    // Waits until the forwarder has counted `accepted` replies and holds nothing (up to 5 s). The
    // primary publishes a change before its reply reaches the forwarder, so primaryShows() alone
    // does not mean the forwarder has counted it.
    ::testing::AssertionResult forwarderSettles(std::uint64_t accepted) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (std::chrono::steady_clock::now() < deadline) {
            if (forwarder->accepted() >= accepted && forwarder->pending() == 0) return ::testing::AssertionSuccess();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return ::testing::AssertionFailure() << "the forwarder counted " << forwarder->accepted() << " accepted, "
                                             << forwarder->pending() << " pending";
    }

    std::uint16_t primaryPort = 0;
    std::unique_ptr<Config> ours;
    std::unique_ptr<Zone> zone;
    std::unique_ptr<UpdateService> updates;
    std::unique_ptr<Server> primary;
    std::unique_ptr<Forwarder> forwarder;
};

TEST_F(ForwarderTest, EveryChangeReachesThePrimary) {
    startPrimary();
    startForwarder();
    update("home.dyn.example.test", HostUpdate{ip("192.0.2.10"), std::nullopt});
    EXPECT_TRUE(primaryShows("home.dyn.example.test", {ip("192.0.2.10")}));
    update("home.dyn.example.test", HostUpdate{ip("192.0.2.11"), ip("2001:db8::11")});
    EXPECT_TRUE(primaryShows("home.dyn.example.test", {ip("192.0.2.11"), ip("2001:db8::11")}));
    // Offline withholds the addresses here, so the primary loses them too.
    HostUpdate offline;
    offline.offline = true;
    update("home.dyn.example.test", offline);
    EXPECT_TRUE(primaryShows("home.dyn.example.test", {}));
    EXPECT_TRUE(forwarderSettles(3));
    EXPECT_EQ(forwarder->failed(), 0U);
}

TEST_F(ForwarderTest, APrimaryThatIsDownGetsTheChangesOnceItAnswers) {
    startForwarder();
    for (int i = 1; i <= 20; ++i) {
        update("home.dyn.example.test", HostUpdate{ip("192.0.2." + std::to_string(i)), std::nullopt});
    }
    update("nas.dyn.example.test", HostUpdate{ip("192.0.2.200"), std::nullopt});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (forwarder->failed() < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_GE(forwarder->failed(), 2U);
    EXPECT_GT(forwarder->pending(), 0U);
    startPrimary();
    EXPECT_TRUE(primaryShows("home.dyn.example.test", {ip("192.0.2.20")}));
    EXPECT_TRUE(primaryShows("nas.dyn.example.test", {ip("192.0.2.200")}));
    // 21 changes of two RRsets travel in far fewer messages: each carries the latest state.
    EXPECT_LT(forwarder->accepted(), 5U);
}

TEST_F(ForwarderTest, ARefusedUpdateIsKeptAndRetriedNotDropped) {
    startPrimary();
    startForwarder(kWrongSecret);
    update("home.dyn.example.test", HostUpdate{ip("192.0.2.10"), std::nullopt});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (forwarder->failed() < 3 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_GE(forwarder->failed(), 3U);  // BADSIG, again and again
    EXPECT_EQ(forwarder->accepted(), 0U);
    EXPECT_EQ(forwarder->pending(), 1U);
    EXPECT_TRUE(primary->addressesOf(name("home.dyn.example.test")).empty());
}

TEST_F(ForwarderTest, ANameThePrimaryRefusesDoesNotHoldUpTheOthers) {
    startForwarder();  // the primary starts later, so both changes wait and go out in one message
    const auto updatesOf = [this](const char* host, const char* address) {
        const Account& owner = ours->accounts.front().grants(name(host)) ? ours->accounts.front() : ours->accounts.back();
        ASSERT_EQ(updates->apply(owner, name(host), HostUpdate{ip(address), std::nullopt}).status, UpdateStatus::Updated);
    };
    updatesOf("office.dyn.example.test", "192.0.2.30");
    updatesOf("home.dyn.example.test", "192.0.2.10");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (forwarder->failed() < 1 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    startPrimary();  // its fwd-key may change alice's hosts only, not bob's office: the message
                     // with both is refused, then each change goes alone
    EXPECT_TRUE(primaryShows("home.dyn.example.test", {ip("192.0.2.10")}));
    updatesOf("nas.dyn.example.test", "192.0.2.20");
    EXPECT_TRUE(primaryShows("nas.dyn.example.test", {ip("192.0.2.20")}));
    EXPECT_TRUE(primary->addressesOf(name("office.dyn.example.test")).empty());
    EXPECT_GE(forwarder->failed(), 2U);
    EXPECT_EQ(forwarder->pending(), 1U);  // office's A, set aside and retried on its own
}

TEST_F(ForwarderTest, TheResyncAtStartUpRepairsWhatThePrimaryMissed) {
    startPrimary();
    // The primary holds an address for nas that we no longer have, and misses home's.
    {
        ZoneSnapshot stale = *zone->snapshot();
        qdyn::test::putRRset(stale, name("nas.dyn.example.test"), qdyn::test::addressRRset({ip("192.0.2.99")}));
        Zone staleZone(std::make_shared<const ZoneSnapshot>(stale));
        Forwarder old(staleZone, ForwardTarget{dns::ServerAddress{ip("127.0.0.1"), primaryPort}, name("dyn.example.test"),
                                               dns::TsigKey::make("fwd-key", dns::TsigAlgorithm::HmacSha256, kForwardSecret).value()});
        old.resyncAll({});
        old.start();
        old.stop(std::chrono::seconds(5));
        EXPECT_EQ(old.accepted(), 1U);
    }
    ASSERT_TRUE(primaryShows("nas.dyn.example.test", {ip("192.0.2.99")}));
    update("home.dyn.example.test", HostUpdate{ip("192.0.2.10"), std::nullopt});  // before the forwarder runs

    ForwardTarget target{dns::ServerAddress{ip("127.0.0.1"), primaryPort}, name("dyn.example.test"),
                         dns::TsigKey::make("fwd-key", dns::TsigAlgorithm::HmacSha256, kForwardSecret).value()};
    forwarder = std::make_unique<Forwarder>(*zone, std::move(target));
    std::vector<dns::Name> hosts;
    for (const auto& account : ours->accounts) hosts.insert(hosts.end(), account.hosts.begin(), account.hosts.end());
    forwarder->resyncAll(hosts);
    forwarder->start();
    EXPECT_TRUE(primaryShows("home.dyn.example.test", {ip("192.0.2.10")}));
    EXPECT_TRUE(primaryShows("nas.dyn.example.test", {}));
}

TEST_F(ForwarderTest, Dyndns2SaysDnserrWhileThePrimaryRefusesTheHost) {
    startPrimary();  // its fwd-key may change alice's hosts only, not bob's office
    startForwarder();
    updates->setUpstreamCheck([this](const dns::Name& host) { return forwarder->refuses(host); });
    CredentialCache cache;
    LoginThrottle throttle;
    const Authenticator auth(*ours, cache, throttle);
    const Dyndns2Handler dyndns2(*updates, auth);
    const auto get = [&](const std::string& target, const char* basic) {
        HttpRequestInfo request;
        request.target = target;
        request.authorization = basic;
        request.userAgent = "test/1.0";
        request.peer = ip("192.0.2.99");
        return dyndns2.handle(request).body;
    };
    constexpr const char* kBob = "Basic Ym9iOmh1bnRlcjI=";      // bob:hunter2
    constexpr const char* kAlice = "Basic YWxpY2U6czNjcmV0";    // alice:s3cret
    // The first change is taken: nobody has asked the primary yet.
    EXPECT_EQ(get("/nic/update?hostname=office.dyn.example.test&myip=192.0.2.30", kBob), "good 192.0.2.30\n");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!forwarder->refuses(name("office.dyn.example.test")) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(forwarder->refuses(name("office.dyn.example.test")));
    // Now the primary's refusal is known: the next update is still taken here, and said to be
    // a DNS error; another host goes on as before.
    EXPECT_EQ(get("/nic/update?hostname=office.dyn.example.test&myip=192.0.2.31", kBob), "dnserr\n");
    EXPECT_EQ(zone->snapshot()->addressesOf(name("office.dyn.example.test")).v4, std::vector{ip("192.0.2.31")});
    EXPECT_EQ(get("/nic/update?hostname=home.dyn.example.test&myip=192.0.2.32", kAlice), "good 192.0.2.32\n");
    EXPECT_FALSE(forwarder->refuses(name("home.dyn.example.test")));
}

}  // namespace server_forward_test
}  // namespace
