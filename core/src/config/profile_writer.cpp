// Profile files edited as text (profile_writer.hpp). toml++ only reads here: it tells where each
// section's header sits, and parseProfiles judges every result before it may be written.
#include "qdyn/config/profile_writer.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "profile_lines.hpp"
#include "qdyn/config/profile.hpp"
#include "qdyn/private_file.hpp"

namespace qdyn::config {

namespace {

using profile_lines::collectHeaders;
using profile_lines::isBlank;
using profile_lines::isComment;
using profile_lines::splitLines;
using profile_lines::trimmed;

constexpr std::size_t kMaxFile = 1024 * 1024;
constexpr std::size_t kMaxName = 64;

bool isBareKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Profile names become state file names and environment values: keep them to safe characters.
bool isProfileName(std::string_view name) {
    return !name.empty() && name.size() <= kMaxName && std::all_of(name.begin(), name.end(), isBareKeyChar);
}

std::string tomlArray(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : ", ") + tomlString(items[i]);
    return out + "]";
}

// 300 -> "5m", 90000 -> "25h", 2160000 -> "25d", 45 -> 45 (seconds as an integer).
std::string duration(std::int64_t seconds) {
    for (auto [unit, suffix] : {std::pair{std::int64_t{86400}, 'd'}, std::pair{std::int64_t{3600}, 'h'},
                                std::pair{std::int64_t{60}, 'm'}}) {
        if (seconds > 0 && seconds % unit == 0) return "\"" + std::to_string(seconds / unit) + suffix + "\"";
    }
    return std::to_string(seconds);
}

// The name -> fingerprint of every profile in `text`, or why it does not load.
Result<std::map<std::string, std::string>> fingerprints(std::string_view text, const std::string& sourceName,
                                                        const std::filesystem::path& baseDir) {
    auto set = parseProfiles(text, sourceName, baseDir);
    if (!set) return set.error();
    std::map<std::string, std::string> out;
    for (const auto& profile : set->profiles) out[profile.name] = profile.fingerprint();
    return out;
}

// True for text that holds no TOML data at all (nothing, blanks and comments): a new file.
bool isEmptyDocument(std::string_view text) {
    try {
        return toml::parse(text).empty();
    } catch (const toml::parse_error&) {
        return false;
    }
}

// Checks an edit: `after` loads, the profiles other than `target` are unchanged, and `target`
// is present (added) or absent (removed).
Result<void> checkEdit(const std::map<std::string, std::string>& before, std::string_view after,
                       std::string_view target, bool added, const std::string& sourceName,
                       const std::filesystem::path& baseDir) {
    auto now = fingerprints(after, sourceName, baseDir);
    if (!now) return makeError("the edited file would not load, so nothing was written: " + now.message());
    for (const auto& [name, print] : before) {
        if (name == target) continue;
        const auto found = now->find(name);
        if (found == now->end() || found->second != print) {
            return makeError("the edit would change profile " + name + " too, so nothing was written");
        }
    }
    // Adding: the target was not there before; removing: it was (both checked by the callers).
    const bool present = now->count(std::string(target)) != 0;
    const std::size_t expectedCount = added ? before.size() + 1 : before.size() - 1;
    if (present != added || now->size() != expectedCount) {
        return makeError(added ? "the new profile did not appear as expected, so nothing was written"
                               : "profile " + std::string(target) +
                                     " is not written as its own [profile." + std::string(target) +
                                     "] section (an inline table or dotted keys); edit the file by hand");
    }
    return {};
}

// The lines of `text`, and which of them belong to profile `name`: its `[profile.NAME]` section,
// its sub-tables wherever they are, and the comment lines right above each (unless they open
// the file). `first` is the first line of the profile's own section. Refused for a profile not
// written as its own section (an inline table, dotted keys). The text must parse.
struct SectionCut {
    std::vector<std::string_view> lines;
    std::vector<bool> removed;  // 0-based, as lines
    std::size_t first = 0;      // 0-based
};

Result<SectionCut> cutSections(std::string_view text, std::string_view name, const std::string& sourceName) {
    toml::table root;
    try {
        root = toml::parse(text, sourceName);  // the callers parsed it already, so this does not throw
    } catch (const toml::parse_error& error) {
        return makeError(sourceName + ": " + std::string(error.description()));
    }
    SectionCut cut;
    cut.lines = splitLines(text);
    const auto& lines = cut.lines;
    std::set<std::size_t> headers;
    collectHeaders(root, lines, headers);
    const toml::node* target = root["profile"][name].node();
    std::set<std::size_t> own;  // header lines of the profile and of its sub-tables
    if (target != nullptr) collectHeaders(*target, lines, own);
    if (target == nullptr || own.count(target->source().begin.line) == 0) {
        return makeError("profile " + std::string(name) + " is not written as its own [profile." + std::string(name) +
                         "] section (an inline table or dotted keys); edit the file by hand");
    }
    cut.removed.assign(lines.size(), false);
    for (const std::size_t header : own) {
        const auto next = headers.upper_bound(header);
        std::size_t end = next == headers.end() ? lines.size() : *next - 1;  // last line, 1-based
        if (next != headers.end()) {
            // Comment lines right above the next header belong to it.
            while (end > header && isComment(lines[end - 1])) --end;
        }
        std::size_t begin = header;
        // Comment lines right above this header belong to it, unless they open the file.
        std::size_t above = header;
        while (above > 1 && isComment(lines[above - 2])) --above;
        if (above > 1) begin = above;
        for (std::size_t line = begin; line <= end; ++line) cut.removed[line - 1] = true;
        if (header == target->source().begin.line) cut.first = begin - 1;
    }
    return cut;
}

// renderProfile in the file's own line endings.
std::string sectionText(const ProfileEntry& entry, const std::string& newline) {
    std::string section = renderProfile(entry);
    if (newline == "\n") return section;
    std::string converted;
    for (const char c : section) converted += c == '\n' ? newline : std::string(1, c);
    return converted;
}

}  // namespace

