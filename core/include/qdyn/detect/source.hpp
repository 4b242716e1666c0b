// AddressSource: one way of learning this machine's public address for one address family (an
// echo service, a DNS name, STUN, the router, the local interfaces, a command, a file, a static
// value). Every source sits behind this interface, one file each; the detector asks several,
// checks what they say (address_check.hpp) and applies the profile's policy and consensus.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::detect {

// What one source found: the addresses it reports for the family asked (usually one; the
// local interfaces may give several, with what the IPv6 policy needs to choose).
struct Candidate {
    IpAddress address;
    std::string interfaceName;  // local interfaces only
    // IPv6 interface flags (local interfaces only; false elsewhere).
    bool temporary = false;     // RFC 8981 privacy address
    bool deprecated = false;    // preferred lifetime over
    bool tentative = false;     // duplicate address detection not finished
    bool stable = false;        // stable-privacy (RFC 7217) or manual/static: preferred
};

class AddressSource {
public:
    AddressSource() = default;
    AddressSource(const AddressSource&) = delete;
    AddressSource& operator=(const AddressSource&) = delete;
    virtual ~AddressSource() = default;

    // The source's kind as a profile names it: "http", "dns", "stun", "interface", "upnp",
    // "natpmp", "command", "file", "static", "myip".
    [[nodiscard]] virtual std::string_view kind() const = 0;
    // One line for people and `qdyn detect`: "http https://api64.ipify.org", "dns OpenDNS".
    [[nodiscard]] virtual std::string describe() const = 0;
    // The addresses this source reports for `family` now. An Error says why it could not tell
    // (timeout, malformed reply, wrong family, forged reply): the detector falls back to the
    // next source; a source never returns an address it did not get from its peer. Blocking,
    // bounded by the source's own timeout.
    virtual Result<std::vector<Candidate>> detect(AddressFamily family) = 0;
};

}  // namespace qdyn::detect
