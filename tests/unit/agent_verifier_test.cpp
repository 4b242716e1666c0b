// Verification after an update (issue 7, point 2) with explicit servers (verify = [...]):
// qdyn's verifier against one or two qdyn-servers in process on loopback and silent peers.
#include <chrono>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "verifier_fixture.hpp"

namespace qdyn::test {
namespace {
namespace agent_verifier_test {

using agent::ServerVerdict;
using agent::VerifierOptions;
using agent::VerifyStatus;
using namespace std::chrono_literals;

constexpr std::string_view kHost = kVerifiedHost;

using VerifierServersTest = VerifierServerTest;

TEST_F(VerifierServersTest, VerifiedAfterAnUpdate) {
    auto& server = startServer();
    publish(server, ip("203.0.113.7"));
    const agent::Verifier verifier(serversMode({loopback(dnsPort(server))}));
    const auto result = verifier.verify(std::string(kHost), ip("203.0.113.7"), ip("192.0.2.1"));
    EXPECT_EQ(result.status, VerifyStatus::Verified) << describe(result);
    ASSERT_EQ(result.servers.size(), 1U);
    EXPECT_EQ(result.servers[0].server, "127.0.0.1:" + std::to_string(dnsPort(server)));
    EXPECT_EQ(result.servers[0].verdict, ServerVerdict::Expected);
    EXPECT_EQ(result.servers[0].addresses, std::vector<IpAddress>{ip("203.0.113.7")});
    EXPECT_EQ(result.summary, "The authoritative server answers 203.0.113.7 for home.dyn.example.test.");
    EXPECT_TRUE(result.zone.empty());
}

TEST_F(VerifierServersTest, VerifiesAaaaToo) {
    auto& server = startServer();
    publish(server, ip("2001:db8::7"));
    const agent::Verifier verifier(serversMode({loopback(dnsPort(server))}));
    const auto result = verifier.verify(std::string(kHost), ip("2001:db8::7"), std::nullopt);
    EXPECT_EQ(result.status, VerifyStatus::Verified) << describe(result);
    // The A the host lacks is no concern of an AAAA verification, and vice versa.
    EXPECT_EQ(verifier.verify(std::string(kHost), ip("203.0.113.7"), std::nullopt).status, VerifyStatus::Mismatch);
}

TEST_F(VerifierServersTest, MismatchWhenTheRecordHoldsAnotherAddress) {
    auto& server = startServer();
    publish(server, ip("198.51.100.9"));
    const agent::Verifier verifier(serversMode({loopback(dnsPort(server))}));
    const auto result = verifier.verify(std::string(kHost), ip("203.0.113.7"), ip("192.0.2.1"));
    EXPECT_EQ(result.status, VerifyStatus::Mismatch) << describe(result);
    EXPECT_EQ(result.servers.at(0).verdict, ServerVerdict::Other);
    EXPECT_NE(result.summary.find("answers 198.51.100.9 for home.dyn.example.test, not 203.0.113.7"), std::string::npos)
        << result.summary;
}

TEST_F(VerifierServersTest, MismatchWhenNoServerHasTheNewAddress) {
    auto& server = startServer();
    const agent::Verifier verifier(serversMode({loopback(dnsPort(server))}));
    // No record at all (NXDOMAIN): nothing contradicts, but nothing confirms either.
    const auto none = verifier.verify(std::string(kHost), ip("203.0.113.7"), std::nullopt);
    EXPECT_EQ(none.status, VerifyStatus::Mismatch) << describe(none);
    EXPECT_EQ(none.servers.at(0).verdict, ServerVerdict::Empty);
    EXPECT_EQ(none.summary, "No authoritative server answers 203.0.113.7 for home.dyn.example.test: 1 has no record.");

    publish(server, ip("192.0.2.1"));
    const auto old = verifier.verify(std::string(kHost), ip("203.0.113.7"), ip("192.0.2.1"));
    EXPECT_EQ(old.status, VerifyStatus::Mismatch) << describe(old);
    EXPECT_EQ(old.servers.at(0).verdict, ServerVerdict::Previous);
    EXPECT_NE(old.summary.find("still answers the previous address 192.0.2.1"), std::string::npos) << old.summary;
}

TEST_F(VerifierServersTest, PropagatingWhileASecondServerStillHasTheOldAddress) {
    auto& updated = startServer();
    auto& lagging = startServer();
    publish(updated, ip("203.0.113.7"));
    publish(lagging, ip("192.0.2.1"));
    const agent::Verifier verifier(serversMode({loopback(dnsPort(updated)), loopback(dnsPort(lagging))}));
    const auto result = verifier.verify(std::string(kHost), ip("203.0.113.7"), ip("192.0.2.1"));
    EXPECT_EQ(result.status, VerifyStatus::Propagating) << describe(result);
    ASSERT_EQ(result.servers.size(), 2U);
    EXPECT_EQ(result.servers[0].verdict, ServerVerdict::Expected);
    EXPECT_EQ(result.servers[1].verdict, ServerVerdict::Previous);
    EXPECT_EQ(result.summary,
              "1 of 2 authoritative servers answer 203.0.113.7 for home.dyn.example.test; 1 still answers the previous "
              "address 192.0.2.1.");

    // Once the second one has it too, all agree.
    publish(lagging, ip("203.0.113.7"));
    const auto later = verifier.verify(std::string(kHost), ip("203.0.113.7"), ip("192.0.2.1"));
    EXPECT_EQ(later.status, VerifyStatus::Verified) << describe(later);
    EXPECT_EQ(later.summary, "All 2 authoritative servers answer 203.0.113.7 for home.dyn.example.test.");
}

TEST_F(VerifierServersTest, PropagatingWhenASecondServerIsSilentOrHasNoRecord) {
    auto& updated = startServer();
    auto& empty = startServer();
    publish(updated, ip("203.0.113.7"));
    ScriptedUdpPeer silent([](std::span<const std::uint8_t>, const ScriptedUdpPeer::Io&) {});
    auto options = serversMode({loopback(dnsPort(updated)), loopback(dnsPort(empty)), loopback(silent.port())});
    options.query = {200ms, 1};
    const auto result = agent::Verifier(options).verify(std::string(kHost), ip("203.0.113.7"), std::nullopt);
    EXPECT_EQ(result.status, VerifyStatus::Propagating) << describe(result);
    ASSERT_EQ(result.servers.size(), 3U);
    EXPECT_EQ(result.servers[1].verdict, ServerVerdict::Empty);
    EXPECT_EQ(result.servers[2].verdict, ServerVerdict::NoAnswer);
    EXPECT_NE(result.servers[2].error.find("timed out"), std::string::npos) << result.servers[2].error;
    EXPECT_NE(result.summary.find("1 of 3"), std::string::npos) << result.summary;
    EXPECT_NE(result.summary.find("1 has no record, 1 did not answer"), std::string::npos) << result.summary;
}

TEST_F(VerifierServersTest, UnverifiableWhenTheServerDoesNotAnswer) {
    ScriptedUdpPeer silent([](std::span<const std::uint8_t>, const ScriptedUdpPeer::Io&) {});
    auto options = serversMode({loopback(silent.port())});
    options.query = {150ms, 2};
    const auto started = std::chrono::steady_clock::now();
    const auto result = agent::Verifier(options).verify(std::string(kHost), ip("203.0.113.7"), std::nullopt);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    EXPECT_EQ(result.status, VerifyStatus::Unverifiable) << describe(result);
    EXPECT_EQ(silent.requests(), 2);  // both attempts were sent
    EXPECT_NE(result.summary.find("No authoritative server of home.dyn.example.test answered"), std::string::npos)
        << result.summary;
}

TEST_F(VerifierServersTest, TheDeadlineBoundsEverything) {
    ScriptedUdpPeer silent([](std::span<const std::uint8_t>, const ScriptedUdpPeer::Io&) {});
    auto options = serversMode({loopback(silent.port())});
    options.query = {5000ms, 3};
    options.deadline = 300ms;
    const auto started = std::chrono::steady_clock::now();
    const auto result = agent::Verifier(options).verify(std::string(kHost), ip("203.0.113.7"), std::nullopt);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
    EXPECT_EQ(result.status, VerifyStatus::Unverifiable) << describe(result);
}

TEST(Verifier, OffAndEmptyAndBadNamesAreUnverifiable) {
    VerifierOptions off;
    off.mode = config::VerifyMode::Off;
    EXPECT_EQ(agent::Verifier(off).verify(std::string(kHost), ip("203.0.113.7"), std::nullopt).summary,
              "Verification is off for this profile.");
    VerifierOptions none;
    none.mode = config::VerifyMode::Servers;
    const auto empty = agent::Verifier(none).verify(std::string(kHost), ip("203.0.113.7"), std::nullopt);
    EXPECT_EQ(empty.status, VerifyStatus::Unverifiable);
    const auto bad = agent::Verifier(none).verify("bad..name", ip("203.0.113.7"), std::nullopt);
    EXPECT_EQ(bad.status, VerifyStatus::Unverifiable);
    EXPECT_NE(bad.summary.find("Cannot verify"), std::string::npos) << bad.summary;
}

TEST(Verifier, OptionsFromAProfile) {
    config::AgentSettings settings;
    settings.verify = config::VerifyMode::Servers;
    settings.verifyServers = {"192.0.2.53", "[2001:db8::53]:5353"};
    const auto options = agent::verifierOptionsFor(settings);
    ASSERT_TRUE(options) << options.message();
    EXPECT_EQ(options->mode, config::VerifyMode::Servers);
    EXPECT_EQ(options->servers, (std::vector<dns::ServerAddress>{{ip("192.0.2.53"), 53}, {ip("2001:db8::53"), 5353}}));
    settings.verifyServers.push_back("ns1.example.net:5353");
    const auto bad = agent::verifierOptionsFor(settings);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.message().find("verify: server address \"ns1.example.net:5353\""), std::string::npos)
        << bad.message();
    EXPECT_EQ(agent::verifierOptionsFor(config::AgentSettings{})->mode, config::VerifyMode::Auto);
}

}  // namespace agent_verifier_test
}  // namespace
}  // namespace qdyn::test
