// The local interfaces on macOS: getifaddrs for the addresses, and for each IPv6 one the
// SIOCGIFAFLAG_IN6 ioctl for its flags (temporary, deprecated, tentative, secured), which
// getifaddrs does not carry. Compiled on Apple platforms only. getifaddrs allocates its list;
// the ioctl socket is kept between rounds.
#include "qdyn/detect/interface_source.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet6/in6_var.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace qdyn::detect {

namespace {

class IfAddrs {
public:
    IfAddrs() = default;
    ~IfAddrs() {
        if (m_list != nullptr) ::freeifaddrs(m_list);
    }
    IfAddrs(const IfAddrs&) = delete;
    IfAddrs& operator=(const IfAddrs&) = delete;
    bool load() { return ::getifaddrs(&m_list) == 0; }
    [[nodiscard]] const ifaddrs* first() const noexcept { return m_list; }

private:
    ifaddrs* m_list = nullptr;
};

class MacosInterfaceSource final : public InterfaceSource {
public:
    explicit MacosInterfaceSource(InterfaceOptions options) : m_options(std::move(options)) {}
    ~MacosInterfaceSource() override {
        if (m_socket6 >= 0) ::close(m_socket6);
    }
    MacosInterfaceSource(const MacosInterfaceSource&) = delete;
    MacosInterfaceSource& operator=(const MacosInterfaceSource&) = delete;

    [[nodiscard]] std::string describe() const override {
        return m_options.interfaceName.empty() ? "interface (all)" : "interface " + m_options.interfaceName;
    }

    Result<void> detectInto(AddressFamily family, std::vector<Candidate>& out) override {
        out.clear();
        if (!m_options.interfaceName.empty() && ::if_nametoindex(m_options.interfaceName.c_str()) == 0) {
            return makeError("no interface named " + m_options.interfaceName);
        }
        IfAddrs list;
        if (!list.load()) return makeError(std::string("getifaddrs: ") + std::strerror(errno));
        if (family == AddressFamily::V6 && m_socket6 < 0) {
            m_socket6 = ::socket(AF_INET6, SOCK_DGRAM, 0);
            if (m_socket6 < 0) return makeError(std::string("socket: ") + std::strerror(errno));
        }
        for (const ifaddrs* entry = list.first(); entry != nullptr; entry = entry->ifa_next) {
            if (entry->ifa_addr == nullptr || entry->ifa_name == nullptr) continue;
            if (!m_options.interfaceName.empty() && m_options.interfaceName != entry->ifa_name) continue;
            if (family == AddressFamily::V4 && entry->ifa_addr->sa_family == AF_INET) {
                sockaddr_in sin{};
                std::memcpy(&sin, entry->ifa_addr, sizeof(sin));
                IpAddress::V4Bytes bytes{};
                std::memcpy(bytes.data(), &sin.sin_addr, bytes.size());
                Candidate& candidate = out.emplace_back();
                candidate.address = IpAddress::fromV4(bytes);
                candidate.interfaceName = entry->ifa_name;
            } else if (family == AddressFamily::V6 && entry->ifa_addr->sa_family == AF_INET6) {
                sockaddr_in6 sin6{};
                std::memcpy(&sin6, entry->ifa_addr, sizeof(sin6));
                IpAddress::V6Bytes bytes{};
                std::memcpy(bytes.data(), &sin6.sin6_addr, bytes.size());
                Candidate& candidate = out.emplace_back();
                candidate.address = IpAddress::fromV6(bytes);
                candidate.interfaceName = entry->ifa_name;
                applyFlags(entry->ifa_name, sin6, candidate);
            }
        }
        return {};
    }

private:
    // Without the flags an address is reported as plain (neither temporary nor stable): the
    // policy then still skips link-local and ULA ones by their scope.
    void applyFlags(const char* name, const sockaddr_in6& address, Candidate& candidate) const {
        in6_ifreq request{};
        std::strncpy(request.ifr_name, name, sizeof(request.ifr_name) - 1);
        request.ifr_ifru.ifru_addr = address;
        if (::ioctl(m_socket6, SIOCGIFAFLAG_IN6, &request) != 0) return;
        const int flags = request.ifr_ifru.ifru_flags6;
        candidate.temporary = (flags & IN6_IFF_TEMPORARY) != 0;
        candidate.deprecated = (flags & IN6_IFF_DEPRECATED) != 0;
        candidate.tentative = (flags & (IN6_IFF_TENTATIVE | IN6_IFF_DUPLICATED)) != 0;
        // Secured (RFC 7217, macOS's default for SLAAC) or configured by hand (not autoconf).
        candidate.stable = !candidate.temporary && ((flags & IN6_IFF_SECURED) != 0 || (flags & IN6_IFF_AUTOCONF) == 0);
    }

    InterfaceOptions m_options;
    int m_socket6 = -1;
};

}  // namespace

std::unique_ptr<InterfaceSource> makeInterfaceSource(InterfaceOptions options) {
    return std::make_unique<MacosInterfaceSource>(std::move(options));
}

}  // namespace qdyn::detect
