// The rules of the profile form (profile_validation.hpp).
#include "settings/profile_validation.hpp"

#include <algorithm>
#include <cctype>

#include "qdyn/dns/name.hpp"
#include "qdyn/protocols/custom.hpp"
#include "qdyn/protocols/registry.hpp"
#include "qdyn/providers/catalog.hpp"

namespace qdyn::gui {

namespace {

constexpr std::size_t kMaxName = 64;
constexpr std::size_t kMaxHost = 253;
constexpr std::string_view kSourceName = "profile";

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

bool isNameCharacter(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

bool isAbsoluteHttpUrl(std::string_view url) {
    return url.starts_with("http://") || url.starts_with("https://");
}

// "https http" -> "https:// or http://"
// "profile:7: the message" -> "the message": the place is the form, which has no lines.
std::string withoutPlace(const std::string& message) {
    const std::string prefix = std::string(kSourceName) + ":";
    if (!message.starts_with(prefix)) return message;
    std::size_t at = prefix.size();
    while (at < message.size() && std::isdigit(static_cast<unsigned char>(message[at])) != 0)
        ++at;
    if (at < message.size() && message[at] == ':') ++at;
    return std::string(trimmed(std::string_view(message).substr(at)));
}

}  // namespace

std::string Validation::problemOf(Field field) const {
    const auto found = problems.find(field);
    return found == problems.end() ? std::string() : found->second;
}

Result<void> checkProfileName(std::string_view name, const std::vector<std::string>& taken) {
    if (name.empty()) return makeError("a name is required");
    if (name.size() > kMaxName) return makeError("at most 64 characters");
    if (!std::all_of(name.begin(), name.end(), isNameCharacter)) {
        return makeError("only letters, digits, '-' and '_' (the name also names the profile's state file)");
    }
    if (std::find(taken.begin(), taken.end(), name) != taken.end()) {
        return makeError("a profile named " + std::string(name) + " already exists");
    }
    return {};
}

Result<std::vector<std::string>> parseHostList(std::string_view text) {
    std::vector<std::string> hosts;
    while (!text.empty()) {
        const std::size_t end = text.find_first_of(",\n");
        const std::string_view item = trimmed(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (item.empty()) continue;
        const std::string host(item);
        // The profile parser's own limits, then the DNS name rules.
        if (host.size() > kMaxHost) return makeError("\"" + host.substr(0, 40) + "...\" is longer than 253 characters");
        if (host.find_first_of(" \t\r/?#&") != std::string::npos) {
            return makeError("\"" + host + "\" is not a host name (no blanks, '/', '?', '#' or '&')");
        }
        auto parsed = dns::Name::parse(host);
        if (!parsed) return makeError("\"" + host + "\": " + parsed.message());
        if (parsed->isRoot()) return makeError("\"" + host + "\" is the DNS root, not a host name");
        if (std::find(hosts.begin(), hosts.end(), host) != hosts.end()) {
            return makeError("\"" + host + "\" is listed twice");
        }
        hosts.push_back(host);
    }
    if (hosts.empty()) return makeError("at least one host name is required");
    return hosts;
}

Result<void> checkServer(std::string_view server, std::string_view protocol, bool required) {
    if (server.empty()) {
        if (required) return makeError("the server is required");
        return {};
    }
    if (server.find_first_of(" \t\r\n") != std::string_view::npos) return makeError("a server URL has no blanks");
    const ProtocolEntry* entry = findProtocol(protocol);
    const std::size_t separator = server.find("://");
    if (separator == std::string_view::npos) {
        if (server.front() == '/' || server.front() == ':') return makeError("give a host name or a URL");
        return {};  // a bare host: the protocol's first scheme is assumed
    }
    const std::string_view scheme = server.substr(0, separator);
    if (entry != nullptr && !acceptsScheme(*entry, scheme)) {
        return makeError(std::string(protocol) + " needs a " + schemeList(*entry) +
                         " URL, or a bare host name");
    }
    const std::string_view rest = server.substr(separator + 3);
    // file:///path has an empty host on purpose; every other scheme needs one.
    if (rest.empty() || (scheme != "file" && (rest.front() == '/' || rest.front() == ':'))) {
        return makeError("no host after " + std::string(scheme) + "://");
    }
    return {};
}

Result<void> checkUrlTemplate(std::string_view url, bool required) {
    if (url.empty()) {
        if (required) return makeError("the URL template is required");
        return {};
    }
    if (isAbsoluteHttpUrl(url)) return custom::checkTemplate(url);
    if (url.front() != '/')
        return makeError("an http:// or https:// URL, or a path starting with / (joined to the server)");
    // A path: judge it as it will be used, joined to some server.
    return custom::checkTemplate("https://server.invalid" + std::string(url));
}

Result<void> checkZone(std::string_view zone) {
    if (zone.empty()) return {};
    auto parsed = dns::Name::parse(zone);
    if (!parsed) return makeError(parsed.message());
    if (parsed->isRoot()) return makeError("the root is not a zone that takes updates");
    return {};
}

CredentialRule credentialRule(std::string_view protocol) {
    CredentialRule rule;
    if (protocol == "rfc2136") {
        rule.both = true;
    } else if (protocol == "file") {
        rule.none = true;
    } else if (protocol == "nanodnsd" || protocol == "qdns") {
        rule.password = true;  // a token as password; a username is optional
    } else if (protocol == "dyndns2" || protocol == "minidns" || protocol == "dynonym" || protocol == "gnudip" ||
               protocol == "miniupdate" || protocol == "gnudip-tcp") {
        rule.username = true;
        rule.password = true;
    }
    return rule;  // custom: the URL template decides; anything else: the parser does
}

Result<config::Profile> parseEntry(const config::ProfileEntry& entry, const std::filesystem::path& baseDir) {
    auto set = config::parseProfiles(config::renderProfile(entry), std::string(kSourceName), baseDir);
    if (!set) return makeError(withoutPlace(set.message()));
    if (set->profiles.size() != 1) return makeError("the form did not make exactly one profile");
    return std::move(set->profiles.front());
}

Validation validateProfile(const ProfileFields& fields, const std::vector<std::string>& takenNames,
                           const config::ProfileEntry& entry, const std::filesystem::path& baseDir) {
    Validation result;
    const auto note = [&result](Field field, const Result<void>& check) {
        if (!check) result.problems[field] = check.message();
    };
    note(Field::Name, checkProfileName(fields.name, takenNames));
    if (findProtocol(fields.protocol) == nullptr) result.problems[Field::Protocol] = "choose a protocol";
    if (auto hosts = parseHostList(fields.hosts); !hosts) result.problems[Field::Hosts] = hosts.message();

    // What the provider's row supplies when a field is left empty.
    const providers::Provider* provider = providers::findProvider(fields.provider);
    const bool isCustom = fields.protocol == "custom";
    const bool wholeUrl = isCustom && isAbsoluteHttpUrl(fields.url);
    if (isCustom) {
        const bool rowGivesUrl = provider != nullptr && provider->protocol == "custom" && !provider->path.empty();
        note(Field::Url, checkUrlTemplate(fields.url, !rowGivesUrl));
    }
    if (wholeUrl && !fields.server.empty()) {
        result.problems[Field::Server] = "leave the server empty: the URL template is a whole URL";
    } else {
        const bool rowGivesServer = provider != nullptr && !provider->server.empty();
        note(Field::Server, checkServer(fields.server, fields.protocol, !wholeUrl && !rowGivesServer));
    }
    if (fields.protocol == "rfc2136") note(Field::Zone, checkZone(fields.zone));

    const CredentialRule rule = credentialRule(fields.protocol);
    const bool hasUsername = !fields.username.empty();
    if (rule.none) {
        if (hasUsername) result.problems[Field::Username] = fields.protocol + " takes no username";
        if (fields.hasPassword) result.problems[Field::Password] = fields.protocol + " takes no password";
    } else if (rule.both && hasUsername != fields.hasPassword) {
        if (!hasUsername) result.problems[Field::Username] = "the TSIG key name is required with a secret";
        if (!fields.hasPassword)
            result.problems[Field::Password] = "the TSIG secret (base64) is required with a key name";
    } else {
        if (rule.username && !hasUsername) result.problems[Field::Username] = "required by " + fields.protocol;
        if (rule.password && !fields.hasPassword) result.problems[Field::Password] = "required by " + fields.protocol;
    }
    if (fields.username.find_first_of("\r\n") != std::string::npos) {
        result.problems[Field::Username] = "a username is one line";
    }

    // The parser's word on everything the field rules do not know (a TSIG secret that is not
    // base64, a provider without a server, the unshown keys of an edited profile).
    if (result.ok()) {
        if (auto parsed = parseEntry(entry, baseDir); !parsed) result.problems[Field::Profile] = parsed.message();
    }
    return result;
}

}  // namespace qdyn::gui
