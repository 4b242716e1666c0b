// Profile file parsing and validation (toml++).
#include "qdyn/config/profile.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#if !defined(_WIN32)
#include <unistd.h>
#endif

#include "qdyn/dns/name.hpp"
#include "qdyn/dns/tsig.hpp"
#include "qdyn/private_file.hpp"
#include "qdyn/protocols/custom.hpp"
#include "qdyn/protocols/http_update.hpp"
#include "qdyn/protocols/registry.hpp"
#include "qdyn/providers/catalog.hpp"
#include "profile_toml.hpp"

namespace qdyn::config {

Result<std::string> optionalString(const toml::table& table, std::string_view key, const Context& context) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::string();
    const auto* value = node->as_string();
    if (value == nullptr) {
        return makeError(where(context.source, node->source()) + ": \"" + std::string(key) + "\" must be a string");
    }
    return value->get();
}

namespace {

constexpr std::array kProfileKeys{
    std::string_view{"protocol"}, std::string_view{"server"}, std::string_view{"path"},
    std::string_view{"hosts"}, std::string_view{"username"}, std::string_view{"password"},
    std::string_view{"password_file"}, std::string_view{"password_env"}, std::string_view{"ipv6"},
    std::string_view{"timeout"}, std::string_view{"tls_verify"}, std::string_view{"tsig_algorithm"},
    std::string_view{"zone"}, std::string_view{"ttl"}, std::string_view{"provider"}, std::string_view{"url"},
    std::string_view{"success"}, std::string_view{"unchanged"}, std::string_view{"failure"},
    std::string_view{"ca_file"}, std::string_view{"password_keychain"},
};

bool isProfileKey(std::string_view key) {
    for (auto candidate : kProfileKeys) {
        if (key == candidate) return true;
    }
    for (auto candidate : agentSettingKeys()) {
        if (key == candidate) return true;
    }
    return false;
}

// The longest reply word of a custom profile: far longer than any real status word.
constexpr std::size_t kMaxWord = 64;

// The largest TTL RFC 2181 8 allows.
constexpr std::int64_t kMaxTtl = 2147483647;

// True for a protocol that may speak TLS: HTTPS, or QDNS over TLS (qdnss://).
bool speaksTls(const ProtocolEntry* entry) {
    return entry != nullptr && (acceptsScheme(*entry, "https") || acceptsScheme(*entry, "qdnss"));
}

// Reads a secret file: the first line, without its line ending (systemd credentials and
// container secrets usually end in a newline that is not part of the password).
Result<Secret> readSecretFile(const std::filesystem::path& path, const std::string& origin) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(origin + ": cannot read password_file " + path.string());
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return makeError(origin + ": password_file " + path.string() + " is empty");
    return Secret(std::move(line));
}

Result<std::string> requireString(const toml::table& table, std::string_view key, const std::string& origin,
                                  const Context& context) {
    const toml::node* node = table.get(key);
    if (node == nullptr) return makeError(origin + ": missing \"" + std::string(key) + "\"");
    const auto* value = node->as_string();
    if (value == nullptr || value->get().empty()) {
        return makeError(where(context.source, node->source()) + ": \"" + std::string(key) +
                         "\" must be a non-empty string");
    }
    return value->get();
}

// password_keychain = true: the secret is in the desktop keychain, which only qdyn-tray reads
// (core has no keychain client), so the profile loads with an empty password.
Result<bool> readKeychainFlag(const toml::table& table, const Context& context) {
    const toml::node* node = table.get("password_keychain");
    if (node == nullptr) return false;
    const std::string place = where(context.source, node->source());
    const auto* flag = node->as_boolean();
    if (flag == nullptr) return makeError(place + ": password_keychain must be true or false");
    if (!flag->get()) return false;
    for (const char* key : {"password", "password_file", "password_env"}) {
        if (table.contains(key)) {
            return makeError(place + ": password_keychain = true and " + key +
                             " both name the password; give only one of them");
        }
    }
    return true;
}

Result<Secret> readPassword(const toml::table& table, const std::string& origin, const Context& context) {
    int sources = 0;
    for (const char* key : {"password", "password_file", "password_env"}) sources += table.contains(key) ? 1 : 0;
    if (sources > 1) return makeError(origin + ": give only one of password, password_file, password_env");
    if (auto inline_ = optionalString(table, "password", context); !inline_) {
        return inline_.error();
    } else if (!inline_->empty()) {
        return Secret(std::move(*inline_));
    }
    auto file = optionalString(table, "password_file", context);
    if (!file) return file.error();
    if (!file->empty()) {
        std::filesystem::path path(*file);
        if (path.is_relative() && !context.baseDir.empty()) path = context.baseDir / path;
        return readSecretFile(path, origin);
    }
    auto env = optionalString(table, "password_env", context);
    if (!env) return env.error();
    if (!env->empty()) {
        const char* value = std::getenv(env->c_str());
        if (value == nullptr || *value == '\0') {
            return makeError(origin + ": password_env names " + *env + ", which is not set");
        }
        return Secret(std::string(value));
    }
    return Secret();
}

