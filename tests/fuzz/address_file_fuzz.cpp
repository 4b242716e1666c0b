// Fuzz target: the file-drop address file parser. Any bytes either parse into at most one
// address per family (or `offline` alone) that survives a round trip through describe() and the
// parser, or give an error naming a line or the size; it never crashes.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "filedrop/address_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace qdyn::server::filedrop;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = parseAddressFile(text);
    if (!parsed) {
        const auto& message = parsed.message();
        if (message.rfind("line ", 0) != 0 && message.rfind("the file is larger", 0) != 0) std::abort();
        return 0;
    }
    if (size > kMaxAddressFileSize) std::abort();
    if (parsed->v4 && !parsed->v4->isV4()) std::abort();
    if (parsed->v6 && !parsed->v6->isV6()) std::abort();
    if (parsed->offline && (parsed->v4 || parsed->v6)) std::abort();
    // What the log shows reads back as the same wish, one entry per line.
    if (!parsed->asksNothing()) {
        std::string again = describe(*parsed);
        for (auto& c : again) c = c == ' ' ? '\n' : c;
        const auto reparsed = parseAddressFile(again);
        if (!reparsed || !(*reparsed == *parsed)) std::abort();
    }
    return 0;
}