std::string tomlString(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\f': out += "\\f"; break;
            case '\r': out += "\\r"; break;
            default:
                if (byte < 0x20 || byte == 0x7f) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(byte));
                    out += escaped;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

std::string tomlKey(std::string_view key) {
    if (!key.empty() && std::all_of(key.begin(), key.end(), isBareKeyChar)) return std::string(key);
    return tomlString(key);
}

std::string renderProfile(const ProfileEntry& entry) {
    std::string out;
    for (const auto& comment : entry.comments) {
        // A comment ends at the line's end: a newline inside one would start a line of TOML.
        std::string line = comment;
        std::replace_if(line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
        out += line.empty() ? "#\n" : "# " + line + "\n";
    }
    out += "[profile." + tomlKey(entry.name) + "]\n";
    const auto text = [&out](std::string_view key, const std::string& value) {
        if (!value.empty()) out += std::string(key) + " = " + tomlString(value) + "\n";
    };
    const auto list = [&out](std::string_view key, const std::vector<std::string>& items) {
        if (!items.empty()) out += std::string(key) + " = " + tomlArray(items) + "\n";
    };
    const auto number = [&out](std::string_view key, const std::optional<std::int64_t>& value, std::int64_t byDefault) {
        if (value && *value != byDefault) out += std::string(key) + " = " + std::to_string(*value) + "\n";
    };
    const auto flag = [&out](std::string_view key, const std::optional<bool>& value, bool byDefault) {
        if (value && *value != byDefault) out += std::string(key) + " = " + (*value ? "true" : "false") + "\n";
    };

    text("provider", entry.provider);
    text("protocol", entry.protocol);
    text("server", entry.server);
    text("path", entry.path);
    text("url", entry.url);
    list("hosts", entry.hosts);
    text("username", entry.username);
    switch (entry.passwordFrom) {
        case ProfileEntry::PasswordFrom::Inline:
            if (!entry.password.empty()) out += "password = " + tomlString(entry.password.reveal()) + "\n";
            break;
        case ProfileEntry::PasswordFrom::File: text("password_file", entry.passwordRef); break;
        case ProfileEntry::PasswordFrom::Env: text("password_env", entry.passwordRef); break;
        case ProfileEntry::PasswordFrom::Keychain: out += "password_keychain = true\n"; break;
        case ProfileEntry::PasswordFrom::None: break;
    }
    text("ipv6", entry.ipv6);
    text("zone", entry.zone);
    number("ttl", entry.ttl, 60);
    if (entry.tsigAlgorithm != "hmac-sha256") text("tsig_algorithm", entry.tsigAlgorithm);
    number("timeout", entry.timeout, 15);
    flag("tls_verify", entry.tlsVerify, true);
    text("ca_file", entry.caFile);
    list("success", entry.success);
    list("unchanged", entry.unchanged);
    if (!entry.failure.empty()) {
        out += "failure = {";
        for (std::size_t i = 0; i < entry.failure.size(); ++i) {
            out += (i == 0 ? " " : ", ") + tomlKey(entry.failure[i].first) + " = " + tomlString(entry.failure[i].second);
        }
        out += " }\n";
    }
    if (entry.families != std::vector<std::string>{"ipv4"}) list("families", entry.families);
    list("detect", entry.detect);
    list("detect_ipv4", entry.detectIpv4);
    list("detect_ipv6", entry.detectIpv6);
    number("agreement", entry.agreement, 1);
    flag("allow_private", entry.allowPrivate, false);
    text("ipv6_interface", entry.ipv6Interface);
    if (entry.pollInterval && *entry.pollInterval != 300) out += "poll_interval = " + duration(*entry.pollInterval) + "\n";
    if (entry.refreshAfter && *entry.refreshAfter != 25 * 86400) {
        out += "refresh_after = " + duration(*entry.refreshAfter) + "\n";
    }
    if (!entry.verifyServers.empty()) {
        list("verify", entry.verifyServers);
    } else {
        flag("verify", entry.verify, true);
    }
    list("on_change", entry.onChange);
    list("on_failure", entry.onFailure);
    return out;
}

std::string PasswordSource::describe() const {
    switch (from) {
        case ProfileEntry::PasswordFrom::Inline: return "inline";
        case ProfileEntry::PasswordFrom::File: return "password_file " + ref;
        case ProfileEntry::PasswordFrom::Env: return "password_env " + ref;
        case ProfileEntry::PasswordFrom::Keychain: return "keychain";
        case ProfileEntry::PasswordFrom::None: break;
    }
    return "none";
}

Result<std::vector<PasswordSource>> readPasswordSources(std::string_view text, const std::string& sourceName) {
    toml::table root;
    try {
        root = toml::parse(text, sourceName);
    } catch (const toml::parse_error& error) {
        return makeError(sourceName + ":" + std::to_string(error.source().begin.line) + ": " +
                         std::string(error.description()));
    }
    std::vector<PasswordSource> sources;
    const auto* profiles = root["profile"].as_table();
    if (profiles == nullptr) return sources;
    for (const auto& [name, node] : *profiles) {
        PasswordSource source;
        source.profile = std::string(name.str());
        if (const auto* table = node.as_table()) {
            if (table->contains("password")) {
                source.from = ProfileEntry::PasswordFrom::Inline;
            } else if (const auto file = (*table)["password_file"].value<std::string>()) {
                source.from = ProfileEntry::PasswordFrom::File;
                source.ref = *file;
            } else if (const auto env = (*table)["password_env"].value<std::string>()) {
                source.from = ProfileEntry::PasswordFrom::Env;
                source.ref = *env;
            } else if ((*table)["password_keychain"].value_or(false)) {
                source.from = ProfileEntry::PasswordFrom::Keychain;
            }
        }
        sources.push_back(std::move(source));
    }
    return sources;
}

Result<std::string> addProfileText(std::string_view text, const ProfileEntry& entry, const std::string& sourceName,
                                   const std::filesystem::path& baseDir) {
    if (!isProfileName(entry.name)) {
        return makeError("a profile name is 1 to 64 letters, digits, '-' or '_' (got \"" + entry.name + "\")");
    }
    std::map<std::string, std::string> before;
    if (!isEmptyDocument(text)) {
        auto loaded = fingerprints(text, sourceName, baseDir);
        if (!loaded) return makeError("refusing to edit a file that does not load: " + loaded.message());
        before = std::move(*loaded);
    }
    if (before.count(entry.name) != 0) return makeError("profile " + entry.name + " already exists in " + sourceName);

    // The new section goes at the end, after one blank line, in the file's own line endings.
    const std::string newline = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
    std::string out(text);
    if (out.empty()) {
        out = "# qdyn profiles: see `qdyn profile --help` and the README for every key." + newline + newline;
    } else {
        if (out.back() != '\n') out += newline;
        const auto lines = splitLines(out);
        if (!isBlank(lines.back())) out += newline;
    }
    out += sectionText(entry, newline);
    if (auto checked = checkEdit(before, out, entry.name, true, sourceName, baseDir); !checked) return checked.error();
    return out;
}

Result<std::string> removeProfileText(std::string_view text, std::string_view name, const std::string& sourceName,
                                      const std::filesystem::path& baseDir) {
    auto before = fingerprints(text, sourceName, baseDir);
    if (!before) return makeError("refusing to edit a file that does not load: " + before.message());
    if (before->count(std::string(name)) == 0) return makeError("no profile \"" + std::string(name) + "\" in " + sourceName);
    if (before->size() == 1) {
        return makeError("profile " + std::string(name) + " is the only one in " + sourceName +
                         ", and a profile file must hold one; delete the file instead");
    }
    auto cut = cutSections(text, name, sourceName);
    if (!cut) return cut.error();
    const auto& lines = cut->lines;
    std::string out;
    bool lastKeptBlank = true;  // at the start of the file a blank line is never needed
    bool afterRemoval = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (cut->removed[i]) {
            afterRemoval = true;
            continue;
        }
        if (afterRemoval && lastKeptBlank && isBlank(lines[i])) continue;  // two blanks met: keep one
        afterRemoval = false;
        out += lines[i];
        lastKeptBlank = isBlank(lines[i]);
    }
    // A removal at the end leaves no trailing blank lines behind.
    while (afterRemoval && !out.empty()) {
        const auto kept = splitLines(out);
        if (!isBlank(kept.back())) break;
        out.resize(out.size() - kept.back().size());
    }
    if (auto checked = checkEdit(*before, out, name, false, sourceName, baseDir); !checked) return checked.error();
    return out;
}

