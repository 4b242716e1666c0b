// Fuzz target: the nanodnsd reply classifier on arbitrary statuses, bodies and Retry-After
// headers. One outcome for the asked host, always explained, and a success only for the exact
// `200 ok` reply. Input: 2 bytes status, 1 byte Retry-After length, the header, the body.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qdyn/protocols/http_update.hpp"
#include "qdyn/protocols/nanodnsd.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const long status = 100 + (data[0] | (data[1] << 8)) % 500;
    const std::size_t headerSize = std::min<std::size_t>(data[2] % 48, size - 3);
    const std::string_view retryAfter(reinterpret_cast<const char*>(data + 3), headerSize);
    const std::string_view body(reinterpret_cast<const char*>(data + 3 + headerSize), size - 3 - headerSize);
    const auto outcome = qdyn::nanodnsd::classifyReply("h.example.test", status, body, retryAfter);
    if (outcome.host != "h.example.test" || outcome.code.empty() || outcome.detail.empty()) std::abort();
    if (qdyn::isSuccess(outcome.outcome) && (status != 200 || qdyn::httpupdate::onlyLine(body) != "ok")) std::abort();
    if (outcome.outcome == qdyn::OutcomeClass::AuthFailed && status != 401 && status != 403) std::abort();
    return 0;
}
