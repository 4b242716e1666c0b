// The rules of the profile form, free of Qt so they can be tested as a table: what each field
// must hold and why not, and the final word of core's parser on the whole profile.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/config/profile.hpp"
#include "qdyn/config/profile_writer.hpp"
#include "qdyn/result.hpp"

namespace qdyn::gui {

// The form's fields as typed.
struct ProfileFields {
    std::string name;
    std::string provider;  // a catalog name; empty: no provider (Custom)
    std::string protocol;  // a registry name; with a provider, the provider's
    std::string server;    // empty: the provider's server, where it has one
    std::string url;       // protocol custom: the URL template; empty: the provider's
    std::string hosts;     // comma or newline separated
    std::string username;
    bool hasPassword = false;   // typed, or kept from password_file / password_env
    std::string zone;           // rfc2136: empty means found by SOA queries
    std::string tsigAlgorithm;  // rfc2136
};

enum class Field { Name, Protocol, Server, Url, Hosts, Username, Password, Zone, Profile };

// Why each field cannot be saved; no entry means the field is fine. Field::Profile holds what
// core's parser said about the whole profile once every field passed.
struct Validation {
    std::map<Field, std::string> problems;

    [[nodiscard]] bool ok() const noexcept { return problems.empty(); }
    [[nodiscard]] std::string problemOf(Field field) const;
};

// 1 to 64 letters, digits, '-' or '_' (what core's editor writes and its parser reads; the name
// also names the state file), not one of `taken`.
Result<void> checkProfileName(std::string_view name, const std::vector<std::string>& taken);

// The host names of "a.example, b.example\nc.example": each a DNS name as core parses it and as
// the profile parser accepts it, none twice, at least one.
Result<std::vector<std::string>> parseHostList(std::string_view text);

// A server URL for `protocol`: one of its schemes ("https://host", "dns://192.0.2.53") or a bare
// host, without blanks. Empty is fine only when `required` is false (a provider supplies one).
Result<void> checkServer(std::string_view server, std::string_view protocol, bool required);

// A URL template of protocol custom: an http(s):// URL or a path starting with / (joined to the
// server), with only known placeholders. Empty is fine only when `required` is false.
Result<void> checkUrlTemplate(std::string_view url, bool required);

// A zone name for rfc2136; empty is fine (found by SOA queries).
Result<void> checkZone(std::string_view zone);

// What a protocol needs of the credentials.
struct CredentialRule {
    bool username = false;  // required
    bool password = false;  // required
    bool both = false;      // both or neither (rfc2136: a TSIG key name and its secret)
    bool none = false;      // neither may be given (the file drop)
};
CredentialRule credentialRule(std::string_view protocol);

// Every field rule; when all pass, the whole `entry` (what the form would write) rendered and
// parsed as the file will be, with baseDir for relative paths.
Validation validateProfile(const ProfileFields& fields, const std::vector<std::string>& takenNames,
                           const config::ProfileEntry& entry, const std::filesystem::path& baseDir);

// The entry rendered with renderProfile and parsed with parseProfiles: the profile the agent
// would run, or the parser's message without the place (the place is this form, not a file).
Result<config::Profile> parseEntry(const config::ProfileEntry& entry, const std::filesystem::path& baseDir);

}  // namespace qdyn::gui
