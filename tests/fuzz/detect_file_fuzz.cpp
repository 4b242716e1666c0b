// Fuzz target: the file source's parser. Any bytes either give one address that prints back to
// text the parser accepts as the same address, or an error; it never crashes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qdyn/detect/file_source.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = qdyn::detect::parseAddressFile(text);
    if (!parsed) return 0;
    if (text.find('\0') != std::string_view::npos) std::abort();
    const auto again = qdyn::detect::parseAddressFile(parsed->toString());
    if (!again || !(*again == *parsed)) std::abort();
    return 0;
}
