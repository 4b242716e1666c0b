// One profile read back into a ProfileEntry (profile_reader.hpp). toml++ only reads here; the
// values were judged by parseProfiles before anyone edits them, so the checks below are about
// types, and about never reading a profile that could not be written back whole.
#include "qdyn/config/profile_reader.hpp"

#include "profile_lines.hpp"

#include <array>
#include <charconv>
#include <functional>
#include <map>
#include <set>
#include <toml++/toml.h>

namespace qdyn::config {

namespace {

using profile_lines::collectHeaders;
using profile_lines::isComment;
using profile_lines::splitLines;
using profile_lines::trimmed;

// Keys a ProfileEntry cannot hold: reading a profile with one and writing it again would drop it.
constexpr std::array kUnheldKeys{std::string_view{"ipv6_temporary"}, std::string_view{"ipv6_deprecated"},
                                 std::string_view{"ipv6_prefer_stable"}, std::string_view{"ipv6_interface_id"},
                                 std::string_view{"ipv6_prefix_length"}};

std::string at(const std::string& source, const toml::node& node) {
    return source + ":" + std::to_string(node.source().begin.line);
}

Result<std::string> text(const toml::node& node, std::string_view key, const std::string& source) {
    const auto* value = node.as_string();
    if (value == nullptr) return makeError(at(source, node) + ": \"" + std::string(key) + "\" must be a string");
    return value->get();
}

Result<std::vector<std::string>> texts(const toml::node& node, std::string_view key, const std::string& source) {
    const auto* array = node.as_array();
    if (array == nullptr) return makeError(at(source, node) + ": \"" + std::string(key) + "\" must be an array");
    std::vector<std::string> items;
    for (const auto& element : *array) {
        auto item = text(element, key, source);
        if (!item) return item.error();
        items.push_back(std::move(*item));
    }
    return items;
}

Result<std::int64_t> integerValue(const toml::node& node, std::string_view key, const std::string& source) {
    const auto* value = node.as_integer();
    if (value == nullptr) return makeError(at(source, node) + ": \"" + std::string(key) + "\" must be a number");
    return value->get();
}

Result<bool> flag(const toml::node& node, std::string_view key, const std::string& source) {
    const auto* value = node.as_boolean();
    if (value == nullptr) return makeError(at(source, node) + ": \"" + std::string(key) + "\" must be true or false");
    return value->get();
}

// 300, "300s", "5m", "12h", "25d" (the forms profile_agent.cpp accepts), in seconds.
Result<std::int64_t> durationSeconds(const toml::node& node, std::string_view key, const std::string& source) {
    if (const auto* number = node.as_integer()) return number->get();
    const auto* value = node.as_string();
    const std::string written = value != nullptr ? value->get() : std::string();
    const std::map<char, std::int64_t> units{{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
    if (written.size() >= 2 && units.count(written.back()) != 0) {
        std::int64_t count = 0;
        const char* last = written.data() + written.size() - 1;
        const auto [stop, error] = std::from_chars(written.data(), last, count);
        if (error == std::errc() && stop == last) return count * units.at(written.back());
    }
    return makeError(at(source, node) + ": \"" + std::string(key) + "\" must be a duration");
}

// "# text" -> "text", as renderProfile will write it back.
std::string commentText(std::string_view comment) {
    std::string_view body = trimmed(comment);
    body.remove_prefix(1);
    if (!body.empty() && body.front() == ' ') body.remove_prefix(1);
    return std::string(body);
}

// The comments that go with the section whose header is on `header` (1-based): the block right
// above it (unless it opens the file), one after the header, and those among its keys (not the
// block right above the next header, which belongs to that one).
std::vector<std::string> commentsOf(const std::vector<std::string_view>& lines, const std::set<std::size_t>& headers,
                                    std::size_t header) {
    std::vector<std::string> comments;
    std::size_t above = header;
    while (above > 1 && isComment(lines[above - 2]))
        --above;
    if (above > 1) {
        for (std::size_t line = above; line < header; ++line)
            comments.push_back(commentText(lines[line - 1]));
    }
    const std::string_view head = lines[header - 1];
    if (const std::size_t close = head.find(']'); close != std::string_view::npos) {
        const std::string_view after = trimmed(head.substr(close + 1));
        if (!after.empty() && after.front() == '#') comments.push_back(commentText(after));
    }
    const auto next = headers.upper_bound(header);
    std::size_t end = next == headers.end() ? lines.size() : *next - 1;
    if (next != headers.end()) {
        while (end > header && isComment(lines[end - 1]))
            --end;
    }
    for (std::size_t line = header + 1; line <= end; ++line) {
        if (isComment(lines[line - 1])) comments.push_back(commentText(lines[line - 1]));
    }
    return comments;
}

using Reader = std::function<Result<void>(const toml::node&, ProfileEntry&, const std::string&)>;

template <typename Field>
Reader textInto(std::string_view key, Field field) {
    return [key, field](const toml::node& node, ProfileEntry& entry, const std::string& source) -> Result<void> {
        auto value = text(node, key, source);
        if (!value) return value.error();
        entry.*field = std::move(*value);
        return {};
    };
}

Reader textsInto(std::string_view key, std::vector<std::string> ProfileEntry::*field) {
    return [key, field](const toml::node& node, ProfileEntry& entry, const std::string& source) -> Result<void> {
        auto value = texts(node, key, source);
        if (!value) return value.error();
        entry.*field = std::move(*value);
        return {};
    };
}

Reader numberInto(std::string_view key, std::optional<std::int64_t> ProfileEntry::*field,
                  Result<std::int64_t> (*read)(const toml::node&, std::string_view, const std::string&)) {
    return [key, field, read](const toml::node& node, ProfileEntry& entry, const std::string& source) -> Result<void> {
        auto value = read(node, key, source);
        if (!value) return value.error();
        entry.*field = *value;
        return {};
    };
}

Reader flagInto(std::string_view key, std::optional<bool> ProfileEntry::*field) {
    return [key, field](const toml::node& node, ProfileEntry& entry, const std::string& source) -> Result<void> {
        auto value = flag(node, key, source);
        if (!value) return value.error();
        entry.*field = *value;
        return {};
    };
}

Reader passwordInto(ProfileEntry::PasswordFrom from, std::string_view key) {
    return [from, key](const toml::node& node, ProfileEntry& entry, const std::string& source) -> Result<void> {
        auto value = text(node, key, source);
        if (!value) return value.error();
        entry.passwordFrom = from;
        if (from == ProfileEntry::PasswordFrom::Inline) {
            entry.password = Secret(std::move(*value));
        } else {
            entry.passwordRef = std::move(*value);
        }
        return {};
    };
}

// password_keychain = true; false says nothing, so it is read as no source.
Result<void> readKeychainEntry(const toml::node& node, ProfileEntry& entry, const std::string& source) {
    auto value = flag(node, "password_keychain", source);
    if (!value) return value.error();
    if (*value) entry.passwordFrom = ProfileEntry::PasswordFrom::Keychain;
    return {};
}

Result<void> readVerifyEntry(const toml::node& node, ProfileEntry& entry, const std::string& source) {
    if (node.as_boolean() != nullptr) {
        entry.verify = node.as_boolean()->get();
        return {};
    }
    auto servers = texts(node, "verify", source);
    if (!servers) return servers.error();
    entry.verifyServers = std::move(*servers);
    return {};
}

Result<void> readFailure(const toml::node& node, ProfileEntry& entry, const std::string& source) {
    const auto* words = node.as_table();
    if (words == nullptr) return makeError(at(source, node) + ": \"failure\" must be a table");
    for (const auto& [word, value] : *words) {
        auto outcome = text(value, "failure", source);
        if (!outcome) return outcome.error();
        entry.failure.emplace_back(std::string(word.str()), std::move(*outcome));
    }
    return {};
}

const std::map<std::string_view, Reader>& readers() {
    using E = ProfileEntry;
    using From = E::PasswordFrom;
    static const std::map<std::string_view, Reader> table{
        {"provider", textInto("provider", &E::provider)},
        {"protocol", textInto("protocol", &E::protocol)},
        {"server", textInto("server", &E::server)},
        {"path", textInto("path", &E::path)},
        {"url", textInto("url", &E::url)},
        {"hosts", textsInto("hosts", &E::hosts)},
        {"username", textInto("username", &E::username)},
        {"password", passwordInto(From::Inline, "password")},
        {"password_file", passwordInto(From::File, "password_file")},
        {"password_env", passwordInto(From::Env, "password_env")},
        {"password_keychain", readKeychainEntry},
        {"ipv6", textInto("ipv6", &E::ipv6)},
        {"tsig_algorithm", textInto("tsig_algorithm", &E::tsigAlgorithm)},
        {"zone", textInto("zone", &E::zone)},
        {"ttl", numberInto("ttl", &E::ttl, integerValue)},
        {"timeout", numberInto("timeout", &E::timeout, integerValue)},
        {"tls_verify", flagInto("tls_verify", &E::tlsVerify)},
        {"ca_file", textInto("ca_file", &E::caFile)},
        {"success", textsInto("success", &E::success)},
        {"unchanged", textsInto("unchanged", &E::unchanged)},
        {"failure", readFailure},
        {"families", textsInto("families", &E::families)},
        {"detect", textsInto("detect", &E::detect)},
        {"detect_ipv4", textsInto("detect_ipv4", &E::detectIpv4)},
        {"detect_ipv6", textsInto("detect_ipv6", &E::detectIpv6)},
        {"agreement", numberInto("agreement", &E::agreement, integerValue)},
        {"allow_private", flagInto("allow_private", &E::allowPrivate)},
        {"ipv6_interface", textInto("ipv6_interface", &E::ipv6Interface)},
        {"poll_interval", numberInto("poll_interval", &E::pollInterval, durationSeconds)},
        {"refresh_after", numberInto("refresh_after", &E::refreshAfter, durationSeconds)},
        {"verify", readVerifyEntry},
        {"on_change", textsInto("on_change", &E::onChange)},
        {"on_failure", textsInto("on_failure", &E::onFailure)},
    };
    return table;
}

}  // namespace

Result<ProfileEntry> readProfileEntry(std::string_view document, std::string_view name, const std::string& sourceName) {
    toml::table root;
    try {
        root = toml::parse(document, sourceName);
    } catch (const toml::parse_error& error) {
        return makeError(sourceName + ":" + std::to_string(error.source().begin.line) + ": " +
                         std::string(error.description()));
    }
    const toml::table* table = root["profile"][name].as_table();
    if (table == nullptr) return makeError("no profile \"" + std::string(name) + "\" in " + sourceName);
    ProfileEntry entry;
    entry.name = std::string(name);
    for (const auto& [key, node] : *table) {
        const std::string_view word = key.str();
        for (const auto unheld : kUnheldKeys) {
            if (word == unheld) {
                return makeError(at(sourceName, node) + ": profile " + entry.name + " sets " + std::string(word) +
                                 ", which this editor cannot keep; edit it in the file itself");
            }
        }
        const auto reader = readers().find(word);
        if (reader == readers().end()) {
            return makeError(at(sourceName, node) + ": unknown key \"" + std::string(word) + "\" in profile " +
                             entry.name);
        }
        if (auto read = reader->second(node, entry, sourceName); !read) return read.error();
    }
    const auto lines = splitLines(document);
    std::set<std::size_t> headers;
    collectHeaders(root, lines, headers);
    if (const std::size_t header = table->source().begin.line; headers.count(header) != 0) {
        entry.comments = commentsOf(lines, headers, header);
    }
    return entry;
}

ProfileEntry cloneProfileEntry(const ProfileEntry& entry) {
    ProfileEntry copy;
    copy.name = entry.name;
    copy.provider = entry.provider;
    copy.protocol = entry.protocol;
    copy.server = entry.server;
    copy.path = entry.path;
    copy.url = entry.url;
    copy.hosts = entry.hosts;
    copy.username = entry.username;
    copy.passwordFrom = entry.passwordFrom;
    copy.password = entry.password.clone();
    copy.passwordRef = entry.passwordRef;
    copy.ipv6 = entry.ipv6;
    copy.tsigAlgorithm = entry.tsigAlgorithm;
    copy.zone = entry.zone;
    copy.ttl = entry.ttl;
    copy.timeout = entry.timeout;
    copy.tlsVerify = entry.tlsVerify;
    copy.caFile = entry.caFile;
    copy.success = entry.success;
    copy.unchanged = entry.unchanged;
    copy.failure = entry.failure;
    copy.families = entry.families;
    copy.detect = entry.detect;
    copy.detectIpv4 = entry.detectIpv4;
    copy.detectIpv6 = entry.detectIpv6;
    copy.agreement = entry.agreement;
    copy.allowPrivate = entry.allowPrivate;
    copy.ipv6Interface = entry.ipv6Interface;
    copy.pollInterval = entry.pollInterval;
    copy.refreshAfter = entry.refreshAfter;
    copy.verify = entry.verify;
    copy.verifyServers = entry.verifyServers;
    copy.onChange = entry.onChange;
    copy.onFailure = entry.onFailure;
    copy.comments = entry.comments;
    return copy;
}

}  // namespace qdyn::config
