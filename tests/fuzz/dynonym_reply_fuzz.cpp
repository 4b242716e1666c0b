// Fuzz target: the dynonym reply classifier. One outcome for the asked host, always explained;
// a success only for 200 with an empty body. Input: 2 bytes status, 1 byte Retry-After
// length, the header, the body.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qdyn/protocols/dynonym.hpp"
#include "qdyn/protocols/http_update.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const long status = 100 + (data[0] | (data[1] << 8)) % 500;
    const std::size_t headerSize = std::min<std::size_t>(data[2] % 48, size - 3);
    const std::string_view retryAfter(reinterpret_cast<const char*>(data + 3), headerSize);
    const std::string_view body(reinterpret_cast<const char*>(data + 3 + headerSize), size - 3 - headerSize);
    const auto outcome = qdyn::dynonym::classifyReply("h.example.test", status, body, retryAfter);
    if (outcome.host != "h.example.test" || outcome.code.empty() || outcome.detail.empty()) std::abort();
    if (qdyn::isSuccess(outcome.outcome) && (status != 200 || !qdyn::httpupdate::isBlank(body))) std::abort();
    // Whatever the header holds, the detail stays printable.
    for (char c : outcome.detail) {
        if (static_cast<unsigned char>(c) < 0x20) std::abort();
    }
    return 0;
}
