// Short constructors for test values that must be valid (a typo aborts with the reason).
#pragma once

#include <string>
#include <string_view>

#include "qdyn/dns/name.hpp"
#include "qdyn/ip_address.hpp"

namespace qdyn::test {

inline dns::Name name(std::string_view text) { return dns::Name::parse(text).value(); }

inline IpAddress ip(std::string_view text) {
    const auto address = IpAddress::parse(text);
    if (!address) detail::valueOfFailedResult("not an address: " + std::string(text));
    return *address;
}

}  // namespace qdyn::test
