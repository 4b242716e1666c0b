// The helpers of the `qdyn profile` subcommands (profile_common.hpp).
#include "commands/profile_common.hpp"

namespace qdyn::cli::profiles {

std::filesystem::path configPath(const std::string& option) {
    return option.empty() ? config::defaultProfilePath() : std::filesystem::path(option);
}

std::string Loaded::passwordSource(std::string_view profile) const {
    for (const auto& source : sources) {
        if (source.profile == profile) return source.describe();
    }
    return "none";
}

std::optional<Loaded> load(const std::filesystem::path& path, std::string_view command, Streams& io) {
    auto set = config::loadProfiles(path);
    if (!set) {
        io.err << "qdyn " << command << ": " << set.message() << '\n';
        return std::nullopt;
    }
    // The file loaded, so it can be read again; the password sources come from its text.
    auto text = config::readProfileFile(path);
    if (!text || !text->has_value()) {
        io.err << "qdyn " << command << ": cannot read " << path.string() << " again\n";
        return std::nullopt;
    }
    auto sources = config::readPasswordSources(**text, path.string());
    if (!sources) {
        io.err << "qdyn " << command << ": " << sources.message() << '\n';
        return std::nullopt;
    }
    return Loaded{path, std::move(*set), std::move(*sources)};
}

const config::Profile* find(const Loaded& loaded, std::string_view name, std::string_view command, Streams& io) {
    if (const config::Profile* profile = loaded.set.find(name)) return profile;
    io.err << "qdyn " << command << ": no profile \"" << name << "\" in " << loaded.path.string() << " (it has:";
    for (const auto& known : loaded.set.profiles) io.err << ' ' << known.name;
    io.err << ")\n";
    return nullptr;
}

std::string endpointOf(const config::Profile& profile) {
    return profile.protocol + (profile.server.empty() ? std::string() : " at " + profile.server);
}

}  // namespace qdyn::cli::profiles
