// The local interfaces on Windows: GetAdaptersAddresses, whose unicast entries carry the DAD
// state (tentative, deprecated) and the prefix and suffix origins the IPv6 policy needs.
// Compiled on Windows only. The result buffer is kept and grown between rounds.
// clang-format off
#include "qdyn/windows_text.hpp"  // <windows.h> lean, so winsock2.h may follow it
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>
// clang-format on

#include <cstring>
#include <utility>

#include "qdyn/detect/interface_source.hpp"

namespace qdyn::detect {

namespace {

constexpr ULONG kInitialBuffer = 16 * 1024;
constexpr ULONG kSevenDays = 7 * 24 * 3600;

class WindowsInterfaceSource final : public InterfaceSource {
public:
    explicit WindowsInterfaceSource(InterfaceOptions options)
        : m_options(std::move(options)), m_buffer(kInitialBuffer) {}

    [[nodiscard]] std::string describe() const override {
        return m_options.interfaceName.empty() ? "interface (all)" : "interface " + m_options.interfaceName;
    }

    Result<void> detectInto(AddressFamily family, std::vector<Candidate>& out) override {
        out.clear();
        const ULONG af = family == AddressFamily::V4 ? AF_INET : AF_INET6;
        const ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
        ULONG status = ERROR_BUFFER_OVERFLOW;
        // The list can grow between the size query and the call: a few attempts.
        for (int attempt = 0; attempt < 4 && status == ERROR_BUFFER_OVERFLOW; ++attempt) {
            auto size = static_cast<ULONG>(m_buffer.size());
            status = ::GetAdaptersAddresses(af, flags, nullptr, adapters(), &size);
            if (status == ERROR_BUFFER_OVERFLOW) m_buffer.resize(size);
        }
        if (status == ERROR_NO_DATA) return {};
        if (status != NO_ERROR) return makeError("GetAdaptersAddresses failed with " + std::to_string(status));

        bool sawInterface = m_options.interfaceName.empty();
        for (const IP_ADAPTER_ADDRESSES* adapter = adapters(); adapter != nullptr; adapter = adapter->Next) {
            const std::string friendly = adapter->FriendlyName != nullptr ? narrow(adapter->FriendlyName) : std::string();
            if (!m_options.interfaceName.empty()) {
                // A profile may name the friendly name ("Ethernet") or the adapter's GUID name.
                if (friendly != m_options.interfaceName && m_options.interfaceName != adapter->AdapterName) continue;
                sawInterface = true;
            }
            for (const IP_ADAPTER_UNICAST_ADDRESS* unicast = adapter->FirstUnicastAddress; unicast != nullptr;
                 unicast = unicast->Next) {
                add(family, friendly, *unicast, out);
            }
        }
        if (!sawInterface) return makeError("no interface named " + m_options.interfaceName);
        return {};
    }

private:
    IP_ADAPTER_ADDRESSES* adapters() { return reinterpret_cast<IP_ADAPTER_ADDRESSES*>(m_buffer.data()); }

    static void add(AddressFamily family, const std::string& name, const IP_ADAPTER_UNICAST_ADDRESS& unicast,
                    std::vector<Candidate>& out) {
        const SOCKADDR* sa = unicast.Address.lpSockaddr;
        if (sa == nullptr) return;
        if (family == AddressFamily::V4 && sa->sa_family == AF_INET) {
            sockaddr_in sin{};
            std::memcpy(&sin, sa, sizeof(sin));
            IpAddress::V4Bytes bytes{};
            std::memcpy(bytes.data(), &sin.sin_addr, bytes.size());
            Candidate& candidate = out.emplace_back();
            candidate.address = IpAddress::fromV4(bytes);
            candidate.interfaceName = name;
            return;
        }
        if (family != AddressFamily::V6 || sa->sa_family != AF_INET6) return;
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, sa, sizeof(sin6));
        IpAddress::V6Bytes bytes{};
        std::memcpy(bytes.data(), &sin6.sin6_addr, bytes.size());
        Candidate& candidate = out.emplace_back();
        candidate.address = IpAddress::fromV6(bytes);
        candidate.interfaceName = name;
        candidate.tentative = unicast.DadState == IpDadStateTentative || unicast.DadState == IpDadStateDuplicate ||
                              unicast.DadState == IpDadStateInvalid;
        candidate.deprecated = unicast.DadState == IpDadStateDeprecated;
        // Windows marks both RFC 4941 temporary and its stable random identifiers as "random";
        // a temporary one is the RA-derived random address with the short (<= 7 days) lifetime.
        // A heuristic, documented as such: the policy's preferStable still favours the others.
        const bool randomFromRa = unicast.SuffixOrigin == IpSuffixOriginRandom &&
                                  unicast.PrefixOrigin == IpPrefixOriginRouterAdvertisement;
        candidate.temporary = randomFromRa && unicast.ValidLifetime <= kSevenDays;
        candidate.stable = !candidate.temporary && (unicast.PrefixOrigin == IpPrefixOriginManual ||
                                                    unicast.SuffixOrigin == IpSuffixOriginManual ||
                                                    unicast.SuffixOrigin == IpSuffixOriginLinkLayerAddress ||
                                                    unicast.PrefixOrigin == IpPrefixOriginDhcp || randomFromRa);
    }

    InterfaceOptions m_options;
    std::vector<unsigned char> m_buffer;  // holds IP_ADAPTER_ADDRESSES; vector storage is suitably aligned via new
};

}  // namespace

std::unique_ptr<InterfaceSource> makeInterfaceSource(InterfaceOptions options) {
    return std::make_unique<WindowsInterfaceSource>(std::move(options));
}

}  // namespace qdyn::detect
