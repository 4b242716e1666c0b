// Shared by the profile readers (profile.cpp, profile_agent.cpp): where a TOML node sits, for
// messages, and the small typed getters that explain a wrong type.
#pragma once

#include <toml++/toml.h>

#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "qdyn/config/profile.hpp"
#include "qdyn/result.hpp"

namespace qdyn::config {

struct Context {
    const std::string& source;
    const std::filesystem::path& baseDir;
};

// "profiles.toml:12"
inline std::string where(const std::string& source, const toml::source_region& region) {
    return source + ":" + std::to_string(region.begin.line);
}

// The value of a string key, "" when absent; an Error naming the line when it is not a string.
Result<std::string> optionalString(const toml::table& table, std::string_view key, const Context& context);

// The keys readAgentSettings understands (the profile reader rejects every other unknown key).
std::span<const std::string_view> agentSettingKeys() noexcept;
Result<void> readAgentSettings(const toml::table& table, const Context& context, AgentSettings& settings);

// The table as canonical text (key order and layout do not matter): with the secret, what a
// profile's fingerprint covers, so that a stop is lifted when the profile changes.
std::string canonicalDefinition(const toml::table& table);

}  // namespace qdyn::config
