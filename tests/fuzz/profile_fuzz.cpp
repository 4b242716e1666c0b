// Fuzz target: the client's TOML profile parser. Any text either parses into profiles that all
// name a known protocol and at least one host, or yields an error naming the source.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qdyn/config/profile.hpp"
#include "qdyn/protocols/registry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto set = qdyn::config::parseProfiles(text, "fuzz.toml");
    if (!set) {
        if (set.message().rfind("fuzz.toml", 0) != 0) std::abort();
        return 0;
    }
    for (const auto& profile : set->profiles) {
        if (profile.hosts.empty() || qdyn::findProtocol(profile.protocol) == nullptr) std::abort();
    }
    return 0;
}
