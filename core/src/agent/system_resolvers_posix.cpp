// The system's resolvers on Linux, the BSDs and macOS: /etc/resolv.conf (macOS writes one for
// the C library too, from its configuration daemon).
#include <fstream>
#include <iterator>
#include <string>

#include "qdyn/agent/verifier.hpp"

namespace qdyn::agent {

Result<std::vector<dns::ServerAddress>> systemResolvers() {
    constexpr std::size_t kMaxFile = 64 * 1024;  // real ones are a few hundred octets
    std::string text;
    if (std::ifstream in("/etc/resolv.conf", std::ios::binary); in) {
        text.resize(kMaxFile);
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<std::size_t>(in.gcount()));
    }
    auto resolvers = parseResolvConf(text);
    // A missing file or one without nameserver lines means the local host to glibc and musl.
    if (resolvers.empty()) resolvers.push_back(dns::ServerAddress{*IpAddress::parse("127.0.0.1"), 53});
    return resolvers;
}

}  // namespace qdyn::agent
