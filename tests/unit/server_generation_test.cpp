// What a reload (a new Generation) must hand over from the one before: the verified-credentials
// cache and a random DNS cookie secret, so that logins and clients' cookies stay valid across
// SIGHUP; a configured secret or a change of it still takes effect.
#include <gtest/gtest.h>

#include "generation.hpp"
#include "qdyn_server/zone.hpp"
#include "test_values.hpp"

namespace {
namespace server_generation_test {

using namespace qdyn::server;
using qdyn::test::ip;
using qdyn::test::name;

Config config() {
    Config out;
    out.zone.origin = name("dyn.example.test");
    out.zone.nameserver = name("ns1.example.test");
    return out;
}

// The COOKIE option of a query carrying `cookie` (client, or client + server).
std::vector<std::uint8_t> option(std::span<const std::uint8_t> cookie) {
    std::vector<std::uint8_t> out{0, 10, 0, static_cast<std::uint8_t>(cookie.size())};
    out.insert(out.end(), cookie.begin(), cookie.end());
    return out;
}

class GenerationTest : public ::testing::Test {
protected:
    GenerationTest() : m_config(config()), m_zone(buildInitialSnapshot(m_config, 1).value()), m_updates(m_config, m_zone) {}

    // A server cookie from `generation` for a fixed client, then how `next` judges it.
    CookieStatus cookieAcrossReload(const Generation& generation, const Generation& next) {
        const std::vector<std::uint8_t> client{1, 2, 3, 4, 5, 6, 7, 8};
        const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
        const auto first = generation.cookies->evaluate(option(client), ip("192.0.2.7"), now);
        const auto full = first.responseOption();
        EXPECT_EQ(full.size(), 28U);
        return next.cookies->evaluate(option(full.subspan(4)), ip("192.0.2.7"), now).status;
    }

    Config m_config;
    Zone m_zone;
    UpdateService m_updates;
    ZoneJournal m_journal{10};
};

TEST_F(GenerationTest, AReloadKeepsTheCredentialCacheThrottleSaltsAndTheRandomCookieSecret) {
    const auto first = Generation::make(config(), m_updates, m_journal).value();
    const auto second = Generation::make(config(), m_updates, m_journal, first.get()).value();
    EXPECT_EQ(first->carried.credentials.get(), second->carried.credentials.get());
    EXPECT_EQ(first->carried.throttle.get(), second->carried.throttle.get());
    EXPECT_EQ(first->carried.gnudipSalts.get(), second->carried.gnudipSalts.get());
    EXPECT_EQ(cookieAcrossReload(*first, *second), CookieStatus::Valid);

    // Without a previous generation (a fresh start) the secret is new.
    const auto fresh = Generation::make(config(), m_updates, m_journal).value();
    EXPECT_NE(first->carried.credentials.get(), fresh->carried.credentials.get());
    EXPECT_EQ(cookieAcrossReload(*first, *fresh), CookieStatus::Invalid);
}

TEST_F(GenerationTest, AConfiguredSecretReplacesTheRandomOne) {
    const auto first = Generation::make(config(), m_updates, m_journal).value();
    auto withSecret = config();
    withSecret.dns.cookies.secret = CookieSecret{9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
    const auto second = Generation::make(withSecret, m_updates, m_journal, first.get()).value();
    EXPECT_EQ(cookieAcrossReload(*first, *second), CookieStatus::Invalid);
    const auto third = Generation::make(withSecret, m_updates, m_journal, second.get()).value();
    EXPECT_EQ(cookieAcrossReload(*second, *third), CookieStatus::Valid);  // the same configured secret
}

TEST_F(GenerationTest, AChangedForwardSectionOrItsKeyNeedsARestart) {
    auto running = config();
    running.tsigKeys.push_back({name("fwd-key"), "hmac-sha256", "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=", ""});
    ForwardConfig forward;
    forward.server = {ip("192.0.2.53"), 53};
    forward.zone = name("dyn.example.test");
    forward.tsigKey = name("fwd-key");
    running.forward = forward;
    EXPECT_EQ(restartNeededFor(running, running), std::nullopt);

    auto otherServer = running;
    otherServer.forward->server.port = 5353;
    EXPECT_EQ(restartNeededFor(running, otherServer), "[forward] changed");
    auto none = running;
    none.forward.reset();
    EXPECT_EQ(restartNeededFor(running, none), "[forward] changed");
    auto otherSecret = running;
    otherSecret.tsigKeys.back().secret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    EXPECT_EQ(restartNeededFor(running, otherSecret), "the [forward] TSIG key changed");
}

TEST_F(GenerationTest, TheListenersSettingsNeedARestart) {
    const auto running = config();
    auto udp = running;
    udp.dns.udpBatchWaitMicroseconds = running.dns.udpBatchWaitMicroseconds + 1;
    EXPECT_EQ(restartNeededFor(running, udp), "[dns] udp_batch_wait changed");
    auto unsegmented = running;
    unsegmented.dns.udpSegmentation = !running.dns.udpSegmentation;
    EXPECT_EQ(restartNeededFor(running, unsegmented), "[dns] udp_segmentation changed");
    auto tcp = running;
    tcp.dns.tcpMaxConnections = running.dns.tcpMaxConnections + 1;
    EXPECT_EQ(restartNeededFor(running, tcp), "the [dns] TCP limits changed");
    auto journal = running;
    journal.dns.ixfrJournal = running.dns.ixfrJournal + 1;
    EXPECT_EQ(restartNeededFor(running, journal), "[dns] ixfr_journal changed");
}

}  // namespace server_generation_test
}  // namespace
