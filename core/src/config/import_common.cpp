// The shared parts of the importers (import_common.hpp) and the public helpers of import.hpp
// that belong to neither format.
#include "import_common.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>

#include "qdyn/config/profile.hpp"

namespace qdyn::config {

namespace {

bool isOneOf(std::string_view value, std::initializer_list<std::string_view> words) {
    return std::any_of(words.begin(), words.end(), [&](std::string_view word) {
        return value.size() == word.size() &&
               std::equal(value.begin(), value.end(), word.begin(), [](char a, char b) {
                   return ((a >= 'A' && a <= 'Z') ? static_cast<char>(a - 'A' + 'a') : a) == b;
               });
    });
}

}  // namespace

namespace importing {

void addNote(ImportResult& result, std::size_t line, std::string text) {
    constexpr std::string_view kStop = "too many notes: the list stops here";
    if (result.notConverted.size() >= kMaxNotes) {
        if (result.notConverted.back().text != kStop) result.notConverted.push_back(ImportNote{line, std::string(kStop)});
        return;
    }
    for (const auto& note : result.notConverted) {
        if (note.line == line && note.text == text) return;
    }
    result.notConverted.push_back(ImportNote{line, std::move(text)});
}

bool roomForProfile(ImportResult& result, std::size_t line) {
    if (result.profiles.size() < kMaxProfiles) return true;
    addNote(result, 0, "not converted: more than " + std::to_string(kMaxProfiles) + " profiles; the rest (from line " +
                           std::to_string(line) + ") is left out");
    return false;
}

std::string profileName(std::string_view base, const ImportResult& result) {
    std::string name;
    for (const char c : base) {
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        const bool keep = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9');
        if (keep) {
            name += lower;
        } else if (!name.empty() && name.back() != '-') {
            name += '-';
        }
        if (name.size() >= 40) break;
    }
    while (!name.empty() && name.back() == '-') name.pop_back();
    if (name.empty()) name = "imported";
    // One pass: the name itself if free, else one past the highest NAME-N taken.
    bool taken = false;
    std::size_t highest = 1;
    for (const auto& profile : result.profiles) {
        const std::string& other = profile.entry.name;
        if (other == name) taken = true;
        if (other.size() > name.size() + 1 && other.compare(0, name.size(), name) == 0 && other[name.size()] == '-') {
            std::size_t suffix = 0;
            const char* first = other.data() + name.size() + 1;
            const char* last = other.data() + other.size();
            const auto [end, error] = std::from_chars(first, last, suffix);
            if (error == std::errc() && end == last) highest = std::max(highest, suffix);
        }
    }
    return taken ? name + "-" + std::to_string(highest + 1) : name;
}

bool isHostName(std::string_view host) {
    // Letters, digits, '-', '_', '.', and inadyn's '@' (the apex) and '*' (a wildcard).
    return !host.empty() && host.size() <= 253 && std::all_of(host.begin(), host.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.' || c == '@' || c == '*';
    });
}

bool needsShell(std::string_view command) {
    return command.find_first_of("|&;<>()$`\\\"'*?[]#~{}\n") != std::string_view::npos;
}

const providers::Provider* providerForServer(std::string_view host) {
    for (const auto& provider : providers::catalog()) {
        if (provider.protocol != "dyndns2" || provider.server.empty()) continue;
        std::string_view server = provider.server;
        if (const auto scheme = server.find("://"); scheme != std::string_view::npos) server.remove_prefix(scheme + 3);
        const bool same = server.size() == host.size() &&
                          std::equal(server.begin(), server.end(), host.begin(), [](char a, char b) {
                              const auto lower = [](char c) {
                                  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
                              };
                              return lower(a) == lower(b);
                          });
        if (same) return &provider;
    }
    return nullptr;
}

std::optional<std::int64_t> parseInterval(std::string_view text) {
    std::int64_t count = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (error != std::errc() || end == text.data() || count < 0 || count > 100LL * 365 * 86400) return std::nullopt;
    std::string unit(end, text.data() + text.size());
    std::transform(unit.begin(), unit.end(), unit.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    if (unit.empty() || unit == "s" || unit == "seconds") return count;
    if (unit == "m" || unit == "minutes") return count * 60;
    if (unit == "h" || unit == "hours") return count * 3600;
    if (unit == "d" || unit == "days") return count * 86400;
    return std::nullopt;
}

bool isSecretKey(std::string_view key) {
    for (std::string_view word : {"password", "secret", "token", "key"}) {
        if (key.find(word) != std::string_view::npos) return true;
    }
    return false;
}

void finishImport(ImportResult& result) {
    std::vector<ImportedProfile> kept;
    for (auto& profile : result.profiles) {
        const std::string text = renderProfile(profile.entry);
        auto loaded = parseProfiles(text, "converted profile");
        if (loaded) {
            kept.push_back(std::move(profile));
            continue;
        }
        // The message names "converted profile:N"; the line within the section tells nothing here.
        std::string why = loaded.message();
        if (const auto colon = why.find(": "); colon != std::string::npos && why.rfind("converted profile", 0) == 0) {
            why = why.substr(colon + 2);
        }
        addNote(result, profile.line, "hosts " + [&profile] {
            std::string hosts;
            for (const auto& host : profile.entry.hosts) hosts += (hosts.empty() ? "" : ",") + host;
            return hosts;
        }() + ": not converted, the profile would not load: " + why);
    }
    result.profiles = std::move(kept);
    std::stable_sort(result.notConverted.begin(), result.notConverted.end(),
                     [](const ImportNote& a, const ImportNote& b) { return a.line < b.line; });
}

bool isTrueWord(std::string_view value) { return isOneOf(value, {"yes", "true", "on", "1"}); }
bool isFalseWord(std::string_view value) { return isOneOf(value, {"no", "false", "off", "0"}); }

}  // namespace importing

std::string_view toString(ImportFormat format) noexcept {
    return format == ImportFormat::Inadyn ? "inadyn" : "ddclient";
}

std::optional<ImportFormat> parseImportFormat(std::string_view name) noexcept {
    if (name == "ddclient") return ImportFormat::Ddclient;
    if (name == "inadyn") return ImportFormat::Inadyn;
    return std::nullopt;
}

ImportFormat guessImportFormat(std::string_view fileName, std::string_view text) {
    if (fileName.find("inadyn") != std::string_view::npos) return ImportFormat::Inadyn;
    if (fileName.find("ddclient") != std::string_view::npos) return ImportFormat::Ddclient;
    // inadyn's sections: a line "provider NAME {" or "custom NAME {".
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string_view::npos) continue;
        line.remove_prefix(first);
        if ((line.starts_with("provider ") || line.starts_with("custom ")) &&
            line.find('{') != std::string_view::npos && line.find('=') == std::string_view::npos) {
            return ImportFormat::Inadyn;
        }
    }
    return ImportFormat::Ddclient;
}

Result<std::string> renderImport(const ImportResult& result, std::string_view sourceName, ImportFormat format) {
    if (result.profiles.empty()) {
        return makeError(std::string(sourceName) + ": nothing could be converted into a qdyn profile");
    }
    std::string out = "# qdyn profiles converted by `qdyn import` from " + std::string(sourceName) + " (" +
                      std::string(toString(format)) + " syntax).\n"
                      "# Check them with `qdyn profile test NAME`. Passwords are inline: keep this file private\n"
                      "# (chmod 600), or move them to password_file / password_env.\n";
    for (const auto& profile : result.profiles) out += "\n" + renderProfile(profile.entry);
    return out;
}

}  // namespace qdyn::config
