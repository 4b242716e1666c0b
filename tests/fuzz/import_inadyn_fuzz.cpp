// Fuzz target: the inadyn.conf importer. Any text converts or is refused with an Error, never a crash, every profile it
// produces loads on its own and all of them together load as one file.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qdyn/config/import.hpp"
#include "qdyn/config/profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto imported = qdyn::config::importInadyn(text);
    if (!imported) return 0;
    const auto& result = *imported;
    auto rendered = qdyn::config::renderImport(result, "fuzz.conf", qdyn::config::ImportFormat::Inadyn);
    if (!rendered) {
        if (!result.profiles.empty()) std::abort();
        return 0;
    }
    auto loaded = qdyn::config::parseProfiles(*rendered, "fuzz.toml");
    if (!loaded || loaded->profiles.size() != result.profiles.size()) std::abort();
    return 0;
}
