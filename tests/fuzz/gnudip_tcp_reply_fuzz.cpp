// Fuzz target: the GnuDIP TCP client's salt check and reply sorting on arbitrary lines, for each
// request code. Success needs exactly "0", "0:<IPv4>" (reqc 2) or "2" (offline); "1" is always
// AuthFailed; reported addresses are IPv4. Input: 1 byte reqc, then the line.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "qdyn/protocols/gnudip_tcp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const auto code = static_cast<qdyn::gnudip::RequestCode>(data[0] % 3);
    const std::string_view line(reinterpret_cast<const char*>(data + 1), size - 1);
    if (qdyn::gnudip::tcp::isSalt(line) && line.size() != qdyn::gnudip::tcp::kSaltLength) std::abort();
    const auto outcome = qdyn::gnudip::tcp::classifyReply("alice.example.test", line, code);
    if (outcome.host != "alice.example.test" || outcome.code.empty() || outcome.detail.empty()) std::abort();
    if ((line == "1") != (outcome.outcome == qdyn::OutcomeClass::AuthFailed)) std::abort();
    if (qdyn::isSuccess(outcome.outcome)) {
        const bool offline = code == qdyn::gnudip::RequestCode::Offline;
        const bool peer = code == qdyn::gnudip::RequestCode::ConnectingAddress;
        const bool fits = offline ? line == "2" : (line == "0" || (peer && line.substr(0, 2) == "0:"));
        if (!fits) std::abort();
    }
    for (const auto& address : outcome.addresses) {
        if (!address.isV4() || "0:" + address.toString() != line) std::abort();
    }
    return 0;
}
