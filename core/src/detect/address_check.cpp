// checkAddress: the one gate every source's answer passes before the policy sees it. The scope
// classification lives in IpAddress; this file only decides what each scope means for publishing.
#include "qdyn/detect/address_check.hpp"

namespace qdyn::detect {

std::string_view toString(Verdict verdict) noexcept {
    switch (verdict) {
        case Verdict::Publishable: return "publishable";
        case Verdict::BehindNat: return "behind NAT";
        case Verdict::Rejected: return "rejected";
    }
    return "rejected";
}

Checked checkAddress(const IpAddress& address, const CheckOptions& options) {
    switch (address.scope()) {
        case AddressScope::Global: return {Verdict::Publishable, "global unicast"};
        case AddressScope::Private:
            return {options.allowPrivate ? Verdict::Publishable : Verdict::BehindNat, "private (RFC 1918)"};
        case AddressScope::SharedCgnat:
            return {options.allowPrivate ? Verdict::Publishable : Verdict::BehindNat,
                    "shared address space (CGNAT, RFC 6598)"};
        case AddressScope::UniqueLocal:
            return {options.allowPrivate ? Verdict::Publishable : Verdict::BehindNat, "unique local (fc00::/7)"};
        case AddressScope::Documentation:
            // Allowed only for tests, whose loopback servers hand out documentation addresses.
            return {options.allowDocumentation ? Verdict::Publishable : Verdict::Rejected, "documentation range"};
        case AddressScope::Loopback: return {Verdict::Rejected, "loopback"};
        case AddressScope::LinkLocal: return {Verdict::Rejected, "link-local"};
        case AddressScope::Multicast: return {Verdict::Rejected, "multicast"};
        case AddressScope::Unspecified: return {Verdict::Rejected, "unspecified"};
        case AddressScope::Reserved: return {Verdict::Rejected, "reserved"};
    }
    return {Verdict::Rejected, "unknown scope"};
}

}  // namespace qdyn::detect
