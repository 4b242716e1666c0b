// Fuzz target: the verifier's text parsers. Any bytes as a resolv.conf give at most three
// usable resolvers on port 53; any bytes as one server address are rejected or give a server
// that prints back to text parsing to the same server. Neither ever crashes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qdyn/agent/verifier.hpp"

namespace {

void checkRoundTrip(const qdyn::dns::ServerAddress& server) {
    const auto again = qdyn::agent::parseServerAddress(qdyn::agent::formatServerAddress(server));
    if (!again || !(*again == server)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using qdyn::AddressScope;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const auto resolvers = qdyn::agent::parseResolvConf(text);
    if (resolvers.size() > 3) std::abort();
    for (const auto& server : resolvers) {
        const AddressScope scope = server.address.scope();
        if (server.port != 53 || scope == AddressScope::Unspecified || scope == AddressScope::Multicast ||
            (server.address.isV6() && scope == AddressScope::LinkLocal)) {
            std::abort();
        }
        checkRoundTrip(server);
    }

    const auto single = qdyn::agent::parseServerAddress(text);
    if (single) {
        if (size > 64 || text.find_first_of(std::string_view(" \t\r\n\0%", 7)) != std::string_view::npos) std::abort();
        checkRoundTrip(*single);
    }
    // Each line alone as well, so a resolv.conf seed also exercises the address parser.
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        if (const auto line = qdyn::agent::parseServerAddress(text.substr(start, end - start))) checkRoundTrip(*line);
        start = end + 1;
    }
    return 0;
}
