// The rtnetlink parser over hand-built messages (address, link, route; several per datagram;
// truncated and lying lengths; an overrun), and the filter that drops what is no change.
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cerrno>
#include <cstring>
#include <gtest/gtest.h>
#include <vector>

#include "netmon/netlink_parser.hpp"

namespace qdyn::netmon {
namespace {
namespace netmon_netlink_parser_test {

using Bytes = std::vector<std::uint8_t>;

// Builds one netlink message: header, a fixed body struct, then attributes.
class MessageBuilder {
public:
    template <typename Body>
    MessageBuilder(std::uint16_t type, const Body& body) : m_bytes(NLMSG_HDRLEN, 0) {
        nlmsghdr header{};
        header.nlmsg_type = type;
        std::memcpy(m_bytes.data(), &header, sizeof header);
        append(&body, sizeof body);
    }
    MessageBuilder& attribute(std::uint16_t type, const void* data, std::size_t size) {
        rtattr header{};
        header.rta_len = static_cast<std::uint16_t>(RTA_LENGTH(size));
        header.rta_type = type;
        append(&header, sizeof header);
        append(data, size);
        return *this;
    }
    MessageBuilder& address(std::uint16_t type, const char* text) {
        const auto parsed = IpAddress::parse(text);
        const auto bytes = parsed->bytes();
        return attribute(type, bytes.data(), bytes.size());
    }
    MessageBuilder& u32(std::uint16_t type, std::uint32_t value) { return attribute(type, &value, sizeof value); }
    MessageBuilder& name(std::uint16_t type, const char* text) { return attribute(type, text, std::strlen(text) + 1); }
    Bytes bytes() const {
        Bytes result = m_bytes;
        const auto length = static_cast<std::uint32_t>(result.size());
        std::memcpy(result.data(), &length, sizeof length);
        return result;
    }

private:
    void append(const void* data, std::size_t size) {
        const auto* raw = static_cast<const std::uint8_t*>(data);
        m_bytes.insert(m_bytes.end(), raw, raw + size);
        m_bytes.resize(NLMSG_ALIGN(m_bytes.size()), 0);
    }
    Bytes m_bytes;
};

ifaddrmsg addressHeader(unsigned char family, std::uint8_t prefix, std::uint32_t index, std::uint8_t flags = 0) {
    ifaddrmsg header{};
    header.ifa_family = family;
    header.ifa_prefixlen = prefix;
    header.ifa_flags = flags;
    header.ifa_index = index;
    return header;
}

rtmsg routeHeader(unsigned char family, std::uint8_t dstLength, std::uint8_t table) {
    rtmsg header{};
    header.rtm_family = family;
    header.rtm_dst_len = dstLength;
    header.rtm_table = table;
    header.rtm_type = RTN_UNICAST;
    return header;
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes result;
    for (const auto& part : parts)
        result.insert(result.end(), part.begin(), part.end());
    return result;
}

TEST(NetlinkParser, NewIpv4AddressWithLabel) {
    const auto message = MessageBuilder(RTM_NEWADDR, addressHeader(AF_INET, 32, 1))
                             .address(IFA_ADDRESS, "203.0.113.9")
                             .address(IFA_LOCAL, "203.0.113.9")
                             .name(IFA_LABEL, "lo")
                             .bytes();
    const auto result = parseNetlinkMessages(message);
    EXPECT_EQ(result.malformed, 0U);
    ASSERT_EQ(result.events.size(), 1U);
    const auto& event = result.events[0];
    EXPECT_EQ(event.type, NetlinkEventType::NewAddress);
    EXPECT_EQ(event.interfaceIndex, 1U);
    EXPECT_EQ(event.interfaceName, "lo");
    EXPECT_EQ(event.address, IpAddress::parse("203.0.113.9"));
    EXPECT_EQ(event.prefixLength, 32);
}

TEST(NetlinkParser, PointToPointPrefersTheLocalAddressOverThePeer) {
    const auto message = MessageBuilder(RTM_NEWADDR, addressHeader(AF_INET, 32, 4))
                             .address(IFA_ADDRESS, "198.51.100.1")
                             .address(IFA_LOCAL, "198.51.100.2")
                             .bytes();
    const auto result = parseNetlinkMessages(message);
    ASSERT_EQ(result.events.size(), 1U);
    EXPECT_EQ(result.events[0].address, IpAddress::parse("198.51.100.2"));
}

TEST(NetlinkParser, Ipv6AddressFlagsComeFromIfaFlagsWhenPresent) {
    const auto message = MessageBuilder(RTM_DELADDR, addressHeader(AF_INET6, 128, 3, IFA_F_NODAD))
                             .address(IFA_ADDRESS, "2001:db8::9")
                             .u32(IFA_FLAGS, IFA_F_NODAD | IFA_F_MANAGETEMPADDR)
                             .bytes();
    const auto result = parseNetlinkMessages(message);
    ASSERT_EQ(result.events.size(), 1U);
    EXPECT_EQ(result.events[0].type, NetlinkEventType::DelAddress);
    EXPECT_EQ(result.events[0].address, IpAddress::parse("2001:db8::9"));
    EXPECT_EQ(result.events[0].flags, static_cast<std::uint32_t>(IFA_F_NODAD | IFA_F_MANAGETEMPADDR));
}

TEST(NetlinkParser, AnAddressOfTheWrongLengthIsMalformed) {
    const std::uint8_t shortAddress[3] = {203, 0, 113};
    const auto message = MessageBuilder(RTM_NEWADDR, addressHeader(AF_INET, 32, 1))
                             .attribute(IFA_ADDRESS, shortAddress, sizeof shortAddress)
                             .bytes();
    const auto result = parseNetlinkMessages(message);
    EXPECT_TRUE(result.events.empty());
    EXPECT_EQ(result.malformed, 1U);
}

TEST(NetlinkParser, LinkWithNameAndFlags) {
    ifinfomsg info{};
    info.ifi_index = 2;
    info.ifi_flags = IFF_UP | IFF_RUNNING;
    const auto message = MessageBuilder(RTM_NEWLINK, info).name(IFLA_IFNAME, "qd-ns").bytes();
    const auto result = parseNetlinkMessages(message);
    ASSERT_EQ(result.events.size(), 1U);
    EXPECT_EQ(result.events[0].type, NetlinkEventType::NewLink);
    EXPECT_EQ(result.events[0].interfaceName, "qd-ns");
    EXPECT_EQ(result.events[0].flags, static_cast<std::uint32_t>(IFF_UP | IFF_RUNNING));
}

TEST(NetlinkParser, AnUnterminatedLongNameIsCappedAtIfnamsiz) {
    ifinfomsg info{};
    info.ifi_index = 2;
    const char longName[40] = "0123456789abcdef0123456789abcdef0123456";
    const auto message = MessageBuilder(RTM_DELLINK, info).attribute(IFLA_IFNAME, longName, 39).bytes();
    const auto result = parseNetlinkMessages(message);
    ASSERT_EQ(result.events.size(), 1U);
    EXPECT_EQ(result.events[0].interfaceName.size(), static_cast<std::size_t>(IFNAMSIZ));
}

TEST(NetlinkParser, OnlyMainTableDefaultRoutesAreReported) {
    const auto defaultRoute = MessageBuilder(RTM_NEWROUTE, routeHeader(AF_INET, 0, RT_TABLE_MAIN))
                                  .address(RTA_GATEWAY, "198.51.100.1")
                                  .u32(RTA_OIF, 5)
                                  .bytes();
    const auto subnetRoute =
        MessageBuilder(RTM_NEWROUTE, routeHeader(AF_INET, 24, RT_TABLE_MAIN)).u32(RTA_OIF, 5).bytes();
    const auto localRoute = MessageBuilder(RTM_NEWROUTE, routeHeader(AF_INET6, 0, RT_TABLE_LOCAL)).bytes();
    // A table id above 255 travels in RTA_TABLE, with rtm_table saying RT_TABLE_UNSPEC.
    const auto policyRoute =
        MessageBuilder(RTM_DELROUTE, routeHeader(AF_INET6, 0, RT_TABLE_UNSPEC)).u32(RTA_TABLE, 1000).bytes();
    const auto removed =
        MessageBuilder(RTM_DELROUTE, routeHeader(AF_INET6, 0, RT_TABLE_UNSPEC)).u32(RTA_TABLE, RT_TABLE_MAIN).bytes();
    const auto result = parseNetlinkMessages(concat({defaultRoute, subnetRoute, localRoute, policyRoute, removed}));
    EXPECT_EQ(result.malformed, 0U);
    ASSERT_EQ(result.events.size(), 2U);
    EXPECT_EQ(result.events[0].type, NetlinkEventType::DefaultRoute);
    EXPECT_FALSE(result.events[0].removed);
    EXPECT_EQ(result.events[0].interfaceIndex, 5U);
    EXPECT_EQ(result.events[0].address, IpAddress::parse("198.51.100.1"));
    EXPECT_TRUE(result.events[1].removed);
}

TEST(NetlinkParser, SeveralMessagesInOneDatagram) {
    const auto a = MessageBuilder(RTM_NEWADDR, addressHeader(AF_INET, 24, 2)).address(IFA_LOCAL, "192.0.2.1").bytes();
    const auto b =
        MessageBuilder(RTM_NEWADDR, addressHeader(AF_INET6, 64, 2)).address(IFA_ADDRESS, "2001:db8::1").bytes();
    const auto done = MessageBuilder(NLMSG_DONE, std::uint32_t{0}).bytes();
    const auto result = parseNetlinkMessages(concat({a, b, done}));
    EXPECT_EQ(result.malformed, 0U);
    ASSERT_EQ(result.events.size(), 2U);
    EXPECT_EQ(result.events[1].address, IpAddress::parse("2001:db8::1"));
}

TEST(NetlinkParser, LyingLengthsNeverReadOutsideTheBuffer) {
    auto message = MessageBuilder(RTM_NEWADDR, addressHeader(AF_INET, 32, 1)).address(IFA_LOCAL, "203.0.113.9").bytes();
    auto tooLong = message;
    const std::uint32_t length = 4096;
    std::memcpy(tooLong.data(), &length, sizeof length);
    EXPECT_EQ(parseNetlinkMessages(tooLong).malformed, 1U);
    EXPECT_TRUE(parseNetlinkMessages(tooLong).events.empty());

    auto badAttribute = message;
    const std::uint16_t attributeLength = 200;
    std::memcpy(badAttribute.data() + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifaddrmsg)), &attributeLength,
                sizeof attributeLength);
    EXPECT_EQ(parseNetlinkMessages(badAttribute).malformed, 1U);

