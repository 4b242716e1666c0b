// IpAddress: strict parsing, RFC 5952 formatting and scope classification.
#include <gtest/gtest.h>

#include "qdyn/ip_address.hpp"

namespace qdyn {
namespace {
namespace ip_address_test {

TEST(IpAddressTest, ParsesAndFormatsIpv4) {
    const auto address = IpAddress::parse("203.0.113.7");
    ASSERT_TRUE(address);
    EXPECT_TRUE(address->isV4());
    EXPECT_EQ(address->toString(), "203.0.113.7");
    EXPECT_EQ(address->bytes().size(), 4U);
    EXPECT_EQ(IpAddress::parse("0.0.0.0")->toString(), "0.0.0.0");
    EXPECT_EQ(IpAddress::parse("255.255.255.255")->toString(), "255.255.255.255");
}

TEST(IpAddressTest, RejectsMalformedIpv4) {
    for (const char* text : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1..2.3",
                             "1.2.3.", ".1.2.3", "1.2.3.-4", "a.b.c.d", "1.2.3.4/24", "1234.1.1.1", "0x1.2.3.4"}) {
        EXPECT_FALSE(IpAddress::parse(text)) << text;
    }
}

TEST(IpAddressTest, ParsesIpv6AndFormatsPerRfc5952) {
    EXPECT_EQ(IpAddress::parse("2001:DB8:0:0:0:0:0:1")->toString(), "2001:db8::1");
    EXPECT_EQ(IpAddress::parse("2001:db8::0:1")->toString(), "2001:db8::1");
    EXPECT_EQ(IpAddress::parse("::")->toString(), "::");
    EXPECT_EQ(IpAddress::parse("::1")->toString(), "::1");
    EXPECT_EQ(IpAddress::parse("1::")->toString(), "1::");
    // Longest run wins; on a tie the first; a single zero word is not compressed.
    EXPECT_EQ(IpAddress::parse("2001:0:0:1:0:0:0:1")->toString(), "2001:0:0:1::1");
    EXPECT_EQ(IpAddress::parse("2001:db8:0:0:1:0:0:1")->toString(), "2001:db8::1:0:0:1");
    EXPECT_EQ(IpAddress::parse("2001:db8:0:1:1:1:1:1")->toString(), "2001:db8:0:1:1:1:1:1");
    EXPECT_EQ(IpAddress::parse("::ffff:192.0.2.1")->toString(), "::ffff:c000:201");
    EXPECT_EQ(IpAddress::parse("2001:db8:1:2:3:4:5:6")->bytes().size(), 16U);
    // An IPv4 tail fills the last two words, with or without a gap before it.
    EXPECT_EQ(IpAddress::parse("1:2:3:4:5:6:192.0.2.1")->toString(), "1:2:3:4:5:6:c000:201");
    EXPECT_EQ(IpAddress::parse("1:2:3:4:5::192.0.2.1")->toString(), "1:2:3:4:5:0:c000:201");
}

TEST(IpAddressTest, RejectsMalformedIpv6) {
    for (const char* text : {":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "fe80::1%eth0", "[::1]",
                             "g::1", "1:2:3:4:5:6:7", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "::1.2.3", "1.2.3.4::",
                             "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
                             "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6::7:1.2.3.4", "1:2:3:4:5:6:7:8:1.2.3.4"}) {
        EXPECT_FALSE(IpAddress::parse(text)) << text;
    }
}

struct ScopeCase {
    const char* text;
    AddressScope scope;
};

TEST(IpAddressTest, ClassifiesScopes) {
    const ScopeCase cases[] = {
        {"8.8.8.8", AddressScope::Global},
        {"1.1.1.1", AddressScope::Global},
        {"10.1.2.3", AddressScope::Private},
        {"172.16.0.1", AddressScope::Private},
        {"172.31.255.255", AddressScope::Private},
        {"172.32.0.1", AddressScope::Global},
        {"192.168.1.1", AddressScope::Private},
        {"100.64.0.1", AddressScope::SharedCgnat},
        {"100.127.255.255", AddressScope::SharedCgnat},
        {"100.128.0.1", AddressScope::Global},
        {"127.0.0.1", AddressScope::Loopback},
        {"169.254.3.4", AddressScope::LinkLocal},
        {"224.0.0.1", AddressScope::Multicast},
        {"192.0.2.1", AddressScope::Documentation},
        {"198.51.100.9", AddressScope::Documentation},
        {"203.0.113.7", AddressScope::Documentation},
        {"0.0.0.0", AddressScope::Unspecified},
        {"0.1.2.3", AddressScope::Reserved},
        {"255.255.255.255", AddressScope::Reserved},
        {"198.18.0.1", AddressScope::Reserved},
        {"2a00:1450:4001:80b::200e", AddressScope::Global},
        {"2001:db8::1", AddressScope::Documentation},
        {"::1", AddressScope::Loopback},
        {"::", AddressScope::Unspecified},
        {"fe80::1", AddressScope::LinkLocal},
        {"febf::1", AddressScope::LinkLocal},
        {"fd12:3456::1", AddressScope::UniqueLocal},
        {"fc00::1", AddressScope::UniqueLocal},
        {"ff02::1", AddressScope::Multicast},
        {"::ffff:192.0.2.1", AddressScope::Reserved},
        {"2001::1", AddressScope::Reserved},
        {"4000::1", AddressScope::Reserved},
    };
    for (const auto& c : cases) {
        const auto address = IpAddress::parse(c.text);
        ASSERT_TRUE(address) << c.text;
        EXPECT_EQ(address->scope(), c.scope) << c.text << " is " << toString(address->scope());
        EXPECT_EQ(address->isPublishable(), c.scope == AddressScope::Global) << c.text;
    }
}

TEST(IpAddressTest, OrdersAndComparesByFamilyThenBytes) {
    const auto a = *IpAddress::parse("192.0.2.1");
    const auto b = *IpAddress::parse("192.0.2.2");
    const auto c = *IpAddress::parse("2001:db8::1");
    EXPECT_LT(a, b);
    EXPECT_LT(b, c);
    EXPECT_EQ(a, *IpAddress::parse("192.0.2.1"));
    EXPECT_NE(*IpAddress::parse("::"), *IpAddress::parse("0.0.0.0"));
}

}  // namespace ip_address_test
}  // namespace
}  // namespace qdyn