Result<std::string> replaceProfileText(std::string_view text, const ProfileEntry& entry, const std::string& sourceName,
                                       const std::filesystem::path& baseDir) {
    auto before = fingerprints(text, sourceName, baseDir);
    if (!before) return makeError("refusing to edit a file that does not load: " + before.message());
    if (before->count(entry.name) == 0) return makeError("no profile \"" + entry.name + "\" in " + sourceName);
    auto cut = cutSections(text, entry.name, sourceName);
    if (!cut) return cut.error();
    const std::string newline = text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
    std::string out;
    bool separate = false;  // the new section needs a blank line before the next kept line
    for (std::size_t i = 0; i < cut->lines.size(); ++i) {
        const std::string_view line = cut->lines[i];
        if (cut->removed[i]) {
            if (i == cut->first) {
                out += sectionText(entry, newline);
                separate = true;
            }
            continue;
        }
        if (separate && !isBlank(line)) out += newline;
        separate = false;
        out += line;
    }
    // The others must stay as they were and the target must still be there: checked as an
    // addition to the file without it.
    before->erase(entry.name);
    if (auto checked = checkEdit(*before, out, entry.name, true, sourceName, baseDir); !checked) {
        return checked.error();
    }
    return out;
}

Result<std::optional<std::string>> readProfileFile(const std::filesystem::path& path) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        if (error) return makeError("cannot read " + path.string() + ": " + error.message());
        return std::optional<std::string>();
    }
    if (!std::filesystem::is_regular_file(path, error)) return makeError(path.string() + " is not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError("cannot read " + path.string());
    std::string text;
    char buffer[8192];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > kMaxFile) return makeError(path.string() + ": larger than 1 MiB; is this a profile file?");
    }
    return std::optional<std::string>(std::move(text));
}

Result<void> writeFileAtomically(const std::filesystem::path& path, std::string_view text,
                                 const std::optional<std::string>& expected, std::optional<unsigned> forcedMode) {
    FileReplaceOptions options;
    options.newFileMode = 0600;  // it may hold a password
    options.forcedMode = forcedMode;
    // A forced private mode (a password goes in) makes the file private on Windows too, whatever
    // list it had; otherwise a new file is private and an existing one keeps its list.
    options.accessList =
        forcedMode && (*forcedMode & 077U) == 0 ? AccessList::Private : AccessList::PrivateWhenNew;
    options.owner = ReplacedOwner::KeptByRoot;  // root editing a user's file leaves it theirs
    if (expected) {
        options.beforeWrite = [&expected](const std::filesystem::path& target) -> Result<void> {
            auto current = readProfileFile(target);
            if (!current) return current.error();
            if (current->value_or(std::string()) != *expected) {
                return makeError(target.string() +
                                 " changed while it was being edited; nothing was written, try again");
            }
            return {};
        };
    }
    return replaceFileAtomically(path, text, options);
}

}  // namespace qdyn::config
