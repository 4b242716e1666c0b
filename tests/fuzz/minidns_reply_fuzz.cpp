// Fuzz target: the miniDNS areg.php reply classifier. One outcome for the asked host, always
// explained; a success names exactly one parsed address and never comes with 429 or 5xx.
// Input: 2 bytes status, then the body.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qdyn/protocols/http_update.hpp"
#include "qdyn/protocols/minidns.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const long status = 100 + (data[0] | (data[1] << 8)) % 500;
    const std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);
    const auto outcome = qdyn::minidns::classifyReply("bar.minidns.net", status, body);
    if (outcome.host != "bar.minidns.net" || outcome.code.empty() || outcome.detail.empty()) std::abort();
    if (qdyn::isSuccess(outcome.outcome)) {
        if (outcome.addresses.size() != 1 || qdyn::httpupdate::isRetryStatus(status)) std::abort();
        const auto line = qdyn::httpupdate::onlyLine(body);
        if (!line || line->substr(0, 6) != "okay. " || line->back() != '.') std::abort();
    } else if (!outcome.addresses.empty()) {
        std::abort();
    }
    return 0;
}