Result<const providers::Provider*> readProvider(const toml::table& table, const Context& context) {
    const toml::node* node = table.get("provider");
    if (node == nullptr) return static_cast<const providers::Provider*>(nullptr);
    const auto* name = node->as_string();
    if (name == nullptr || name->get().empty()) {
        return makeError(where(context.source, node->source()) + ": \"provider\" must be a non-empty string");
    }
    const providers::Provider* provider = providers::findProvider(name->get());
    if (provider == nullptr) {
        return makeError(where(context.source, node->source()) + ": unknown provider \"" + name->get() +
                         "\" (list the known ones with: qdyn providers)");
    }
    return provider;
}

// The place of a key's value for messages, or the profile's own place when the value came
// from the provider catalog.
std::string whereKey(const toml::table& table, std::string_view key, const Context& context, const std::string& origin) {
    const toml::node* node = table.get(key);
    return node != nullptr ? where(context.source, node->source()) : origin;
}

bool isAbsoluteHttpUrl(std::string_view url) {
    return url.substr(0, 7) == "http://" || url.substr(0, 8) == "https://";
}

// protocol, server, path, ipv6 and (for custom) url: from the profile, else from its provider.
Result<void> readEndpoint(const toml::table& table, const providers::Provider* provider, const Context& context,
                          Profile& profile) {
    const std::string& origin = profile.origin;
    if (provider == nullptr || table.contains("protocol")) {
        auto protocol = requireString(table, "protocol", origin, context);
        if (!protocol) return protocol.error();
        profile.protocol = std::move(*protocol);
    } else {
        profile.protocol = std::string(provider->protocol);
    }
    const ProtocolEntry* entry = findProtocol(profile.protocol);
    if (entry == nullptr) {
        std::string known;
        for (const auto& candidate : protocolRegistry()) known += (known.empty() ? "" : ", ") + std::string(candidate.name);
        return makeError(whereKey(table, "protocol", context, origin) + ": unknown protocol \"" + profile.protocol +
                         "\" (known: " + known + ")");
    }
    // A row's path and ipv6 belong to the row's protocol: a profile that picks another one
    // does not inherit them.
    const bool rowApplies = provider != nullptr && provider->protocol == profile.protocol;
    const bool isCustom = profile.protocol == "custom";

    auto url = optionalString(table, "url", context);
    if (!url) return url.error();
    if (table.contains("url") && !isCustom) {
        return makeError(whereKey(table, "url", context, origin) +
                         ": url applies only to protocol custom (the others take server and path)");
    }
    if (isCustom) {
        if (table.contains("path")) {
            return makeError(whereKey(table, "path", context, origin) +
                             ": protocol custom takes its whole URL template in url, not path");
        }
        profile.urlTemplate = table.contains("url") ? std::move(*url) : rowApplies ? std::string(provider->path) : "";
        if (profile.urlTemplate.empty()) return makeError(origin + ": missing \"url\" (the URL template of protocol custom)");
    }
    const bool wholeUrl = isCustom && isAbsoluteHttpUrl(profile.urlTemplate);

    if (table.contains("server")) {
        if (wholeUrl) {
            return makeError(whereKey(table, "server", context, origin) +
                             ": server is not used when url is a whole URL (give either, or a url path starting with /)");
        }
        auto server = requireString(table, "server", origin, context);
        if (!server) return server.error();
        profile.server = std::move(*server);
    } else if (!wholeUrl) {
        if (provider == nullptr) return makeError(origin + ": missing \"server\"");
        if (provider->server.empty()) {
            return makeError(origin + ": provider \"" + std::string(provider->name) +
                             "\" is self-hosted: set \"server\" to your server's URL");
        }
        profile.server = std::string(provider->server);
    }
    if (!profile.server.empty()) {
        const std::string_view schemes = entry->schemes;
        if (const std::size_t separator = profile.server.find("://"); separator == std::string::npos) {
            profile.server = std::string(schemes.substr(0, schemes.find(' '))) + "://" + profile.server;
        } else if (!acceptsScheme(*entry, std::string_view(profile.server).substr(0, separator))) {
            return makeError(whereKey(table, "server", context, origin) + ": server must be a " +
                             schemeList(*entry) + " URL or a bare host name for protocol " + profile.protocol);
        }
    }

    auto path = optionalString(table, "path", context);
    if (!path) return path.error();
    profile.path = table.contains("path") ? std::move(*path) : rowApplies && !isCustom ? std::string(provider->path) : "";
    auto ipv6 = optionalString(table, "ipv6", context);
    if (!ipv6) return ipv6.error();
    profile.ipv6Convention = table.contains("ipv6") ? std::move(*ipv6) : rowApplies ? std::string(provider->ipv6) : "";

    if (isCustom) {
        if (!wholeUrl) {
            if (profile.urlTemplate.front() != '/') {
                return makeError(whereKey(table, "url", context, origin) +
                                 ": url must be an http:// or https:// URL, or a path starting with / (joined to server)");
            }
            profile.urlTemplate = httpupdate::joinUrl(profile.server, profile.urlTemplate);
        }
        if (auto valid = custom::checkTemplate(profile.urlTemplate); !valid) {
            return makeError(whereKey(table, "url", context, origin) + ": " + valid.message());
        }
    }
    return {};
}

