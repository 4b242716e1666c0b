// Fuzz target: the profile file editor. On any text, adding a profile, removing each profile and
// replacing each with itself as read back (readProfileEntry) either is refused with an Error or
// yields a file that loads with exactly the expected profiles (the editor checks that itself;
// here it must also never crash or loop).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "qdyn/config/profile.hpp"
#include "qdyn/config/profile_reader.hpp"
#include "qdyn/config/profile_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    qdyn::config::ProfileEntry entry;
    entry.name = "fuzz-added";
    entry.protocol = "dyndns2";
    entry.server = "https://ddns.example.test";
    entry.hosts = {"home.example.test"};
    entry.comments = {"added by the fuzzer"};
    if (auto added = qdyn::config::addProfileText(text, entry, "fuzz.toml", {})) {
        auto loaded = qdyn::config::parseProfiles(*added, "fuzz.toml");
        if (!loaded || loaded->find("fuzz-added") == nullptr) std::abort();
    }
    auto before = qdyn::config::parseProfiles(text, "fuzz.toml");
    if (!before) return 0;
    for (const auto& profile : before->profiles) {
        auto removed = qdyn::config::removeProfileText(text, profile.name, "fuzz.toml", {});
        if (!removed) continue;
        auto loaded = qdyn::config::parseProfiles(*removed, "fuzz.toml");
        if (!loaded || loaded->find(profile.name) != nullptr || loaded->profiles.size() + 1 != before->profiles.size()) {
            std::abort();
        }
        auto same = qdyn::config::readProfileEntry(text, profile.name, "fuzz.toml");
        if (!same) continue;
        auto replaced = qdyn::config::replaceProfileText(text, *same, "fuzz.toml", {});
        if (!replaced) continue;
        auto reloaded = qdyn::config::parseProfiles(*replaced, "fuzz.toml");
        if (!reloaded || reloaded->find(profile.name) == nullptr || reloaded->profiles.size() != before->profiles.size()) {
            std::abort();
        }
    }
    return 0;
}
