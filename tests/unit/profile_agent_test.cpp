// The agent's keys of a profile: defaults, every key read, every bad value refused with its line,
// and the fingerprint that lifts a stop when the profile changes.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "qdyn/config/profile.hpp"
#include "scoped_environment.hpp"

using namespace qdyn;
using namespace qdyn::config;

namespace {

std::string agentProfileWith(const std::string& extra) {
    return "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:8245\"\nhosts = [\"h.example.net\"]\n"
           "username = \"u\"\npassword = \"p\"\n" + extra;
}

Result<Profile> parseAgentProfile(const std::string& extra) {
    auto set = parseProfiles(agentProfileWith(extra), "p.toml");
    if (!set) return set.error();
    return std::move(set->profiles.front());
}

}  // namespace

TEST(ProfileAgentKeys, DefaultsAreIpv4OnlyAutoVerifyFiveMinutePollAndTwentyFiveDayRefresh) {
    auto profile = parseAgentProfile("");
    ASSERT_TRUE(profile) << profile.message();
    const AgentSettings& agent = profile->agent;
    EXPECT_TRUE(agent.ipv4);
    EXPECT_FALSE(agent.ipv6);
    EXPECT_TRUE(agent.detectV4.empty());
    EXPECT_EQ(agent.agreement, 1u);
    EXPECT_FALSE(agent.allowPrivate);
    EXPECT_EQ(agent.pollInterval, std::chrono::seconds(300));
    EXPECT_EQ(agent.refreshAfter, std::chrono::hours(24 * 25));
    EXPECT_EQ(agent.verify, VerifyMode::Auto);
    EXPECT_TRUE(agent.onChange.empty());
    EXPECT_TRUE(agent.ipv6Policy.skipTemporary);
    EXPECT_EQ(profile->fingerprint().size(), 16u);
}

TEST(ProfileAgentKeys, ReadsEveryKey) {
    auto profile = parseAgentProfile(
        "families = [\"ipv6\", \"ipv4\"]\n"
        "detect = [\"interface\", \"stun:127.0.0.1:3478\"]\n"
        "detect_ipv6 = [\"interface:eth0\"]\n"
        "agreement = 2\nallow_private = true\n"
        "ipv6_interface = \"eth0\"\nipv6_temporary = true\nipv6_deprecated = true\nipv6_prefer_stable = false\n"
        "ipv6_interface_id = \"::1234:5678:9abc:def0\"\nipv6_prefix_length = 56\n"
        "poll_interval = \"2m\"\nrefresh_after = \"7d\"\n"
        "verify = [\"127.0.0.1:5353\", \"[::1]:5353\"]\n"
        "on_change = [\"/usr/local/bin/notify\", \"changed\"]\non_failure = [\"/bin/true\"]\n");
    ASSERT_TRUE(profile) << profile.message();
    const AgentSettings& agent = profile->agent;
    EXPECT_TRUE(agent.ipv4);
    EXPECT_TRUE(agent.ipv6);
    EXPECT_EQ(agent.detectV4, (std::vector<std::string>{"interface", "stun:127.0.0.1:3478"}));
    EXPECT_EQ(agent.detectV6, (std::vector<std::string>{"interface:eth0"}));
    EXPECT_EQ(agent.agreement, 2u);
    EXPECT_TRUE(agent.allowPrivate);
    EXPECT_EQ(agent.ipv6Policy.interfaceName, "eth0");
    EXPECT_FALSE(agent.ipv6Policy.skipTemporary);
    EXPECT_FALSE(agent.ipv6Policy.skipDeprecated);
    EXPECT_FALSE(agent.ipv6Policy.preferStable);
    ASSERT_TRUE(agent.ipv6Policy.interfaceId);
    EXPECT_EQ(agent.ipv6Policy.interfaceId->toString(), "::1234:5678:9abc:def0");
    EXPECT_EQ(agent.ipv6Policy.prefixLength, 56u);
    EXPECT_EQ(agent.pollInterval, std::chrono::seconds(120));
    EXPECT_EQ(agent.refreshAfter, std::chrono::hours(24 * 7));
    EXPECT_EQ(agent.verify, VerifyMode::Servers);
    EXPECT_EQ(agent.verifyServers, (std::vector<std::string>{"127.0.0.1:5353", "[::1]:5353"}));
    EXPECT_EQ(agent.onChange, (std::vector<std::string>{"/usr/local/bin/notify", "changed"}));
    EXPECT_EQ(agent.onFailure, (std::vector<std::string>{"/bin/true"}));

    auto off = parseAgentProfile("verify = false\npoll_interval = 30\n");
    ASSERT_TRUE(off) << off.message();
    EXPECT_EQ(off->agent.verify, VerifyMode::Off);
    EXPECT_EQ(off->agent.pollInterval, std::chrono::seconds(30));
}

