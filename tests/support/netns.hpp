// Network namespaces for tests and benchmarks (Linux): enter a fresh namespace, bring lo up, add
// and remove addresses with rtnetlink requests written directly (no `ip` process, so timing
// starts the moment the kernel gets the request). Header-only: the netmon tests and the
// netmon_latency benchmark helper both use it. Only documentation ranges go inside (PEERS.md).
#pragma once

#if defined(__linux__)

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "qdyn/ip_address.hpp"

namespace qdyn::test {

// Moves the calling process into a new, empty network namespace: as root with CLONE_NEWNET, or
// else as an unprivileged user through a user namespace (what `unshare -rn` does). Call it in a
// single-threaded process (a fresh fork()ed child, or a helper's main). "" on success.
inline std::string enterNewNetworkNamespace() {
    if (::unshare(CLONE_NEWNET) == 0) return {};
    const int rootError = errno;
    const auto uid = ::getuid();
    const auto gid = ::getgid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
        return std::string("unshare(CLONE_NEWNET): ") + std::strerror(rootError) +
               "; unshare(CLONE_NEWUSER|CLONE_NEWNET): " + std::strerror(errno);
    }
    std::ofstream("/proc/self/setgroups") << "deny";
    std::ofstream("/proc/self/uid_map") << "0 " << uid << " 1";
    std::ofstream("/proc/self/gid_map") << "0 " << gid << " 1";
    return {};
}

// A NETLINK_ROUTE request socket: each call sends one request and waits for its ACK.
class RtnetlinkClient {
public:
    RtnetlinkClient() : m_fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) {}
    RtnetlinkClient(const RtnetlinkClient&) = delete;
    RtnetlinkClient& operator=(const RtnetlinkClient&) = delete;
    ~RtnetlinkClient() {
        if (m_fd >= 0) ::close(m_fd);
    }

    [[nodiscard]] bool valid() const { return m_fd >= 0; }

    // Sets IFF_UP on a link. "" on success.
    std::string setLinkUp(int index, bool up) {
        Request request(RTM_NEWLINK, 0);
        ifinfomsg info{};
        info.ifi_family = AF_UNSPEC;
        info.ifi_index = index;
        info.ifi_flags = up ? static_cast<unsigned>(IFF_UP) : 0U;
        info.ifi_change = IFF_UP;
        request.append(&info, sizeof info);
        return send(request);
    }

    // Adds (NLM_F_EXCL) or removes an address; IPv6 without duplicate address detection so it
    // is usable, and reported, at once. "" on success.
    std::string changeAddress(bool add, int index, const IpAddress& address, std::uint8_t prefix) {
        Request request(add ? RTM_NEWADDR : RTM_DELADDR, add ? (NLM_F_CREATE | NLM_F_EXCL) : 0);
        ifaddrmsg header{};
        header.ifa_family = address.isV4() ? AF_INET : AF_INET6;
        header.ifa_prefixlen = prefix;
        header.ifa_flags = address.isV6() ? IFA_F_NODAD : 0;
        header.ifa_scope = RT_SCOPE_UNIVERSE;
        header.ifa_index = static_cast<std::uint32_t>(index);
        request.append(&header, sizeof header);
        const auto bytes = address.bytes();
        request.attribute(IFA_LOCAL, bytes.data(), bytes.size());
        request.attribute(IFA_ADDRESS, bytes.data(), bytes.size());
        return send(request);
    }

private:
    struct Request {
        std::vector<std::uint8_t> bytes;
        Request(std::uint16_t type, int flags) : bytes(NLMSG_HDRLEN, 0) {
            nlmsghdr header{};
            header.nlmsg_type = type;
            header.nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
            header.nlmsg_seq = 1;
            std::memcpy(bytes.data(), &header, sizeof header);
        }
        void append(const void* data, std::size_t size) {
            const auto* raw = static_cast<const std::uint8_t*>(data);
            bytes.insert(bytes.end(), raw, raw + size);
            bytes.resize(NLMSG_ALIGN(bytes.size()), 0);
        }
        void attribute(std::uint16_t type, const void* data, std::size_t size) {
            rtattr header{};
            header.rta_len = static_cast<std::uint16_t>(RTA_LENGTH(size));
            header.rta_type = type;
            append(&header, sizeof header);  // 4 bytes: already aligned
            append(data, size);
        }
    };

    std::string send(Request& request) {
        if (m_fd < 0) return std::string("netlink socket: ") + std::strerror(errno);
        const auto length = static_cast<std::uint32_t>(request.bytes.size());
        std::memcpy(request.bytes.data(), &length, sizeof length);  // nlmsg_len comes first
        sockaddr_nl kernel{};
        kernel.nl_family = AF_NETLINK;
        if (::sendto(m_fd, request.bytes.data(), request.bytes.size(), 0, reinterpret_cast<const sockaddr*>(&kernel),
                     sizeof kernel) < 0) {
            return std::string("netlink sendto: ") + std::strerror(errno);
        }
        std::array<std::uint8_t, 8192> reply{};
        const auto received = ::recv(m_fd, reply.data(), reply.size(), 0);
        if (received < static_cast<ssize_t>(NLMSG_HDRLEN + sizeof(nlmsgerr))) return "netlink: short reply";
        nlmsghdr header{};
        std::memcpy(&header, reply.data(), sizeof header);
        if (header.nlmsg_type != NLMSG_ERROR) return "netlink: reply is not an ACK";
        nlmsgerr error{};
        std::memcpy(&error, reply.data() + NLMSG_HDRLEN, sizeof error);
        return error.error == 0 ? std::string() : std::string("netlink: ") + std::strerror(-error.error);
    }

    int m_fd = -1;
};

}  // namespace qdyn::test

#endif  // __linux__
