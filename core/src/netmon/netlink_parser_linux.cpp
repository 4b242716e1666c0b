// The rtnetlink parser and change filter (see netlink_parser.hpp). Every struct is copied out
// of the buffer with memcpy: a fuzzer's bytes (or a short read) have no alignment promise.
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "netlink_parser.hpp"

namespace qdyn::netmon {

namespace {

using Bytes = std::span<const std::uint8_t>;

// IFF_LOWER_UP (carrier), from linux/if.h, which cannot be included beside net/if.h.
constexpr std::uint32_t kIffLowerUp = 1U << 16;

template <typename T>
bool readStruct(Bytes bytes, std::size_t offset, T& out) {
    if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return false;
    std::memcpy(&out, bytes.data() + offset, sizeof(T));
    return true;
}

constexpr std::size_t align4(std::size_t length) {
    return (length + 3U) & ~std::size_t{3};
}

// Calls visit(type, payload) for each well-formed attribute; false if one was malformed.
template <typename Visit>
bool forEachAttribute(Bytes attributes, Visit&& visit) {
    std::size_t offset = 0;
    while (attributes.size() - offset >= sizeof(rtattr)) {
        rtattr header{};
        readStruct(attributes, offset, header);
        if (header.rta_len < sizeof(rtattr) || header.rta_len > attributes.size() - offset) return false;
        visit(static_cast<unsigned>(header.rta_type & NLA_TYPE_MASK),
              attributes.subspan(offset + sizeof(rtattr), header.rta_len - sizeof(rtattr)));
        offset += align4(header.rta_len);
        if (offset >= attributes.size()) break;
    }
    return true;
}

std::optional<IpAddress> addressOf(unsigned char family, Bytes payload) {
    if (family == AF_INET && payload.size() == 4) {
        IpAddress::V4Bytes bytes{};
        std::copy(payload.begin(), payload.end(), bytes.begin());
        return IpAddress::fromV4(bytes);
    }
    if (family == AF_INET6 && payload.size() == 16) {
        IpAddress::V6Bytes bytes{};
        std::copy(payload.begin(), payload.end(), bytes.begin());
        return IpAddress::fromV6(bytes);
    }
    return std::nullopt;
}

// A NUL-terminated name within its attribute, capped at IFNAMSIZ.
std::string nameOf(Bytes payload) {
    const auto limit = std::min<std::size_t>(payload.size(), IFNAMSIZ);
    const auto end = std::find(payload.begin(), payload.begin() + static_cast<std::ptrdiff_t>(limit), 0);
    return {payload.begin(), end};
}

std::uint32_t u32Of(Bytes payload, std::uint32_t fallback) {
    std::uint32_t value = fallback;
    if (payload.size() == sizeof value) std::memcpy(&value, payload.data(), sizeof value);
    return value;
}

bool parseAddress(std::uint16_t type, Bytes body, NetlinkParseResult& result) {
    ifaddrmsg header{};
    if (!readStruct(body, 0, header)) return false;
    NetlinkEvent event;
    event.type = type == RTM_NEWADDR ? NetlinkEventType::NewAddress : NetlinkEventType::DelAddress;
    event.interfaceIndex = header.ifa_index;
    event.prefixLength = header.ifa_prefixlen;
    event.flags = header.ifa_flags;
    std::optional<IpAddress> local;
    std::optional<IpAddress> address;
    const bool ok = forEachAttribute(body.subspan(NLMSG_ALIGN(sizeof header)), [&](unsigned attribute, Bytes payload) {
        switch (attribute) {
            case IFA_LOCAL:
                local = addressOf(header.ifa_family, payload);
                break;
            case IFA_ADDRESS:
                address = addressOf(header.ifa_family, payload);
                break;
            case IFA_LABEL:
                event.interfaceName = nameOf(payload);
                break;
            case IFA_FLAGS:
                event.flags = u32Of(payload, event.flags);
                break;
            default:
                break;
        }
    });
    if (!ok) return false;
    // On point-to-point links IFA_ADDRESS is the peer and IFA_LOCAL ours; elsewhere both match.
    event.address = local ? local : address;
    if (!event.address) return false;
    result.events.push_back(std::move(event));
    return true;
}

bool parseLink(std::uint16_t type, Bytes body, NetlinkParseResult& result) {
    ifinfomsg header{};
    if (!readStruct(body, 0, header)) return false;
    NetlinkEvent event;
    event.type = type == RTM_NEWLINK ? NetlinkEventType::NewLink : NetlinkEventType::DelLink;
    event.interfaceIndex = static_cast<std::uint32_t>(header.ifi_index);
    event.flags = header.ifi_flags;
    const bool ok = forEachAttribute(body.subspan(NLMSG_ALIGN(sizeof header)), [&](unsigned attribute, Bytes payload) {
        if (attribute == IFLA_IFNAME) event.interfaceName = nameOf(payload);
    });
    if (!ok) return false;
    result.events.push_back(std::move(event));
    return true;
}

bool parseRoute(std::uint16_t type, Bytes body, NetlinkParseResult& result) {
    rtmsg header{};
    if (!readStruct(body, 0, header)) return false;
    std::uint32_t table = header.rtm_table;
    NetlinkEvent event;
    event.type = NetlinkEventType::DefaultRoute;
    event.removed = type == RTM_DELROUTE;
    const bool ok = forEachAttribute(body.subspan(NLMSG_ALIGN(sizeof header)), [&](unsigned attribute, Bytes payload) {
        switch (attribute) {
            case RTA_TABLE:
                table = u32Of(payload, table);
                break;
            case RTA_OIF:
                event.interfaceIndex = u32Of(payload, 0);
                break;
            case RTA_GATEWAY:
                event.address = addressOf(header.rtm_family, payload);
                break;
            default:
                break;
        }
    });
    if (!ok) return false;
    // Only a unicast default route of the main table decides where traffic leaves.
    if (header.rtm_dst_len == 0 && table == RT_TABLE_MAIN && header.rtm_type == RTN_UNICAST) {
        result.events.push_back(std::move(event));
    }
    return true;
}

}  // namespace

NetlinkParseResult parseNetlinkMessages(std::span<const std::uint8_t> buffer) {
    NetlinkParseResult result;
    std::size_t offset = 0;
    while (buffer.size() - offset >= sizeof(nlmsghdr)) {
        nlmsghdr header{};
        readStruct(buffer, offset, header);
        if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > buffer.size() - offset) {
            ++result.malformed;  // the rest of the datagram cannot be framed
            break;
        }
        const Bytes body = buffer.subspan(offset + NLMSG_HDRLEN,
                                          header.nlmsg_len - std::min<std::size_t>(header.nlmsg_len, NLMSG_HDRLEN));
        bool ok = true;
        switch (header.nlmsg_type) {
            case RTM_NEWADDR:
            case RTM_DELADDR:
                ok = parseAddress(header.nlmsg_type, body, result);
                break;
            case RTM_NEWLINK:
            case RTM_DELLINK:
                ok = parseLink(header.nlmsg_type, body, result);
                break;
            case RTM_NEWROUTE:
            case RTM_DELROUTE:
                ok = parseRoute(header.nlmsg_type, body, result);
                break;
            case NLMSG_ERROR: {
                nlmsgerr error{};
                ok = readStruct(body, 0, error);
                if (ok && error.error == -ENOBUFS) result.overrun = true;
                result.done = true;
                break;
            }
            case NLMSG_DONE:
                result.done = true;
                break;
            default:
                break;  // NLMSG_NOOP, and families we did not subscribe to
        }
        if (!ok) ++result.malformed;
        offset += NLMSG_ALIGN(header.nlmsg_len);
        if (offset >= buffer.size()) break;
    }
    return result;
}

