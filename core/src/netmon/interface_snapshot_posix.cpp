// takeInterfaceSnapshot on Linux and macOS: one getifaddrs() call.
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <memory>

#include "interface_snapshot.hpp"

namespace qdyn::netmon {

namespace {

struct IfaddrsDeleter {
    void operator()(ifaddrs* list) const noexcept { freeifaddrs(list); }
};

std::uint8_t prefixOf(const sockaddr* netmask, std::size_t bytes) {
    if (netmask == nullptr) return 0;
    const auto* raw = reinterpret_cast<const std::uint8_t*>(
        netmask->sa_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(netmask)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(netmask)->sin6_addr));
    int bits = 0;
    for (std::size_t i = 0; i < bytes; ++i)
        bits += std::popcount(raw[i]);
    return static_cast<std::uint8_t>(bits);
}

}  // namespace

Result<InterfaceSnapshot> takeInterfaceSnapshot() {
    ifaddrs* raw = nullptr;
    if (getifaddrs(&raw) != 0) return makeError(std::string("getifaddrs: ") + std::strerror(errno));
    const std::unique_ptr<ifaddrs, IfaddrsDeleter> list(raw);

    InterfaceSnapshot snapshot;
    for (const ifaddrs* entry = raw; entry != nullptr; entry = entry->ifa_next) {
        if (entry->ifa_name == nullptr) continue;
        const bool up = (entry->ifa_flags & IFF_UP) != 0 && (entry->ifa_flags & IFF_RUNNING) != 0;
        snapshot.links.push_back({entry->ifa_name, up});
        const sockaddr* address = entry->ifa_addr;
        if (address == nullptr) continue;
        SnapshotAddress item{entry->ifa_name, {}, 0};
        if (address->sa_family == AF_INET) {
            IpAddress::V4Bytes bytes{};
            std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, bytes.size());
            item.address = IpAddress::fromV4(bytes);
            item.prefixLength = prefixOf(entry->ifa_netmask, 4);
        } else if (address->sa_family == AF_INET6) {
            IpAddress::V6Bytes bytes{};
            std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, bytes.size());
            item.address = IpAddress::fromV6(bytes);
            item.prefixLength = prefixOf(entry->ifa_netmask, 16);
        } else {
            continue;
        }
        snapshot.addresses.push_back(std::move(item));
    }
    normalize(snapshot);  // getifaddrs lists a link once per address
    return snapshot;
}

}  // namespace qdyn::netmon
