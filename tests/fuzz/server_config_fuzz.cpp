// Fuzz target: qdyn-server's TOML configuration parser. Any text either parses into a config
// whose zone can be built, or yields an error message; it never crashes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qdyn_server/config.hpp"
#include "qdyn_server/zone.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto config = qdyn::server::Config::parse(text, "fuzz.toml");
    if (!config) {
        if (config.message().empty()) std::abort();
        return 0;
    }
    auto snapshot = qdyn::server::buildInitialSnapshot(*config, 1);
    static_cast<void>(snapshot);
    return 0;
}
