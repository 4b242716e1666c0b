// The local interfaces as an address source: the addresses configured on this machine, with the
// IPv6 flags (temporary, deprecated, tentative, stable) the IPv6 policy needs to choose among them.
// One implementation per platform (interface_source_{linux,windows,macos}.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "qdyn/detect/source.hpp"

namespace qdyn::detect {

struct InterfaceOptions {
    // Only addresses on this interface ("eth0", "en0", a Windows adapter's friendly name);
    // empty: every interface.
    std::string interfaceName;
};

// An AddressSource that can also fill a caller's vector, so a detection round reuses the same
// storage and allocates nothing once warm (the agent runs one after every network event).
class InterfaceSource : public AddressSource {
public:
    [[nodiscard]] std::string_view kind() const override { return "interface"; }
    // Replaces `out`'s content with the addresses of `family` (every scope: checkAddress and the
    // policy decide later). An Error when the OS could not be asked.
    virtual Result<void> detectInto(AddressFamily family, std::vector<Candidate>& out) = 0;

    Result<std::vector<Candidate>> detect(AddressFamily family) override {
        std::vector<Candidate> out;
        auto status = detectInto(family, out);
        if (!status) return status.error();
        return out;
    }
};

// The platform's implementation (netlink on Linux, GetAdaptersAddresses on Windows, getifaddrs on
// macOS). The returned object keeps its OS handle and buffers between rounds.
std::unique_ptr<InterfaceSource> makeInterfaceSource(InterfaceOptions options = {});

}  // namespace qdyn::detect
