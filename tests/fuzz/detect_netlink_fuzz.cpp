// Fuzz target: the rtnetlink RTM_GETADDR dump parser (Linux). Any bytes give Done, More or an
// error; every address it reports is of the family its length says; it never reads out of bounds.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "netlink_addr_linux.hpp"

namespace {

class Check final : public qdyn::detect::netlink::AddressSink {
public:
    void onAddress(const qdyn::detect::netlink::AddressMessage& message) override {
        if (message.address.bytes().size() != 4 && message.address.bytes().size() != 16) std::abort();
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Check sink;
    // Sequence 1, as the corpus files use.
    (void)qdyn::detect::netlink::parseAddressDump(std::span(data, size), 1, sink);
    return 0;
}
