// [file_drop] of server.toml: where each account's address file lies (seed 003), which accounts
// use one, and how the files are watched.
#include <algorithm>

#include "config/sections.hpp"

namespace qdyn::server::config {

namespace {

constexpr std::string_view kPlaceholder = "{account}";
// A poll every second is already cheap; more than an hour would make the safety net useless.
constexpr std::uint32_t kMaxPollInterval = 3600;

// The name must become one path component and nothing else: "../x" or "a/b" would point the
// server at another user's file (account names may hold anything but ':').
bool fitsInPath(std::string_view account) {
    return !account.empty() && account != "." && account != ".." &&
           account.find_first_of(std::string_view("/\\\0", 3)) == std::string_view::npos;
}

Result<std::string> parsePattern(const Reader& reader, const toml::node& node) {
    auto text = reader.string(node, "pattern");
    if (!text) return text.error();
    if (text->find(kPlaceholder) == std::string::npos) {
        return reader.at(node, "pattern must contain {account} (each account has a file of its own)");
    }
    std::string rest = *text;
    for (auto at = rest.find(kPlaceholder); at != std::string::npos; at = rest.find(kPlaceholder)) {
        rest.erase(at, kPlaceholder.size());
    }
    if (rest.find_first_of("{}") != std::string::npos) {
        return reader.at(node, "pattern may hold no braces other than {account}");
    }
    if (rest.find('\0') != std::string::npos) return reader.at(node, "pattern must not contain a NUL character");
    const auto file = std::filesystem::path(*text).filename();
    if (file.empty() || file == "." || file == "..") {
        return reader.at(node, "pattern must end in a file name, not a directory");
    }
    // Relative: beside the configuration, as the [accounts] file and the TLS files are.
    std::filesystem::path path(*text);
    if (path.is_relative()) path = std::filesystem::path(reader.source()).parent_path() / path;
    return path.string();
}

// `accounts`: listed ones must exist, once each; absent means every account.
Result<std::vector<std::string>> parseAccounts(const Reader& reader, const toml::table& table,
                                               const std::vector<Account>& known) {
    std::vector<std::string> names;
    const auto* node = table.get("accounts");
    if (node == nullptr) {
        for (const auto& account : known) {
            if (!fitsInPath(account.name)) {
                return reader.at(table, "account '" + account.name + "' cannot stand for {account} in a path "
                                        "(it holds '/' or '\\', or is '.' or '..'); list the accounts that use "
                                        "[file_drop] in `accounts`");
            }
        }
        return names;  // empty: every account, also those a reload adds
    }
    auto items = reader.stringArray(*node, "accounts");
    if (!items) return items.error();
    if (items->empty()) return reader.at(*node, "accounts must list at least one account (leave it out for all)");
    for (const auto& [name, element] : *items) {
        const bool exists = std::any_of(known.begin(), known.end(),
                                        [&wanted = name](const Account& a) { return a.name == wanted; });
        if (!exists) return reader.at(*element, "account '" + name + "' is not defined");
        if (std::find(names.begin(), names.end(), name) != names.end()) {
            return reader.at(*element, "account '" + name + "' is listed twice");
        }
        if (!fitsInPath(name)) {
            return reader.at(*element, "account '" + name + "' cannot stand for {account} in a path "
                                       "(it holds '/' or '\\', or is '.' or '..')");
        }
        names.push_back(name);
    }
    return names;
}

Result<FileDropOptions::Watcher> parseWatcher(const Reader& reader, const toml::node& node) {
    auto text = reader.string(node, "watcher");
    if (!text) return text.error();
    if (*text == "auto") return FileDropOptions::Watcher::Auto;
    if (*text == "poll") return FileDropOptions::Watcher::Poll;
    if (*text == "inotify") {
#ifdef __linux__
        return FileDropOptions::Watcher::Inotify;
#else
        return reader.at(node, "watcher \"inotify\" needs Linux; use \"auto\" or \"poll\"");
#endif
    }
    return reader.at(node, "watcher must be \"auto\", \"inotify\" or \"poll\"");
}

}  // namespace

Result<FileDropOptions> parseFileDrop(const Reader& reader, const toml::table& table,
                                      const std::vector<Account>& accounts) {
    if (auto keys = reader.onlyKeys(table, {"pattern", "accounts", "poll_interval", "watcher"}, "[file_drop]");
        !keys) {
        return keys.error();
    }
    FileDropOptions options;
    const auto* patternNode = table.get("pattern");
    if (patternNode == nullptr) {
        return reader.at(table, "[file_drop] needs pattern, e.g. \"/home/{account}/.dynamicdns\"");
    }
    auto pattern = parsePattern(reader, *patternNode);
    if (!pattern) return pattern.error();
    options.pattern = std::move(*pattern);
    auto names = parseAccounts(reader, table, accounts);
    if (!names) return names.error();
    options.accounts = std::move(*names);
    if (const auto* node = table.get("poll_interval")) {
        auto seconds = reader.duration(*node, "poll_interval");
        if (!seconds) return seconds.error();
        if (*seconds == 0 || *seconds > kMaxPollInterval) {
            return reader.at(*node, "poll_interval must be 1 s to 1 h");
        }
        options.pollInterval = *seconds;
    }
    if (const auto* node = table.get("watcher")) {
        auto watcher = parseWatcher(reader, *node);
        if (!watcher) return watcher.error();
        options.watcher = *watcher;
    }
    return options;
}

}  // namespace qdyn::server::config

namespace qdyn::server {

std::filesystem::path FileDropOptions::pathFor(std::string_view account) const {
    std::string path = pattern;
    for (auto at = path.find(config::kPlaceholder); at != std::string::npos;
         at = path.find(config::kPlaceholder, at + account.size())) {
        path.replace(at, config::kPlaceholder.size(), account);
    }
    return path;
}

}  // namespace qdyn::server
