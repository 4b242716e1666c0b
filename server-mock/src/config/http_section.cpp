// [http] and [throttle] of server.toml: the HTTP(S) APIs' TLS files, extra nanodnsd paths,
// GnuDIP salt lifetime, the UPnP IGD echo, and the limits on failed logins and unchanged updates.
#include <algorithm>

#include "config/sections.hpp"

namespace qdyn::server::config {

namespace {

// A file next to the configuration when relative, as the [accounts] file is.
std::filesystem::path besideConfig(const Reader& reader, const std::string& text) {
    std::filesystem::path path(text);
    if (path.is_relative()) path = std::filesystem::path(reader.source()).parent_path() / path;
    return path;
}

// "" or "/dns", "/a/b": a path prefix without a trailing slash and without query characters.
bool validPrefix(std::string_view prefix) {
    if (prefix.empty()) return false;
    if (prefix.front() != '/' || prefix.back() == '/') return false;
    return std::all_of(prefix.begin(), prefix.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '-' ||
               c == '_' || c == '.';
    });
}

}  // namespace

Result<HttpOptions> parseHttp(const Reader& reader, const toml::table& table) {
    if (auto keys = reader.onlyKeys(
            table, {"tls_certificate", "tls_key", "nanodnsd_prefixes", "gnudip_salt_lifetime", "igd"}, "[http]");
        !keys) {
        return keys.error();
    }
    HttpOptions options;
    for (const auto& [key, target] : {std::pair{"tls_certificate", &options.tlsCertificate},
                                      std::pair{"tls_key", &options.tlsKey}}) {
        const auto* node = table.get(key);
        if (node == nullptr) continue;
        auto text = reader.string(*node, key);
        if (!text) return text.error();
        if (text->empty()) return reader.at(*node, std::string(key) + " must not be empty");
        *target = besideConfig(reader, *text);
    }
    if (options.tlsCertificate.empty() != options.tlsKey.empty()) {
        return reader.at(table, "[http] needs both tls_certificate and tls_key, or neither");
    }
    if (const auto* node = table.get("nanodnsd_prefixes")) {
        auto items = reader.stringArray(*node, "nanodnsd_prefixes");
        if (!items) return items.error();
        for (const auto& [text, element] : *items) {
            if (!validPrefix(text)) {
                return reader.at(*element, "prefix '" + text + "' must start with '/', not end with one, and use only "
                                           "letters, digits and - _ . /");
            }
            if (std::find(options.nanodnsdPrefixes.begin(), options.nanodnsdPrefixes.end(), text) !=
                options.nanodnsdPrefixes.end()) {
                return reader.at(*element, "prefix '" + text + "' is listed twice");
            }
            options.nanodnsdPrefixes.push_back(text);
        }
    }
    if (const auto* node = table.get("gnudip_salt_lifetime")) {
        auto seconds = reader.duration(*node, "gnudip_salt_lifetime");
        if (!seconds) return seconds.error();
        if (*seconds < 5 || *seconds > 3600) return reader.at(*node, "gnudip_salt_lifetime must be 5 s to 1 h");
        options.gnudipSaltLifetime = *seconds;
    }
    if (const auto* node = table.get("igd")) {
        const auto* flag = node->as_boolean();
        if (flag == nullptr) return reader.at(*node, "igd must be true or false");
        options.igd = flag->get();
    }
    return options;
}

Result<ThrottleOptions> parseThrottle(const Reader& reader, const toml::table& table) {
    if (auto keys = reader.onlyKeys(table, {"failures", "window", "block", "unchanged"}, "[throttle]"); !keys) {
        return keys.error();
    }
    ThrottleOptions options;
    if (const auto* node = table.get("failures")) {
        auto value = reader.integer(*node, "failures", 0, 1000000, "failed logins (0: off)");
        if (!value) return value.error();
        options.failures = *value;
    }
    if (const auto* node = table.get("unchanged")) {
        auto value = reader.integer(*node, "unchanged", 0, 1000000, "unchanged updates (0: off)");
        if (!value) return value.error();
        options.unchanged = *value;
    }
    for (const auto& [key, target] : {std::pair{"window", &options.window}, std::pair{"block", &options.block}}) {
        const auto* node = table.get(key);
        if (node == nullptr) continue;
        auto seconds = reader.duration(*node, key);
        if (!seconds) return seconds.error();
        if (*seconds == 0) return reader.at(*node, std::string(key) + " must be at least one second");
        *target = *seconds;
    }
    return options;
}

}  // namespace qdyn::server::config