TEST(ProfileAgentKeys, RefusesBadValuesNamingTheLine) {
    struct Case {
        std::string extra;
        std::string expected;
    };
    const Case cases[] = {
        {"families = []\n", "families"},
        {"families = [\"ipv4\", \"ipv4\"]\n", "each once"},
        {"families = [\"ip\"]\n", "\"ipv4\" and/or \"ipv6\""},
        {"detect = [\"telepathy\"]\n", "unknown source"},
        {"detect = \"interface\"\n", "array"},
        {"agreement = 0\n", "agreement must be 1 to 8"},
        {"agreement = 9\n", "agreement must be 1 to 8"},
        {"allow_private = \"yes\"\n", "true or false"},
        {"ipv6_interface_id = \"192.0.2.1\"\n", "ipv6_interface_id"},
        {"ipv6_prefix_length = 48\n", "needs ipv6_interface_id"},
        {"poll_interval = 5\n", "poll_interval must be 10 s to 1 day"},
        {"poll_interval = \"5x\"\n", "poll_interval"},
        {"refresh_after = \"28d\"\n", "27 days"},
        {"verify = \"yes\"\n", "verify must be"},
        {"on_change = \"notify-send changed\"\n", "without a shell"},
        {"on_failure = [\"\"]\n", "non-empty"},
    };
    for (const auto& c : cases) {
        auto profile = parseAgentProfile(c.extra);
        ASSERT_FALSE(profile) << c.extra;
        EXPECT_NE(profile.message().find(c.expected), std::string::npos) << c.extra << " -> " << profile.message();
        EXPECT_NE(profile.message().find("p.toml:7"), std::string::npos) << profile.message();
    }
}

TEST(ProfileAgentKeys, FingerprintChangesWithTheProfileAndTheSecretOnly) {
    auto base = parseAgentProfile("");
    auto same = parseAgentProfile("");
    auto otherPoll = parseAgentProfile("poll_interval = 60\n");
    ASSERT_TRUE(base && same && otherPoll);
    EXPECT_EQ(base->fingerprint(), same->fingerprint());
    EXPECT_NE(base->fingerprint(), otherPoll->fingerprint());

    auto reordered = parseProfiles("[profile.home]\npassword = \"p\"\nusername = \"u\"\nhosts = [\"h.example.net\"]\n"
                                   "server = \"http://127.0.0.1:8245\"\nprotocol = \"dyndns2\"\n",
                                   "p.toml");
    ASSERT_TRUE(reordered) << reordered.message();
    EXPECT_EQ(reordered->profiles.front().fingerprint(), base->fingerprint()) << "key order and lines do not matter";

    qdyn::test::setEnvironment("QDYN_TEST_FP_SECRET", "first");
    const std::string viaEnv = "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:8245\"\n"
                               "hosts = [\"h.example.net\"]\nusername = \"u\"\npassword_env = \"QDYN_TEST_FP_SECRET\"\n";
    auto first = parseProfiles(viaEnv, "p.toml");
    qdyn::test::setEnvironment("QDYN_TEST_FP_SECRET", "second");
    auto second = parseProfiles(viaEnv, "p.toml");
    qdyn::test::setEnvironment("QDYN_TEST_FP_SECRET", std::nullopt);
    ASSERT_TRUE(first && second);
    EXPECT_NE(first->profiles.front().fingerprint(), second->profiles.front().fingerprint())
        << "a new password in the environment lifts a stop for bad credentials";
}

TEST(ProfileAgentKeys, ProfileNamesCannotEscapeTheStateDirectory) {
    for (const char* name : {"\"../etc\"", "\"a/b\"", "\".hidden\"", "\"\"", "\"tab\\there\""}) {
        const std::string text = std::string("[profile.") + name +
                                 "]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:1\"\nhosts = [\"h.example.net\"]\n";
        auto set = parseProfiles(text, "p.toml");
        ASSERT_FALSE(set) << name;
        EXPECT_NE(set.message().find("profile name"), std::string::npos) << set.message();
    }
    EXPECT_TRUE(parseProfiles("[profile.\"home-v6_2.x\"]\nprotocol = \"dyndns2\"\nserver = \"http://127.0.0.1:1\"\n"
                              "hosts = [\"h.example.net\"]\n", "p.toml"));
}

TEST(ProfileAgentKeys, VerifyServersMustBeAddresses) {
    auto named = parseAgentProfile("verify = [\"ns1.example.net\"]\n");
    ASSERT_FALSE(named);
    EXPECT_NE(named.message().find("p.toml:7: verify"), std::string::npos) << named.message();
}