// A reply word of a custom profile: compared with the first token of a reply, so it cannot
// hold a blank.
bool isWord(std::string_view word) {
    return !word.empty() && word.size() <= kMaxWord &&
           std::all_of(word.begin(), word.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

Result<std::vector<std::string>> readWords(const toml::table& table, std::string_view key, const Context& context) {
    std::vector<std::string> words;
    const toml::node* node = table.get(key);
    if (node == nullptr) return words;
    const auto* array = node->as_array();
    if (array == nullptr) {
        return makeError(where(context.source, node->source()) + ": \"" + std::string(key) +
                         "\" must be an array of reply words");
    }
    for (const auto& element : *array) {
        const auto* word = element.as_string();
        if (word == nullptr || !isWord(word->get())) {
            return makeError(where(context.source, element.source()) +
                             ": a reply word is 1 to 64 printable characters without blanks");
        }
        words.push_back(word->get());
    }
    return words;
}

// success, unchanged and failure: the reply words of protocol custom.
Result<void> readReplyWords(const toml::table& table, const Context& context, Profile& profile) {
    for (const char* key : {"success", "unchanged", "failure"}) {
        if (table.contains(key) && profile.protocol != "custom") {
            return makeError(whereKey(table, key, context, profile.origin) + ": " + key +
                             " applies only to protocol custom");
        }
    }
    auto success = readWords(table, "success", context);
    if (!success) return success.error();
    profile.successWords = std::move(*success);
    auto unchanged = readWords(table, "unchanged", context);
    if (!unchanged) return unchanged.error();
    profile.unchangedWords = std::move(*unchanged);
    std::vector<std::string> seen = profile.successWords;
    seen.insert(seen.end(), profile.unchangedWords.begin(), profile.unchangedWords.end());
    if (const toml::node* node = table.get("failure")) {
        const auto* failures = node->as_table();
        if (failures == nullptr) {
            return makeError(where(context.source, node->source()) +
                             ": \"failure\" must be a table of reply words and classes, "
                             "e.g. { badauth = \"auth-failed\" }");
        }
        for (const auto& [word, value] : *failures) {
            const auto* text = value.as_string();
            const auto outcome = text != nullptr ? parseOutcomeClass(text->get()) : std::nullopt;
            if (!isWord(word.str())) {
                return makeError(where(context.source, word.source()) +
                                 ": a reply word is 1 to 64 printable characters without blanks");
            }
            if (!outcome || isSuccess(*outcome) || *outcome == OutcomeClass::ClockSkew) {
                return makeError(where(context.source, value.source()) + ": failure." + std::string(word.str()) +
                                 " must be one of retry-later, auth-failed, host-rejected, abuse");
            }
            profile.failureWords.emplace_back(std::string(word.str()), *outcome);
            seen.emplace_back(word.str());
        }
    }
    std::sort(seen.begin(), seen.end());
    if (const auto twice = std::adjacent_find(seen.begin(), seen.end()); twice != seen.end()) {
        return makeError(profile.origin + ": the reply word \"" + *twice + "\" is listed twice");
    }
    return {};
}

Result<void> readCaFile(const toml::table& table, const Context& context, Profile& profile) {
    const toml::node* node = table.get("ca_file");
    if (node == nullptr) return {};
    const std::string place = where(context.source, node->source());
    const auto* text = node->as_string();
    if (text == nullptr || text->get().empty()) return makeError(place + ": \"ca_file\" must be a non-empty string");
    if (!speaksTls(findProtocol(profile.protocol))) {
        return makeError(place + ": ca_file applies only to protocols that speak TLS (HTTPS, qdnss://), not " +
                         profile.protocol);
    }
    std::filesystem::path path(text->get());
    if (path.is_relative() && !context.baseDir.empty()) path = context.baseDir / path;
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
        return makeError(place + ": ca_file " + path.string() + " does not exist or is not a file");
    }
    profile.caFile = path.string();
    return {};
}

Result<Profile> parseProfile(const std::string& name, const toml::table& table, const Context& context) {
    Profile profile;
    profile.name = name;
    profile.origin = where(context.source, table.source());
    const std::string& origin = profile.origin;

    for (const auto& [key, node] : table) {
        if (!isProfileKey(key.str())) {
            return makeError(where(context.source, key.source()) + ": unknown key \"" + std::string(key.str()) +
                             "\" in profile " + name);
        }
    }

    auto provider = readProvider(table, context);
    if (!provider) return provider.error();
    if (*provider != nullptr) profile.provider = std::string((*provider)->name);
    if (auto endpoint = readEndpoint(table, *provider, context, profile); !endpoint) return endpoint.error();

    const toml::node* hosts = table.get("hosts");
    if (hosts == nullptr) return makeError(origin + ": missing \"hosts\"");
    const auto* hostArray = hosts->as_array();
    if (hostArray == nullptr || hostArray->empty()) {
        return makeError(where(context.source, hosts->source()) + ": \"hosts\" must be a non-empty array of names");
    }
    for (const auto& element : *hostArray) {
        const auto* host = element.as_string();
        if (host == nullptr || host->get().empty() || host->get().size() > 253 ||
            host->get().find_first_of(" \t\r\n,/?#&") != std::string::npos) {
            return makeError(where(context.source, element.source()) + ": every host must be a domain name");
        }
        profile.hosts.push_back(host->get());
    }

    auto username = optionalString(table, "username", context);
    if (!username) return username.error();
    profile.username = std::move(*username);
    auto inKeychain = readKeychainFlag(table, context);
    if (!inKeychain) return inKeychain.error();
    profile.passwordInKeychain = *inKeychain;
    auto password = readPassword(table, origin, context);
    if (!password) return password.error();
    profile.password = std::move(*password);
    profile.inlinePassword = table.contains("password");

    if (const toml::node* timeout = table.get("timeout")) {
        const auto* seconds = timeout->as_integer();
        if (seconds == nullptr || seconds->get() < 1 || seconds->get() > 300) {
            return makeError(where(context.source, timeout->source()) + ": timeout must be 1 to 300 seconds");
        }
        profile.timeout = std::chrono::seconds(seconds->get());
    }
    if (const toml::node* algorithm = table.get("tsig_algorithm")) {
        const auto* text = algorithm->as_string();
        if (text == nullptr || !dns::parseTsigAlgorithm(text->get())) {
            return makeError(where(context.source, algorithm->source()) +
                             ": tsig_algorithm must be hmac-sha256, hmac-sha1 or hmac-sha512");
        }
        profile.tsigAlgorithm = text->get();
    }
    if (const toml::node* zone = table.get("zone")) {
        const auto* text = zone->as_string();
        if (text == nullptr || text->get().empty() || !dns::Name::parse(text->get())) {
            return makeError(where(context.source, zone->source()) + ": zone must be a domain name");
        }
        profile.zone = text->get();
    }
    if (const toml::node* ttl = table.get("ttl")) {
        const auto* seconds = ttl->as_integer();
        if (seconds == nullptr || seconds->get() < 0 || seconds->get() > kMaxTtl) {
            return makeError(where(context.source, ttl->source()) + ": ttl must be 0 to 2147483647 seconds");
        }
        profile.ttl = static_cast<std::uint32_t>(seconds->get());
    }
    if (const toml::node* verify = table.get("tls_verify")) {
        const auto* flag = verify->as_boolean();
        if (flag == nullptr) return makeError(where(context.source, verify->source()) + ": tls_verify must be true or false");
        profile.verifyTls = flag->get();
    }
    if (auto words = readReplyWords(table, context, profile); !words) return words.error();
    if (auto caFile = readCaFile(table, context, profile); !caFile) return caFile.error();
    if (auto agent = readAgentSettings(table, context, profile.agent); !agent) return agent.error();
    profile.definition = canonicalDefinition(table);
    // Let the protocol check its own options now, so a bad profile fails at load, not at 3 a.m.
    if (auto client = makeProtocol(profile); !client) return client.error();
    return profile;
}

}  // namespace

