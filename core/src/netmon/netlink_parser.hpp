// The rtnetlink parser: the bytes of one recv() on a NETLINK_ROUTE socket into typed events,
// and the filter that keeps only real changes. Pure functions over bytes (no socket), so the
// tests feed hand-built messages and tests/fuzz/netlink_message_fuzz.cpp feeds anything.
// Linux only (it reads the kernel's struct layouts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn/netmon/monitor.hpp"

namespace qdyn::netmon {

enum class NetlinkEventType : std::uint8_t { NewAddress, DelAddress, NewLink, DelLink, DefaultRoute };

struct NetlinkEvent {
    NetlinkEventType type = NetlinkEventType::NewAddress;
    std::uint32_t interfaceIndex = 0;
    std::string interfaceName;         // IFLA_IFNAME, or IFA_LABEL (IPv4 only); often empty
    std::optional<IpAddress> address;  // the address; for a route its gateway
    std::uint8_t prefixLength = 0;
    std::uint32_t flags = 0;  // IFA_F_* (IFA_FLAGS when present) or IFF_* for links
    bool removed = false;     // DefaultRoute: RTM_DELROUTE
};

struct NetlinkParseResult {
    std::vector<NetlinkEvent> events;
    std::size_t malformed = 0;  // messages skipped for bad lengths or truncated bodies
    bool overrun = false;       // an NLMSG_ERROR carrying ENOBUFS: the kernel dropped events
    bool done = false;          // NLMSG_DONE, or any NLMSG_ERROR: the end of a dump's reply
};

// Walks every message in `buffer` (one datagram). Never reads outside it; skips what it does
// not understand. Routes are reported only when they are default routes (dst_len 0) of the main
// table: the local and prefix routes that come with every address are that address's echo.
NetlinkParseResult parseNetlinkMessages(std::span<const std::uint8_t> buffer);

// Turns events into changes, dropping what is no change: an RTM_NEWADDR for a known address
// with the same flags is the kernel refreshing lifetimes (IFA_CACHEINFO, sent on every IPv6
// router advertisement); an RTM_NEWLINK with the same up/down state is an MTU, name or
// statistics update. What it never saw before the monitor started counts as new once.
class NetlinkChangeFilter {
public:
    std::optional<NetworkChange> apply(const NetlinkEvent& event);

private:
    using AddressKey = std::pair<std::uint32_t, IpAddress>;
    std::map<AddressKey, std::uint32_t> m_addressFlags;
    std::map<std::uint32_t, bool> m_linkUp;
};

}  // namespace qdyn::netmon
