// Whether an address a source reported may be published: every source's answer passes here
// before the policy sees it (PROTOCOLS.md, "Where the public address comes from").
#pragma once

#include <string>
#include <string_view>

#include "qdyn/ip_address.hpp"

namespace qdyn::detect {

enum class Verdict {
    Publishable,  // a global unicast address
    BehindNat,    // private (RFC 1918), CGNAT (100.64/10) or unique local: reported, never published by default
    Rejected,     // loopback, link-local, multicast, unspecified, documentation, reserved: never
};

std::string_view toString(Verdict verdict) noexcept;

struct CheckOptions {
    // Tests only: their servers live on loopback and hand out documentation addresses, which
    // a real source never may. Never set from a profile.
    bool allowDocumentation = false;
    // A profile may publish private addresses on purpose (a LAN-only zone).
    bool allowPrivate = false;
};

struct Checked {
    Verdict verdict = Verdict::Rejected;
    std::string why;  // "loopback", "documentation range", "private (RFC 1918)", ...
};

Checked checkAddress(const IpAddress& address, const CheckOptions& options = {});

}  // namespace qdyn::detect