const Profile* ProfileSet::find(std::string_view name) const {
    for (const auto& profile : profiles) {
        if (profile.name == name) return &profile;
    }
    return nullptr;
}

Result<ProfileSet> parseProfiles(std::string_view text, const std::string& sourceName,
                                 const std::filesystem::path& baseDir) {
    toml::table root;
    try {
        root = toml::parse(text, sourceName);
    } catch (const toml::parse_error& error) {
        return makeError(where(sourceName, error.source()) + ": " + std::string(error.description()));
    }
    const Context context{sourceName, baseDir};
    ProfileSet set;
    for (const auto& [key, node] : root) {
        if (key.str() != "profile") {
            return makeError(where(sourceName, key.source()) + ": unknown top-level key \"" + std::string(key.str()) +
                             "\" (profiles go in [profile.NAME] tables)");
        }
    }
    const toml::node* profiles = root.get("profile");
    if (profiles == nullptr || profiles->as_table() == nullptr || profiles->as_table()->empty()) {
        return makeError(sourceName + ": no profiles; add a [profile.NAME] table");
    }
    for (const auto& [name, node] : *profiles->as_table()) {
        const auto* table = node.as_table();
        if (table == nullptr) {
            return makeError(where(sourceName, node.source()) + ": profile." + std::string(name.str()) + " must be a table");
        }
        // The name also names the profile's state file: no separators, no dot files.
        const std::string_view profileName = name.str();
        if (profileName.empty() || profileName.size() > 64 || profileName.front() == '.' ||
            !std::all_of(profileName.begin(), profileName.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
            })) {
            return makeError(where(sourceName, node.source()) + ": profile name \"" + std::string(profileName) +
                             "\" must be 1 to 64 letters, digits, '-', '_' or '.', not starting with '.'");
        }
        auto profile = parseProfile(std::string(name.str()), *table, context);
        if (!profile) return profile.error();
        set.profiles.push_back(std::move(*profile));
    }
    return set;
}

