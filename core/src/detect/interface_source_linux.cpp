// The local interfaces on Linux: an rtnetlink RTM_GETADDR dump, because only netlink carries the
// IPv6 address flags (temporary, deprecated, tentative, stable-privacy) that getifaddrs drops.
// The socket, the receive buffer and the name cache live in the object, so a round after the
// first makes a handful of syscalls and allocates nothing.
#include "qdyn/detect/interface_source.hpp"

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "netlink_addr_linux.hpp"

namespace qdyn::detect {

namespace {

constexpr std::size_t kReceiveBuffer = 64 * 1024;  // the kernel fills dump datagrams up to 32 KiB
constexpr std::size_t kNameCacheSize = 64;

Error systemError(const char* what) { return makeError(std::string("netlink: ") + what + ": " + std::strerror(errno)); }

class LinuxInterfaceSource final : public InterfaceSource, private netlink::AddressSink {
public:
    explicit LinuxInterfaceSource(InterfaceOptions options)
        : m_options(std::move(options)), m_buffer(kReceiveBuffer) {}
    ~LinuxInterfaceSource() override { closeSocket(); }
    LinuxInterfaceSource(const LinuxInterfaceSource&) = delete;
    LinuxInterfaceSource& operator=(const LinuxInterfaceSource&) = delete;

    [[nodiscard]] std::string describe() const override {
        return m_options.interfaceName.empty() ? "interface (all)" : "interface " + m_options.interfaceName;
    }

    Result<void> detectInto(AddressFamily family, std::vector<Candidate>& out) override {
        out.clear();
        m_out = &out;
        m_family = family;
        m_nameCount = 0;
        m_filterIndex = 0;
        if (!m_options.interfaceName.empty()) {
            m_filterIndex = ::if_nametoindex(m_options.interfaceName.c_str());
            if (m_filterIndex == 0) return makeError("no interface named " + m_options.interfaceName);
        }
        // A change during the dump makes the kernel flag it as interrupted: ask again once.
        auto result = dump();
        if (!result) {
            out.clear();
            result = dump();
        }
        m_out = nullptr;
        if (!result) {
            out.clear();
            closeSocket();  // whatever is left of a broken dump must not reach the next round
        }
        return result;
    }

private:
    Result<void> openSocket() {
        if (m_socket >= 0) return {};
        m_socket = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (m_socket < 0) return systemError("socket");
        // The kernel answers at once; the timeout only guards against a bug hanging the agent.
        timeval timeout{1, 0};
        ::setsockopt(m_socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        sockaddr_nl local{};
        local.nl_family = AF_NETLINK;
        if (::bind(m_socket, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) != 0) {
            auto error = systemError("bind");
            closeSocket();
            return error;
        }
        return {};
    }

    void closeSocket() noexcept {
        if (m_socket >= 0) ::close(m_socket);
        m_socket = -1;
    }

    Result<void> dump() {
        if (auto opened = openSocket(); !opened) return opened;
        struct Request {
            nlmsghdr header;
            ifaddrmsg body;
        } request{};
        request.header.nlmsg_len = sizeof(request);
        request.header.nlmsg_type = RTM_GETADDR;
        request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        request.header.nlmsg_seq = ++m_seq;
        request.body.ifa_family = m_family == AddressFamily::V4 ? AF_INET : AF_INET6;
        sockaddr_nl kernel{};
        kernel.nl_family = AF_NETLINK;
        if (::sendto(m_socket, &request, sizeof(request), 0, reinterpret_cast<const sockaddr*>(&kernel),
                     sizeof(kernel)) < 0) {
            return systemError("send");
        }
        for (;;) {
            sockaddr_nl from{};
            iovec iov{m_buffer.data(), m_buffer.size()};
            msghdr msg{};
            msg.msg_name = &from;
            msg.msg_namelen = sizeof(from);
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            const ssize_t got = ::recvmsg(m_socket, &msg, 0);
            if (got < 0) {
                if (errno == EINTR) continue;
                return systemError("receive");
            }
            if ((msg.msg_flags & MSG_TRUNC) != 0) return makeError("netlink: datagram larger than the buffer");
            if (from.nl_pid != 0) continue;  // only the kernel speaks for the kernel
            auto step = netlink::parseAddressDump(std::span(m_buffer.data(), static_cast<std::size_t>(got)), m_seq,
                                                  *this);
            if (!step) return step.error();
            if (*step == netlink::Step::Done) return {};
        }
    }

    void onAddress(const netlink::AddressMessage& message) override {
        if (m_filterIndex != 0 && message.ifindex != m_filterIndex) return;
        if (message.address.family() != m_family) return;
        Candidate& candidate = m_out->emplace_back();
        candidate.address = message.address;
        candidate.interfaceName = nameOf(message.ifindex);  // at most 15 bytes: no allocation (SSO)
        if (message.address.isV6()) {
            candidate.temporary = (message.flags & IFA_F_TEMPORARY) != 0;
            candidate.deprecated = (message.flags & IFA_F_DEPRECATED) != 0;
            candidate.tentative = (message.flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) != 0;
            // Static (manually configured), stable-privacy (RFC 7217) or the SLAAC address from
            // which the kernel derives temporary ones: all stay put while the prefix does.
            candidate.stable = !candidate.temporary &&
                               (message.flags & (IFA_F_PERMANENT | IFA_F_STABLE_PRIVACY | IFA_F_MANAGETEMPADDR)) != 0;
        }
    }

    // if_indextoname costs a socket and an ioctl; a round asks once per interface.
    std::string_view nameOf(std::uint32_t index) {
        for (std::size_t i = 0; i < m_nameCount; ++i) {
            if (m_names[i].index == index) return m_names[i].name.data();
        }
        std::array<char, IF_NAMESIZE> name{};
        if (::if_indextoname(index, name.data()) == nullptr) return {};
        // A full cache (more interfaces than slots) recycles its last slot: still correct, just slower.
        CachedName& slot = m_names[m_nameCount < m_names.size() ? m_nameCount++ : m_names.size() - 1];
        slot = {index, name};
        return slot.name.data();
    }

    struct CachedName {
        std::uint32_t index = 0;
        std::array<char, IF_NAMESIZE> name{};
    };

    InterfaceOptions m_options;
    int m_socket = -1;
    std::uint32_t m_seq = 0;
    std::vector<std::uint8_t> m_buffer;
    AddressFamily m_family = AddressFamily::V4;
    std::vector<Candidate>* m_out = nullptr;
    std::uint32_t m_filterIndex = 0;
    std::array<CachedName, kNameCacheSize> m_names{};
    std::size_t m_nameCount = 0;
};

}  // namespace

std::unique_ptr<InterfaceSource> makeInterfaceSource(InterfaceOptions options) {
    return std::make_unique<LinuxInterfaceSource>(std::move(options));
}

}  // namespace qdyn::detect
