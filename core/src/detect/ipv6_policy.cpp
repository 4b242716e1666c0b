// chooseIpv6: the IPv6 policy as a pure function over a source's candidates, so a table of
// addresses and flags tests it completely.
#include "qdyn/detect/ipv6_policy.hpp"

#include <cstdint>

namespace qdyn::detect {

namespace {

// Why the policy skips a candidate before checkAddress sees it; empty when it does not.
std::string policySkip(const Candidate& candidate, const Ipv6Policy& policy) {
    if (!candidate.address.isV6()) return "not an IPv6 address";
    if (!policy.interfaceName.empty() && !candidate.interfaceName.empty() &&
        candidate.interfaceName != policy.interfaceName) {
        return "on " + candidate.interfaceName + ", not " + policy.interfaceName;
    }
    if (candidate.tentative) return "tentative (duplicate address detection not finished)";
    if (candidate.address.scope() == AddressScope::LinkLocal) return "link-local";
    if (policy.skipDeprecated && candidate.deprecated) return "deprecated";
    if (policy.skipTemporary && candidate.temporary) return "temporary (privacy address)";
    return {};
}

}  // namespace

IpAddress combinePrefixAndInterfaceId(const IpAddress& prefix, unsigned prefixLength, const IpAddress& interfaceId) {
    IpAddress::V6Bytes out = prefix.v6Bytes();
    const IpAddress::V6Bytes& iid = interfaceId.v6Bytes();
    for (unsigned bit = prefixLength; bit < 128; ++bit) {
        const unsigned byte = bit / 8;
        const auto mask = static_cast<std::uint8_t>(0x80U >> (bit % 8));
        out[byte] = static_cast<std::uint8_t>((out[byte] & ~mask) | (iid[byte] & mask));
    }
    return IpAddress::fromV6(out);
}

Ipv6Choice chooseIpv6(std::span<const Candidate> candidates, const Ipv6Policy& policy, const CheckOptions& check) {
    Ipv6Choice choice;
    if (policy.interfaceId && (policy.prefixLength == 0 || policy.prefixLength >= 128 || !policy.interfaceId->isV6())) {
        choice.reason = "invalid policy: prefix length must be 1..127 and the interface id an IPv6 address";
        return choice;
    }

    // The eligible candidates: first a stable one (when preferred), else the first publishable.
    const Candidate* best = nullptr;
    const Candidate* firstBehindNat = nullptr;
    std::vector<const Candidate*> eligible;
    for (const Candidate& candidate : candidates) {
        if (std::string why = policySkip(candidate, policy); !why.empty()) {
            choice.skipped.push_back({candidate.address, std::move(why)});
            continue;
        }
        const Checked checked = checkAddress(candidate.address, check);
        if (checked.verdict == Verdict::Rejected) {
            choice.skipped.push_back({candidate.address, checked.why});
            continue;
        }
        if (checked.verdict == Verdict::BehindNat) {
            if (firstBehindNat == nullptr) firstBehindNat = &candidate;
            choice.skipped.push_back({candidate.address, "behind NAT: " + checked.why});
            continue;
        }
        eligible.push_back(&candidate);
    }
    if (policy.preferStable) {
        for (const Candidate* candidate : eligible) {
            if (candidate->stable) {
                best = candidate;
                break;
            }
        }
    }
    if (best == nullptr && !eligible.empty()) best = eligible.front();
    for (const Candidate* candidate : eligible) {
        if (candidate == best) continue;
        choice.skipped.push_back({candidate->address, policy.preferStable && best->stable && !candidate->stable
                                                          ? "not stable; a stable address is preferred"
                                                          : "a candidate before it was chosen"});
    }

    if (best == nullptr) {
        if (firstBehindNat != nullptr) {
            choice.behindNat = firstBehindNat->address;
            choice.reason = "no global IPv6 address; only " + firstBehindNat->address.toString() + " (behind NAT)";
        } else {
            choice.reason = candidates.empty() ? "no IPv6 address reported" : "no usable IPv6 address";
        }
        return choice;
    }

    std::string kindOf = best->stable ? "stable" : "global";
    std::string where = best->interfaceName.empty() ? std::string() : " on " + best->interfaceName;
    if (!policy.interfaceId) {
        choice.address = best->address;
        choice.reason = kindOf + " address" + where;
        return choice;
    }
    const IpAddress combined = combinePrefixAndInterfaceId(best->address, policy.prefixLength, *policy.interfaceId);
    const Checked checked = checkAddress(combined, check);
    if (checked.verdict != Verdict::Publishable) {
        choice.reason = "prefix of " + best->address.toString() + " with the interface id gives " +
                        combined.toString() + ", which is " + checked.why;
        return choice;
    }
    choice.address = combined;
    choice.reason = "/" + std::to_string(policy.prefixLength) + " prefix of " + best->address.toString() + where +
                    " with interface id " + policy.interfaceId->toString();
    return choice;
}

}  // namespace qdyn::detect