std::optional<NetworkChange> NetlinkChangeFilter::apply(const NetlinkEvent& event) {
    NetworkChange change;
    change.interfaceIndex = event.interfaceIndex;
    change.interfaceName = event.interfaceName;
    change.address = event.address;
    change.prefixLength = event.prefixLength;
    switch (event.type) {
        case NetlinkEventType::NewAddress: {
            if (!event.address) return std::nullopt;
            const auto [entry, inserted] =
                m_addressFlags.try_emplace({event.interfaceIndex, *event.address}, event.flags);
            if (!inserted) {
                if (entry->second == event.flags) return std::nullopt;  // a lifetime refresh
                entry->second = event.flags;
                change.detail = "flags changed";
            }
            change.kind = ChangeKind::AddressAdded;
            return change;
        }
        case NetlinkEventType::DelAddress:
            if (event.address) m_addressFlags.erase({event.interfaceIndex, *event.address});
            change.kind = ChangeKind::AddressRemoved;
            return change;
        case NetlinkEventType::NewLink: {
            // Up means administratively up with a carrier. The NEWLINK sent when a link comes up
            // may carry LOWER_UP before RUNNING (lo's does, and no second message follows).
            const bool up = (event.flags & IFF_UP) != 0 && (event.flags & (IFF_RUNNING | kIffLowerUp)) != 0;
            const auto [entry, inserted] = m_linkUp.try_emplace(event.interfaceIndex, up);
            if (inserted ? !up : entry->second == up) return std::nullopt;
            entry->second = up;
            change.kind = up ? ChangeKind::LinkUp : ChangeKind::LinkDown;
            return change;
        }
        case NetlinkEventType::DelLink:
            m_linkUp.erase(event.interfaceIndex);
            std::erase_if(m_addressFlags, [&](const auto& item) { return item.first.first == event.interfaceIndex; });
            change.kind = ChangeKind::LinkRemoved;
            return change;
        case NetlinkEventType::DefaultRoute:
            change.kind = ChangeKind::DefaultRouteChanged;
            change.detail = event.removed ? "removed" : "added";
            return change;
    }
    return std::nullopt;
}

}  // namespace qdyn::netmon
