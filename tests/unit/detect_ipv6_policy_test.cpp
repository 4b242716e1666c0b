// The IPv6 policy over a table of addresses and flags: which one wins, and why each other lost.
// Documentation addresses stand in for global ones (allowDocumentation).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "qdyn/detect/ipv6_policy.hpp"

namespace qdyn::detect {
namespace {
namespace detect_ipv6_policy_test {
namespace detect_ipv6_policy_test {

IpAddress ip(const char* text) {
    auto parsed = IpAddress::parse(text);
    EXPECT_TRUE(parsed.has_value()) << text;
    return parsed.value_or(IpAddress{});
}

enum Flag : unsigned { kNone = 0, kTemporary = 1, kDeprecated = 2, kTentative = 4, kStable = 8 };

Candidate candidate(const char* address, unsigned flags = kNone, const char* interfaceName = "eth0") {
    Candidate c;
    c.address = ip(address);
    c.interfaceName = interfaceName;
    c.temporary = (flags & kTemporary) != 0;
    c.deprecated = (flags & kDeprecated) != 0;
    c.tentative = (flags & kTentative) != 0;
    c.stable = (flags & kStable) != 0;
    return c;
}

CheckOptions testing() {
    CheckOptions options;
    options.allowDocumentation = true;
    return options;
}

std::string whySkipped(const Ipv6Choice& choice, const char* address) {
    for (const auto& skipped : choice.skipped) {
        if (skipped.address == ip(address)) return skipped.why;
    }
    return "(not skipped)";
}

struct Row {
    const char* name;
    std::vector<Candidate> candidates;
    const char* expected;  // nullptr: nothing chosen
};

TEST(DetectIpv6PolicyTest, TableOfAddressesAndFlags) {
    const std::vector<Row> rows = {
        {"single global", {candidate("2001:db8::1")}, "2001:db8::1"},
        {"stable preferred over an earlier plain one",
         {candidate("2001:db8::1"), candidate("2001:db8::2", kStable)},
         "2001:db8::2"},
        {"temporary skipped", {candidate("2001:db8::7", kTemporary), candidate("2001:db8::8")}, "2001:db8::8"},
        {"deprecated skipped", {candidate("2001:db8::7", kDeprecated | kStable), candidate("2001:db8::8")},
         "2001:db8::8"},
        {"tentative skipped", {candidate("2001:db8::7", kTentative | kStable), candidate("2001:db8::8")},
         "2001:db8::8"},
        {"link-local never", {candidate("fe80::1", kStable)}, nullptr},
        {"ULA is behind NAT", {candidate("fd00::1", kStable)}, nullptr},
        {"loopback never", {candidate("::1")}, nullptr},
        {"only temporary: nothing", {candidate("2001:db8::7", kTemporary)}, nullptr},
        {"IPv4 ignored", {candidate("203.0.113.1"), candidate("2001:db8::3")}, "2001:db8::3"},
        {"empty", {}, nullptr},
        {"everything at once",
         {candidate("fe80::1"), candidate("fd00::5", kStable), candidate("2001:db8::7", kTemporary),
          candidate("2001:db8::6", kDeprecated), candidate("2001:db8::4"), candidate("2001:db8::5", kStable)},
         "2001:db8::5"},
    };
    for (const Row& row : rows) {
        const Ipv6Choice choice = chooseIpv6(row.candidates, Ipv6Policy{}, testing());
        if (row.expected == nullptr) {
            EXPECT_FALSE(choice.address.has_value()) << row.name << ": chose " << choice.address->toString();
        } else {
            ASSERT_TRUE(choice.address.has_value()) << row.name << ": " << choice.reason;
            EXPECT_EQ(*choice.address, ip(row.expected)) << row.name;
        }
        EXPECT_FALSE(choice.reason.empty()) << row.name;
        // Every candidate but the chosen one is accounted for.
        EXPECT_EQ(choice.skipped.size() + (choice.address ? 1U : 0U), row.candidates.size()) << row.name;
    }
}

TEST(DetectIpv6PolicyTest, ReasonsNameWhyEachCandidateLost) {
    const std::vector<Candidate> candidates = {
        candidate("fe80::1"), candidate("fd00::5", kStable), candidate("2001:db8::7", kTemporary),
        candidate("2001:db8::6", kDeprecated), candidate("2001:db8::4"), candidate("2001:db8::5", kStable),
        candidate("2001:db8::9", kTentative)};
    const Ipv6Choice choice = chooseIpv6(candidates, Ipv6Policy{}, testing());
    ASSERT_TRUE(choice.address.has_value());
    EXPECT_EQ(choice.reason, "stable address on eth0");
    EXPECT_EQ(whySkipped(choice, "fe80::1"), "link-local");
    EXPECT_EQ(whySkipped(choice, "fd00::5"), "behind NAT: unique local (fc00::/7)");
    EXPECT_EQ(whySkipped(choice, "2001:db8::7"), "temporary (privacy address)");
    EXPECT_EQ(whySkipped(choice, "2001:db8::6"), "deprecated");
    EXPECT_EQ(whySkipped(choice, "2001:db8::4"), "not stable; a stable address is preferred");
    EXPECT_EQ(whySkipped(choice, "2001:db8::9"), "tentative (duplicate address detection not finished)");
}

TEST(DetectIpv6PolicyTest, OptionsCanKeepTemporaryAndDeprecatedAndIgnoreStability) {
    Ipv6Policy policy;
    policy.skipTemporary = false;
    policy.skipDeprecated = false;
    policy.preferStable = false;
    const std::vector<Candidate> candidates = {candidate("2001:db8::7", kTemporary | kDeprecated),
                                               candidate("2001:db8::5", kStable)};
    const Ipv6Choice choice = chooseIpv6(candidates, policy, testing());
    ASSERT_TRUE(choice.address.has_value());
    EXPECT_EQ(*choice.address, ip("2001:db8::7"));
}

TEST(DetectIpv6PolicyTest, InterfaceFilter) {
    Ipv6Policy policy;
    policy.interfaceName = "eth1";
    const std::vector<Candidate> candidates = {candidate("2001:db8::1", kStable, "eth0"),
                                               candidate("2001:db8:1::1", kNone, "eth1")};
    const Ipv6Choice choice = chooseIpv6(candidates, policy, testing());
    ASSERT_TRUE(choice.address.has_value());
    EXPECT_EQ(*choice.address, ip("2001:db8:1::1"));
    EXPECT_EQ(whySkipped(choice, "2001:db8::1"), "on eth0, not eth1");
}

TEST(DetectIpv6PolicyTest, UniqueLocalIsReportedAsBehindNatOrPublishedWhenAllowed) {
    const std::vector<Candidate> candidates = {candidate("fd00::5", kStable)};
    const Ipv6Choice hidden = chooseIpv6(candidates, Ipv6Policy{}, testing());
    EXPECT_FALSE(hidden.address.has_value());
    ASSERT_TRUE(hidden.behindNat.has_value());
    EXPECT_EQ(*hidden.behindNat, ip("fd00::5"));

    CheckOptions allow = testing();
    allow.allowPrivate = true;
    const Ipv6Choice published = chooseIpv6(candidates, Ipv6Policy{}, allow);
    ASSERT_TRUE(published.address.has_value());
    EXPECT_EQ(*published.address, ip("fd00::5"));
}

TEST(DetectIpv6PolicyTest, DocumentationRejectedWithoutTheTestOption) {
    const std::vector<Candidate> candidates = {candidate("2001:db8::1", kStable)};
    const Ipv6Choice choice = chooseIpv6(candidates, Ipv6Policy{});
    EXPECT_FALSE(choice.address.has_value());
    EXPECT_EQ(whySkipped(choice, "2001:db8::1"), "documentation range");
}

TEST(DetectIpv6PolicyTest, PrefixPlusInterfaceId) {
    Ipv6Policy policy;
    policy.interfaceId = ip("::1234:5678:9abc:def0");
    const std::vector<Candidate> candidates = {candidate("2001:db8:aa:bb::7", kTemporary),
                                               candidate("2001:db8:aa:bb:211:22ff:fe33:4455", kStable)};
    const Ipv6Choice choice = chooseIpv6(candidates, policy, testing());
    ASSERT_TRUE(choice.address.has_value()) << choice.reason;
    EXPECT_EQ(*choice.address, ip("2001:db8:aa:bb:1234:5678:9abc:def0"));
    EXPECT_NE(choice.reason.find("/64 prefix of 2001:db8:aa:bb:211:22ff:fe33:4455"), std::string::npos)
        << choice.reason;

    policy.prefixLength = 56;
    const Ipv6Choice wider = chooseIpv6(candidates, policy, testing());
    ASSERT_TRUE(wider.address.has_value());
    EXPECT_EQ(*wider.address, ip("2001:db8:aa:0:1234:5678:9abc:def0"));
}

TEST(DetectIpv6PolicyTest, CombinePrefixAtOddLengths) {
    EXPECT_EQ(combinePrefixAndInterfaceId(ip("2001:db8:ffff:ffff::"), 60, ip("::ffff:ffff:0:0:0:1")),
              ip("2001:db8:ffff:ffff::1"));
    EXPECT_EQ(combinePrefixAndInterfaceId(ip("2001:db8:ffff:ffff::"), 52, ip("::1")), ip("2001:db8:ffff:f000::1"));
    EXPECT_EQ(combinePrefixAndInterfaceId(ip("2001:db8::"), 127, ip("::3")), ip("2001:db8::1"));
}

TEST(DetectIpv6PolicyTest, InvalidPrefixLengthChoosesNothing) {
    Ipv6Policy policy;
    policy.interfaceId = ip("::1");
    policy.prefixLength = 128;
    const std::vector<Candidate> candidates = {candidate("2001:db8::1", kStable)};
    const Ipv6Choice choice = chooseIpv6(candidates, policy, testing());
    EXPECT_FALSE(choice.address.has_value());
    EXPECT_NE(choice.reason.find("invalid policy"), std::string::npos);
}

}  // namespace detect_ipv6_policy_test
}  // namespace detect_ipv6_policy_test
}  // namespace
}  // namespace qdyn::detect
