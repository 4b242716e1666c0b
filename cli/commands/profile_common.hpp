// What the `qdyn profile` subcommands share: the group's members (one file each, joined by
// profile.cpp), where the profile file is, loading it together with where each password comes
// from, and the messages for a missing profile.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.hpp"
#include "qdyn/config/profile.hpp"
#include "qdyn/config/profile_writer.hpp"

namespace qdyn::cli::profiles {

std::unique_ptr<Command> makeListCommand();
std::unique_ptr<Command> makeShowCommand();
std::unique_ptr<Command> makeAddCommand();
std::unique_ptr<Command> makeRemoveCommand();
std::unique_ptr<Command> makeTestCommand();

inline constexpr const char* kConfigHelp =
    "Profile file (default: $QDYN_CONFIG, ~/.config/qdyn/profiles.toml, /etc/qdyn/profiles.toml for root)";

// The --config option, or the default path.
std::filesystem::path configPath(const std::string& option);

struct Loaded {
    std::filesystem::path path;
    config::ProfileSet set;
    std::vector<config::PasswordSource> sources;

    // "inline", "password_file /path", "password_env NAME" or "none": never the secret.
    [[nodiscard]] std::string passwordSource(std::string_view profile) const;
};

// Loads the file as `qdyn update` does (a readable file holding a password is refused); on
// failure says why on stderr, prefixed with `command`, and returns nullopt.
std::optional<Loaded> load(const std::filesystem::path& path, std::string_view command, Streams& io);

// The profile, or null after saying on stderr which profiles the file has.
const config::Profile* find(const Loaded& loaded, std::string_view name, std::string_view command, Streams& io);

// "dyndns2 at https://members.dyndns.org", "rfc2136 at dns://192.0.2.53".
std::string endpointOf(const config::Profile& profile);

}  // namespace qdyn::cli::profiles
