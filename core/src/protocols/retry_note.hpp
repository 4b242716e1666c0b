// The wait a line protocol's throttle names at the end of its reply ("... retry in N s": QDNS's
// 429, qdyn-server's miniupdate ERR), as a note for an outcome's detail. Internal to core.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace qdyn::protocols {

// "; the server asks to wait N s before any retry" for a text ending in "retry in N s", else empty.
inline std::string retryDelayNote(std::string_view text) {
    constexpr std::string_view kRetryIn = "retry in ";
    const std::size_t at = text.rfind(kRetryIn);
    if (at == std::string_view::npos || text.size() < 2 || text.substr(text.size() - 2) != " s") return {};
    const std::string_view digits = text.substr(at + kRetryIn.size(), text.size() - 2 - at - kRetryIn.size());
    if (digits.empty() || digits.size() > 9 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return {};
    }
    return "; the server asks to wait " + std::string(digits) + " s before any retry";
}

}  // namespace qdyn::protocols
