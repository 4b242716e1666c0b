// Fuzz target: the request line of GnuDIP over TCP, as qdyn-server reads it
// (parseGnudipTcpRequest). Any octets are either refused with a message, or give a request
// whose fields are the line's own colon-separated fields, with a 32-digit lower-case hash, an
// IPv4 address exactly when reqc is 0, and a host name; it never crashes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "line/gnudip_tcp_session.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using qdyn::server::GnudipCode;
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const auto parsed = qdyn::server::parseGnudipTcpRequest(line);
    if (!parsed) {
        if (parsed.message().empty()) std::abort();
        return 0;
    }
    if (line.size() > qdyn::server::kGnudipTcpMaxLine) std::abort();
    const auto& request = *parsed;
    if (request.user.empty() || request.user.size() > qdyn::server::kGnudipMaxUser) std::abort();
    if (request.hash.size() != 32 || request.domain.empty()) std::abort();
    for (const char c : request.hash) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) std::abort();
    }
    // The fields are the line's, in order: user:hash:domain:reqc[:addr].
    const std::string code(1, static_cast<char>('0' + static_cast<int>(request.code)));
    const std::string head =
        std::string(request.user) + ":" + std::string(request.hash) + ":" + std::string(request.domain) + ":" + code;
    if (line.substr(0, head.size()) != head) std::abort();
    if (request.code == GnudipCode::SetAddress) {
        if (!request.address || !request.address->isV4()) std::abort();
        if (line.size() <= head.size() || line[head.size()] != ':') std::abort();
        if (qdyn::IpAddress::parse(line.substr(head.size() + 1)) != request.address) std::abort();
    } else if (request.address || line.size() != head.size()) {
        std::abort();
    }
    if (request.host.isRoot()) std::abort();
    return 0;
}
