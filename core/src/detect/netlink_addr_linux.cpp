// Parsing an RTM_GETADDR dump. The kernel is trusted more than the network, but every length
// is still checked: the fuzz target feeds this function arbitrary bytes. Headers are copied out
// with memcpy because a datagram buffer gives no alignment guarantee.
#include "netlink_addr_linux.hpp"

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace qdyn::detect::netlink {

namespace {

constexpr std::size_t align4(std::size_t n) { return (n + 3U) & ~std::size_t{3}; }

template <typename T>
T load(std::span<const std::uint8_t> bytes, std::size_t offset) {
    T value{};
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

// One RTM_NEWADDR payload (after the nlmsghdr).
Result<Step> parseNewAddr(std::span<const std::uint8_t> payload, AddressSink& sink) {
    if (payload.size() < sizeof(ifaddrmsg)) return makeError("netlink: short RTM_NEWADDR");
    const auto header = load<ifaddrmsg>(payload, 0);
    if (header.ifa_family != AF_INET && header.ifa_family != AF_INET6) return Step::More;
    const std::size_t addressLength = header.ifa_family == AF_INET ? 4 : 16;

    AddressMessage message;
    message.ifindex = header.ifa_index;
    message.prefixLength = header.ifa_prefixlen;
    message.flags = header.ifa_flags;
    std::span<const std::uint8_t> local;
    std::span<const std::uint8_t> address;

    std::size_t offset = align4(sizeof(ifaddrmsg));
    while (offset + sizeof(rtattr) <= payload.size()) {
        const auto attr = load<rtattr>(payload, offset);
        if (attr.rta_len < sizeof(rtattr) || attr.rta_len > payload.size() - offset) {
            return makeError("netlink: malformed address attribute");
        }
        const auto data = payload.subspan(offset + sizeof(rtattr), attr.rta_len - sizeof(rtattr));
        switch (attr.rta_type) {
            case IFA_ADDRESS:
                if (data.size() != addressLength) return makeError("netlink: address of the wrong length");
                address = data;
                break;
            case IFA_LOCAL:
                if (data.size() != addressLength) return makeError("netlink: address of the wrong length");
                local = data;
                break;
            case IFA_FLAGS:
                if (data.size() != sizeof(std::uint32_t)) return makeError("netlink: IFA_FLAGS of the wrong length");
                message.flags = load<std::uint32_t>(data, 0);
                break;
            default: break;
        }
        offset += align4(attr.rta_len);
    }
    const auto chosen = local.empty() ? address : local;
    if (chosen.empty()) return Step::More;  // an address message without an address: nothing to report
    if (addressLength == 4) {
        IpAddress::V4Bytes bytes{};
        std::memcpy(bytes.data(), chosen.data(), bytes.size());
        message.address = IpAddress::fromV4(bytes);
    } else {
        IpAddress::V6Bytes bytes{};
        std::memcpy(bytes.data(), chosen.data(), bytes.size());
        message.address = IpAddress::fromV6(bytes);
    }
    sink.onAddress(message);
    return Step::More;
}

}  // namespace

Result<Step> parseAddressDump(std::span<const std::uint8_t> datagram, std::uint32_t seq, AddressSink& sink) {
    std::size_t offset = 0;
    while (datagram.size() - offset >= sizeof(nlmsghdr)) {
        const auto header = load<nlmsghdr>(datagram, offset);
        if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > datagram.size() - offset) {
            return makeError("netlink: truncated message");
        }
        const auto payload = datagram.subspan(offset + align4(sizeof(nlmsghdr)),
                                              header.nlmsg_len - align4(sizeof(nlmsghdr)));
        offset += std::min(align4(header.nlmsg_len), datagram.size() - offset);
        if (header.nlmsg_seq != seq) continue;  // left over from an earlier request
        if ((header.nlmsg_flags & NLM_F_DUMP_INTR) != 0) return makeError("netlink: dump interrupted by a change");
        switch (header.nlmsg_type) {
            case NLMSG_DONE: return Step::Done;
            case NLMSG_NOOP: break;
            case NLMSG_ERROR: {
                int code = 0;
                if (payload.size() >= sizeof(int)) code = load<int>(payload, 0);
                return makeError("netlink: error " + std::to_string(code) + " (" + std::strerror(code < 0 ? -code : code) +
                                 ")");
            }
            case RTM_NEWADDR: {
                auto step = parseNewAddr(payload, sink);
                if (!step) return step;
                break;
            }
            default: break;
        }
    }
    if (offset != datagram.size()) return makeError("netlink: trailing bytes");
    return Step::More;
}

}  // namespace qdyn::detect::netlink
