// Fuzz target: both STUN parsers. The client's response parser, with the transaction id taken
// from the input itself (octets 8..19), so every corpus entry can be a real response: an
// accepted one has the cookie and that id, and re-encoding its address reads back the same.
// The server's request parser: anything it accepts is a Binding request whose answer is at
// most 44 octets and reads back as the peer's address.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "qdyn/detect/stun_message.hpp"
#include "qdyn/ip_address.hpp"

namespace stun = qdyn::detect::stun;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    stun::TransactionId id{};
    if (size >= stun::kHeaderSize) std::copy(input.begin() + 8, input.begin() + 20, id.begin());

    if (const auto mapped = stun::parseBindingResponse(input, id)) {
        if (size < stun::kHeaderSize || size > stun::kMaxMessage || input[4] != 0x21 || input[7] != 0x42) std::abort();
        const auto again =
            stun::parseBindingResponse(stun::encodeBindingResponse(id, mapped->address, mapped->port), id);
        if (!again || again->address != mapped->address || again->port != mapped->port) std::abort();
    }

    if (const auto request = stun::parseBindingRequest(input)) {
        if (size < stun::kHeaderSize || input[0] != 0 || input[1] != 1) std::abort();
        const auto peer = qdyn::IpAddress::parse("2001:db8::1").value();
        const auto answer = stun::encodeBindingResponse(*request, peer, 3478);
        if (answer.size() > 44) std::abort();
        const auto read = stun::parseBindingResponse(answer, *request);
        if (!read || read->address != peer || read->port != 3478) std::abort();
    }
    return 0;
}
