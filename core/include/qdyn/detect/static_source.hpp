// A configured address as a source: for a profile that knows its address (a fixed IPv6 prefix, a
// test), or to pin one family while the other is detected.
#pragma once

#include <memory>

#include "qdyn/detect/source.hpp"

namespace qdyn::detect {

// Reports `address` when asked for its family, and an Error for the other family.
std::unique_ptr<AddressSource> makeStaticSource(const IpAddress& address);

}  // namespace qdyn::detect