Result<ProfileSet> loadProfiles(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return makeError("cannot open profile file " + path.string() +
                         " (create it, or name another with --config)");
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    if (text.size() > 1024 * 1024) return makeError(path.string() + ": larger than 1 MiB; is this a profile file?");
    auto set = parseProfiles(text, path.string(), path.parent_path());
    if (!set) return set;
    set->path = path;
    const bool holdsInlineSecret = std::any_of(set->profiles.begin(), set->profiles.end(),
                                               [](const Profile& profile) { return profile.inlinePassword; });
    if (holdsInlineSecret) {
        if (auto private_ = checkPrivateFile(path, "a password"); !private_) {
            return makeError(private_.message() + " (or move the password to password_file or password_env)");
        }
    }
    return set;
}

std::string insecureTlsWarning(const Profile& profile) {
    const ProtocolEntry* entry = findProtocol(profile.protocol);
    if (profile.verifyTls || !speaksTls(entry)) return {};
    return "WARNING: profile " + profile.name + " (" + profile.origin +
           ") has tls_verify = false: server certificates are NOT checked, so anyone on the way can pose as the "
           "server and read the credentials. Prefer ca_file for a private or self-signed certificate.";
}

std::string keychainPasswordProblem(const Profile& profile) {
    if (!profile.passwordInKeychain || !profile.password.empty()) return {};
    return "its password is in the desktop keychain (saved by qdyn-tray), which the qdyn command cannot read; use "
           "password_file or password_env to share it with the CLI";
}

std::filesystem::path defaultProfilePath() {
    if (const char* explicitPath = std::getenv("QDYN_CONFIG"); explicitPath != nullptr && *explicitPath != '\0') {
        return explicitPath;
    }
#if !defined(_WIN32)
    if (::geteuid() == 0) return "/etc/qdyn/profiles.toml";
#endif
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
        return std::filesystem::path(xdg) / "qdyn" / "profiles.toml";
    }
#if defined(_WIN32)
    if (const char* appData = std::getenv("APPDATA"); appData != nullptr && *appData != '\0') {
        return std::filesystem::path(appData) / "qdyn" / "profiles.toml";
    }
#endif
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return std::filesystem::path(home) / ".config" / "qdyn" / "profiles.toml";
    }
    return "profiles.toml";
}

}  // namespace qdyn::config