    const Bytes truncated(message.begin(), message.begin() + 20);
    EXPECT_TRUE(parseNetlinkMessages(truncated).events.empty());
    EXPECT_TRUE(parseNetlinkMessages({}).events.empty());
}

TEST(NetlinkParser, AnEnobufsErrorIsAnOverrun) {
    nlmsgerr error{};
    error.error = -ENOBUFS;
    const auto result = parseNetlinkMessages(MessageBuilder(NLMSG_ERROR, error).bytes());
    EXPECT_TRUE(result.overrun);
}

NetlinkEvent addressEvent(NetlinkEventType type, const char* text, std::uint32_t flags = 0) {
    NetlinkEvent event;
    event.type = type;
    event.interfaceIndex = 2;
    event.address = IpAddress::parse(text);
    event.prefixLength = 64;
    event.flags = flags;
    return event;
}

TEST(NetlinkChangeFilter, ALifetimeRefreshOfAKnownAddressIsNoChange) {
    NetlinkChangeFilter filter;
    const auto first = filter.apply(addressEvent(NetlinkEventType::NewAddress, "2001:db8::5", IFA_F_PERMANENT));
    ASSERT_TRUE(first);
    EXPECT_EQ(first->kind, ChangeKind::AddressAdded);
    EXPECT_EQ(first->prefixLength, 64);
    EXPECT_FALSE(filter.apply(addressEvent(NetlinkEventType::NewAddress, "2001:db8::5", IFA_F_PERMANENT)));
    // Tentative to usable (or deprecated) is a change that matters to the IPv6 policy.
    const auto flagged = filter.apply(addressEvent(NetlinkEventType::NewAddress, "2001:db8::5", IFA_F_DEPRECATED));
    ASSERT_TRUE(flagged);
    EXPECT_EQ(flagged->detail, "flags changed");
    const auto removed = filter.apply(addressEvent(NetlinkEventType::DelAddress, "2001:db8::5"));
    ASSERT_TRUE(removed);
    EXPECT_EQ(removed->kind, ChangeKind::AddressRemoved);
    EXPECT_TRUE(filter.apply(addressEvent(NetlinkEventType::NewAddress, "2001:db8::5", IFA_F_DEPRECATED)));
}

TEST(NetlinkChangeFilter, OnlyLinkStateTransitionsAreChanges) {
    NetlinkChangeFilter filter;
    NetlinkEvent link;
    link.type = NetlinkEventType::NewLink;
    link.interfaceIndex = 3;
    link.flags = 0;
    EXPECT_FALSE(filter.apply(link)) << "a new link that is down changes nothing yet";
    link.flags = IFF_UP;
    EXPECT_FALSE(filter.apply(link)) << "administratively up but not running";
    link.flags = IFF_UP | IFF_RUNNING;
    const auto up = filter.apply(link);
    ASSERT_TRUE(up);
    EXPECT_EQ(up->kind, ChangeKind::LinkUp);
    EXPECT_FALSE(filter.apply(link)) << "an MTU or name update keeps the state";
    link.flags = IFF_UP;
    const auto down = filter.apply(link);
    ASSERT_TRUE(down);
    EXPECT_EQ(down->kind, ChangeKind::LinkDown);
    link.type = NetlinkEventType::DelLink;
    const auto gone = filter.apply(link);
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->kind, ChangeKind::LinkRemoved);
}

TEST(NetlinkChangeFilter, DefaultRouteChangesPassWithWhatHappened) {
    NetlinkChangeFilter filter;
    NetlinkEvent route;
    route.type = NetlinkEventType::DefaultRoute;
    route.removed = true;
    const auto change = filter.apply(route);
    ASSERT_TRUE(change);
    EXPECT_EQ(change->kind, ChangeKind::DefaultRouteChanged);
    EXPECT_EQ(change->detail, "removed");
}

}  // namespace netmon_netlink_parser_test
}  // namespace
}  // namespace qdyn::netmon
