// checkAddress: every scope maps to the right verdict, and the two options open only what they
// name.
#include <gtest/gtest.h>

#include <string>

#include "qdyn/detect/address_check.hpp"

namespace qdyn::detect {
namespace {
namespace detect_address_check_test {

IpAddress ip(const char* text) {
    auto parsed = IpAddress::parse(text);
    EXPECT_TRUE(parsed.has_value()) << text;
    return parsed.value_or(IpAddress{});
}

struct Row {
    const char* address;
    Verdict verdict;
    const char* why;
};

TEST(DetectAddressCheckTest, EveryScopeHasItsVerdict) {
    const Row rows[] = {
        {"8.8.8.8", Verdict::Publishable, "global unicast"},
        {"2a00:1450:4001:80b::200e", Verdict::Publishable, "global unicast"},
        {"10.1.2.3", Verdict::BehindNat, "private (RFC 1918)"},
        {"172.16.0.1", Verdict::BehindNat, "private (RFC 1918)"},
        {"192.168.1.5", Verdict::BehindNat, "private (RFC 1918)"},
        {"100.64.0.1", Verdict::BehindNat, "shared address space (CGNAT, RFC 6598)"},
        {"fd12:3456::1", Verdict::BehindNat, "unique local (fc00::/7)"},
        {"127.0.0.1", Verdict::Rejected, "loopback"},
        {"::1", Verdict::Rejected, "loopback"},
        {"169.254.3.4", Verdict::Rejected, "link-local"},
        {"fe80::1", Verdict::Rejected, "link-local"},
        {"224.0.0.1", Verdict::Rejected, "multicast"},
        {"ff02::1", Verdict::Rejected, "multicast"},
        {"0.0.0.0", Verdict::Rejected, "unspecified"},
        {"::", Verdict::Rejected, "unspecified"},
        {"192.0.2.1", Verdict::Rejected, "documentation range"},
        {"198.51.100.7", Verdict::Rejected, "documentation range"},
        {"203.0.113.9", Verdict::Rejected, "documentation range"},
        {"2001:db8::9", Verdict::Rejected, "documentation range"},
        {"240.0.0.1", Verdict::Rejected, "reserved"},
        {"::ffff:8.8.8.8", Verdict::Rejected, "reserved"},
    };
    for (const Row& row : rows) {
        const Checked checked = checkAddress(ip(row.address));
        EXPECT_EQ(checked.verdict, row.verdict) << row.address << ": " << toString(checked.verdict);
        EXPECT_EQ(checked.why, row.why) << row.address;
    }
}

TEST(DetectAddressCheckTest, AllowDocumentationOpensOnlyDocumentation) {
    CheckOptions options;
    options.allowDocumentation = true;
    EXPECT_EQ(checkAddress(ip("203.0.113.9"), options).verdict, Verdict::Publishable);
    EXPECT_EQ(checkAddress(ip("2001:db8::9"), options).verdict, Verdict::Publishable);
    EXPECT_EQ(checkAddress(ip("127.0.0.1"), options).verdict, Verdict::Rejected);
    EXPECT_EQ(checkAddress(ip("10.0.0.1"), options).verdict, Verdict::BehindNat);
}

TEST(DetectAddressCheckTest, AllowPrivatePublishesPrivateCgnatAndUla) {
    CheckOptions options;
    options.allowPrivate = true;
    EXPECT_EQ(checkAddress(ip("192.168.1.5"), options).verdict, Verdict::Publishable);
    EXPECT_EQ(checkAddress(ip("100.64.0.1"), options).verdict, Verdict::Publishable);
    EXPECT_EQ(checkAddress(ip("fd00::1"), options).verdict, Verdict::Publishable);
    EXPECT_EQ(checkAddress(ip("169.254.1.1"), options).verdict, Verdict::Rejected);
    EXPECT_EQ(checkAddress(ip("192.0.2.1"), options).verdict, Verdict::Rejected);
}

TEST(DetectAddressCheckTest, VerdictsHaveNames) {
    EXPECT_EQ(toString(Verdict::Publishable), "publishable");
    EXPECT_EQ(toString(Verdict::BehindNat), "behind NAT");
    EXPECT_EQ(toString(Verdict::Rejected), "rejected");
}

}  // namespace detect_address_check_test
}  // namespace
}  // namespace qdyn::detect
