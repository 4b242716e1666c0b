// takeInterfaceSnapshot on Windows: one GetAdaptersAddresses() call (the polling fallback).
// winsock2.h must come before the IP Helper headers.
// clang-format off
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
// clang-format on

#include <cstring>
#include <string>
#include <vector>

#include "interface_snapshot.hpp"

namespace qdyn::netmon {

Result<InterfaceSnapshot> takeInterfaceSnapshot() {
    const ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
    ULONG size = 16 * 1024;
    std::vector<unsigned char> buffer;
    ULONG status = ERROR_BUFFER_OVERFLOW;
    // The list can grow between the size query and the call: retry a few times.
    for (int attempt = 0; attempt < 4 && status == ERROR_BUFFER_OVERFLOW; ++attempt) {
        buffer.resize(size);
        status = GetAdaptersAddresses(AF_UNSPEC, flags, nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()),
                                      &size);
    }
    if (status == ERROR_NO_DATA) return InterfaceSnapshot{};
    if (status != NO_ERROR) return makeError("GetAdaptersAddresses failed with error " + std::to_string(status));

    InterfaceSnapshot snapshot;
    for (auto* adapter = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buffer.data()); adapter != nullptr;
         adapter = adapter->Next) {
        const std::string name = adapter->AdapterName != nullptr ? adapter->AdapterName : "";
        snapshot.links.push_back({name, adapter->OperStatus == IfOperStatusUp});
        for (auto* unicast = adapter->FirstUnicastAddress; unicast != nullptr; unicast = unicast->Next) {
            const sockaddr* address = unicast->Address.lpSockaddr;
            if (address == nullptr) continue;
            SnapshotAddress item{name, {}, unicast->OnLinkPrefixLength};
            if (address->sa_family == AF_INET) {
                IpAddress::V4Bytes bytes{};
                std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, bytes.size());
                item.address = IpAddress::fromV4(bytes);
            } else if (address->sa_family == AF_INET6) {
                IpAddress::V6Bytes bytes{};
                std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, bytes.size());
                item.address = IpAddress::fromV6(bytes);
            } else {
                continue;
            }
            snapshot.addresses.push_back(std::move(item));
        }
    }
    normalize(snapshot);
    return snapshot;
}

}  // namespace qdyn::netmon
