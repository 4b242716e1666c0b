// Fuzzes the rtnetlink parser and the change filter: any bytes must parse without reading
// outside the buffer, and every event must carry what its type promises.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "netmon/netlink_parser.hpp"

namespace {

[[noreturn]] void failure(const char* what) {
    std::fprintf(stderr, "netlink fuzz: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace qdyn::netmon;
    const auto result = parseNetlinkMessages(std::span<const std::uint8_t>(data, size));
    // A datagram of n bytes holds at most n / 16 messages (the netlink header's size).
    if (result.events.size() > size / 16) failure("more events than messages fit");
    NetlinkChangeFilter filter;
    for (const auto& event : result.events) {
        const bool addressEvent =
            event.type == NetlinkEventType::NewAddress || event.type == NetlinkEventType::DelAddress;
        if (addressEvent && !event.address) failure("an address event without an address");
        if (event.interfaceName.size() > 16) failure("an interface name longer than IFNAMSIZ");
        const auto change = filter.apply(event);
        if (change) (void)toString(*change);
    }
    return 0;
}
