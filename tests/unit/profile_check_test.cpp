// agent::checkProfile, the trying behind `qdyn profile test` and the tray's Test button: detection
// with the profile's own sources and policy per family, the credentials asked of qdyn-server on
// loopback without changing the zone, the plain lines that describe the result, and the profiles
// that cannot be tried.
#include "qdyn/agent/profile_check.hpp"

#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

#include "closed_port.hpp"
#include "qdyn/config/profile.hpp"
#include "qdyn_server/server.hpp"
#include "test_values.hpp"

namespace qdyn::test {
namespace {
namespace profile_check_test {

using Status = CredentialCheck::Status;

config::Profile profileFrom(const std::string& body) {
    auto set = config::parseProfiles("[profile.p]\n" + body, "p.toml");
    EXPECT_TRUE(set) << set.message();
    if (!set) return {};
    return std::move(set->profiles.front());
}

TEST(ProfileCheckTest, DetectsEachFamilyWithTheProfilesSourcesAndPolicy) {
    const config::Profile profile = profileFrom(
        "protocol = \"dyndns2\"\nserver = \"https://ddns.example.test\"\nhosts = [\"a.example.test\"]\n"
        "families = [\"ipv4\", \"ipv6\"]\nallow_private = true\n"
        "detect_ipv4 = [\"static:10.0.0.5\"]\ndetect_ipv6 = [\"static:fd00::5\", \"static:fd00::6\"]\n"
        "agreement = 2\n");
    auto check = agent::checkProfile(profile);
    ASSERT_TRUE(check) << check.message();
    ASSERT_EQ(check->detection.size(), 2U);
    EXPECT_EQ(check->detection[0].family, AddressFamily::V4);
    // One source cannot make an agreement of two.
    EXPECT_FALSE(check->detection[0].chosen.has_value()) << check->detection[0].reason;
    EXPECT_EQ(check->detection[1].family, AddressFamily::V6);
    EXPECT_FALSE(check->detection[1].chosen.has_value());  // the two disagree
    EXPECT_TRUE(check->detection[1].disagreement);
    EXPECT_EQ(check->familiesWithoutAddress(), (std::vector<AddressFamily>{AddressFamily::V4, AddressFamily::V6}));
    EXPECT_EQ(check->credentials.status, Status::NotSupported);
    EXPECT_FALSE(check->credentialsFailed());

    const config::Profile agreed = profileFrom(
        "protocol = \"dyndns2\"\nserver = \"https://ddns.example.test\"\nhosts = [\"a.example.test\"]\n"
        "allow_private = true\ndetect = [\"static:10.0.0.5\"]\n");
    auto found = agent::checkProfile(agreed);
    ASSERT_TRUE(found) << found.message();
    ASSERT_EQ(found->detection.size(), 1U);  // IPv4 only, the default
    ASSERT_TRUE(found->detection[0].chosen.has_value());
    EXPECT_EQ(found->detection[0].chosen->toString(), "10.0.0.5");
    EXPECT_TRUE(found->familiesWithoutAddress().empty());
}

TEST(ProfileCheckTest, APrivateAddressIsNotPublishableWithoutAllowPrivateAndTheLinesSayWhy) {
    const config::Profile profile = profileFrom(
        "protocol = \"dyndns2\"\nserver = \"https://ddns.example.test\"\nhosts = [\"a.example.test\"]\n"
        "detect = [\"static:10.0.0.5\"]\n");
    auto check = agent::checkProfile(profile);
    ASSERT_TRUE(check) << check.message();
    ASSERT_EQ(check->detection.size(), 1U);
    EXPECT_FALSE(check->detection[0].chosen.has_value());
    const auto lines = agent::describeCheck(*check);
    ASSERT_EQ(lines.size(), 3U);
    EXPECT_EQ(lines[0].rfind("IPv4: none (", 0), 0U) << lines[0];
    EXPECT_EQ(lines[1].rfind("  static 10.0.0.5: 10.0.0.5 [", 0), 0U) << lines[1];
    EXPECT_EQ(lines[2],
              "credentials: not checked: dyndns2 has no request that checks credentials without changing the record");
}

TEST(ProfileCheckTest, WithoutDetectionOnlyTheCredentialsAreAsked) {
    const config::Profile profile = profileFrom(
        "protocol = \"dyndns2\"\nserver = \"https://ddns.example.test\"\nhosts = [\"a.example.test\"]\n"
        "detect = [\"static:10.0.0.5\"]\n");
    agent::ProfileCheckOptions options;
    options.detect = false;
    auto check = agent::checkProfile(profile, options);
    ASSERT_TRUE(check) << check.message();
    EXPECT_TRUE(check->detection.empty());
    EXPECT_EQ(agent::describeCheck(*check).size(), 1U);
}

TEST(ProfileCheckTest, AProfileThatCannotBeTriedIsAnError) {
    config::Profile profile =
        profileFrom("protocol = \"dyndns2\"\nserver = \"https://ddns.example.test\"\nhosts = [\"a.example.test\"]\n");
    profile.agent.detectV4 = {"no-such-source"};
    auto check = agent::checkProfile(profile);
    ASSERT_FALSE(check);
    EXPECT_EQ(check.message().rfind("no-such-source: ", 0), 0U) << check.message();
    profile.agent.detectV4.clear();
    profile.protocol = "gone";
    agent::ProfileCheckOptions options;
    options.detect = false;
    auto unknown = agent::checkProfile(profile, options);
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.message().find("unknown protocol \"gone\""), std::string::npos) << unknown.message();
}

TEST(ProfileCheckTest, CredentialWordsNameTheStatusClassAndCode) {
    EXPECT_EQ(agent::describeCredentials(CredentialCheck::valid("200", "the server accepted the login")),
              "valid: the server accepted the login");
    EXPECT_EQ(agent::describeCredentials(CredentialCheck::failed(OutcomeClass::AuthFailed, "401", "no")),
              "refused (auth-failed, 401): no");
    EXPECT_EQ(agent::describeCredentials(CredentialCheck::failed(OutcomeClass::RetryLater, "network", "down")),
              "could not be checked (retry-later, network): down");
    EXPECT_EQ(agent::describeCredentials(CredentialCheck::notSupported("why")), "not checked: why");
    EXPECT_EQ(agent::familyName(AddressFamily::V4), "IPv4");
    EXPECT_EQ(agent::familyName(AddressFamily::V6), "IPv6");
}

// QDNS against qdyn-server: the login is checked and nothing is published.
TEST(ProfileCheckServerTest, GoodWrongAndUnreachableCredentials) {
    server::Config config;
    config.zone.origin = name("dyn.example.test");
    config.zone.nameserver = name("ns1.example.test");
    config.zone.email = "hostmaster@example.test";
    config.accounts = {server::Account{"alice", "s3cret", {name("home.dyn.example.test")}}};
    config.qdns = {server::ListenAddress{ip("127.0.0.1"), 0}};
    config.throttle = server::ThrottleOptions{0, 600, 900, 0};
    server::Server server(config);
    auto started = server.start();
    ASSERT_TRUE(started) << started.message();
    const std::string url = "qdns://127.0.0.1:" + std::to_string(server.port("qdns"));
    const auto profileWith = [&](const std::string& password, const std::string& where) {
        return profileFrom("protocol = \"qdns\"\nserver = \"" + where +
                           "\"\nhosts = [\"home.dyn.example.test\"]\nusername = \"alice\"\npassword = \"" + password +
                           "\"\nallow_private = true\ndetect = [\"static:10.0.0.5\"]\ntimeout = 5\n");
    };
    auto good = agent::checkProfile(profileWith("s3cret", url));
    ASSERT_TRUE(good) << good.message();
    EXPECT_EQ(good->credentials.status, Status::Valid) << good->credentials.outcome.detail;
    EXPECT_FALSE(good->credentialsFailed());
    EXPECT_EQ(agent::describeCheck(*good).back(),
              "credentials: valid: the server accepted the login \"200 OK\"; nothing was updated");

    auto wrong = agent::checkProfile(profileWith("nope", url));
    ASSERT_TRUE(wrong) << wrong.message();
    EXPECT_EQ(wrong->credentials.status, Status::Invalid);
    EXPECT_EQ(wrong->credentials.outcome.outcome, OutcomeClass::AuthFailed);
    EXPECT_TRUE(wrong->credentialsFailed());
    for (const auto& line : agent::describeCheck(*wrong))
        EXPECT_EQ(line.find("nope"), std::string::npos) << line;
    EXPECT_TRUE(server.addressesOf(name("home.dyn.example.test")).empty());
    server.stop();

    ClosedPort closed;
    auto down = agent::checkProfile(profileWith("s3cret", "qdns://127.0.0.1:" + std::to_string(closed.port())));
    ASSERT_TRUE(down) << down.message();
    EXPECT_EQ(down->credentials.status, Status::Unknown);
    EXPECT_TRUE(down->credentialsFailed());
}

}  // namespace profile_check_test
}  // namespace
}  // namespace qdyn::test
