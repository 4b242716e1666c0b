// The system's resolvers on Windows: the DNS servers of the adapters as GetNetworkParams lists
// them (IPv4 only; a profile that needs IPv6 resolvers or other ones names them with verify).
// qdyn's headers before the Windows ones, so that no Windows macro reaches them.
#include "qdyn/agent/verifier.hpp"

// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>  // before iphlpapi.h, or its netioapi.h part is left out for good
#include <iphlpapi.h>
// clang-format on

#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

namespace qdyn::agent {

Result<std::vector<dns::ServerAddress>> systemResolvers() {
    ULONG size = 0;
    if (GetNetworkParams(nullptr, &size) != ERROR_BUFFER_OVERFLOW || size == 0) {
        return makeError("cannot read the system's DNS servers; give verify = [\"ADDRESS\", ...] in the profile");
    }
    // FIXED_INFO holds pointers: a buffer of them keeps it aligned.
    std::vector<void*> buffer((size + sizeof(void*) - 1) / sizeof(void*));
    auto* info = reinterpret_cast<FIXED_INFO*>(buffer.data());
    if (GetNetworkParams(info, &size) != ERROR_SUCCESS) {
        return makeError("cannot read the system's DNS servers; give verify = [\"ADDRESS\", ...] in the profile");
    }
    std::vector<dns::ServerAddress> resolvers;
    for (const IP_ADDR_STRING* entry = &info->DnsServerList; entry != nullptr && resolvers.size() < 3;
         entry = entry->Next) {
        const char* text = entry->IpAddress.String;
        const auto address = IpAddress::parse(std::string_view(text, strnlen(text, sizeof entry->IpAddress.String)));
        if (!address || address->scope() == AddressScope::Unspecified) continue;
        const dns::ServerAddress server{*address, 53};
        if (std::find(resolvers.begin(), resolvers.end(), server) == resolvers.end()) resolvers.push_back(server);
    }
    if (resolvers.empty()) {
        return makeError("the system lists no DNS server; give verify = [\"ADDRESS\", ...] in the profile");
    }
    return resolvers;
}

}  // namespace qdyn::agent
