// Octets as lower-case hex, so the Windows runtime test and its child program compare argument
// and environment text exactly, whatever characters it holds.
#pragma once

#include <string>
#include <string_view>

namespace qdyn::windows_test {

inline std::string hexOf(std::string_view text) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * text.size());
    for (const char octet : text) {
        const auto c = static_cast<unsigned char>(octet);
        out += kDigits[c >> 4];
        out += kDigits[c & 15];
    }
    return out;
}

}  // namespace qdyn::windows_test
