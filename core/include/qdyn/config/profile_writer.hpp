// Editing profile files as text: render one profile as a `[profile.NAME]` section, add one to a
// file or remove one from it without touching anything else (comments and layout stay), and
// replace the file atomically. Every edit is re-parsed before it may be written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qdyn/result.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::config {

// A profile as the user writes it: the keys of the file, unresolved (a provider stays a name,
// a password file stays a path). Empty strings, empty lists and nullopt mean "not written",
// and so the default.
struct ProfileEntry {
    // Keychain: `password_keychain = true`; the secret itself is kept by qdyn-tray in the desktop
    // keychain, never in the file (password may carry it in memory on its way there).
    enum class PasswordFrom { None, Inline, File, Env, Keychain };

    std::string name;
    std::string provider;
    std::string protocol;
    std::string server;
    std::string path;
    std::string url;  // custom only
    std::vector<std::string> hosts;
    std::string username;
    PasswordFrom passwordFrom = PasswordFrom::None;
    Secret password;          // PasswordFrom::Inline
    std::string passwordRef;  // PasswordFrom::File: the path; PasswordFrom::Env: the variable
    std::string ipv6;         // dyndns2 convention
    std::string tsigAlgorithm;
    std::string zone;
    std::optional<std::int64_t> ttl;
    std::optional<std::int64_t> timeout;
    std::optional<bool> tlsVerify;
    std::string caFile;
    std::vector<std::string> success;
    std::vector<std::string> unchanged;
    std::vector<std::pair<std::string, std::string>> failure;  // word, class ("auth-failed")
    std::vector<std::string> families;
    std::vector<std::string> detect;
    std::vector<std::string> detectIpv4;
    std::vector<std::string> detectIpv6;
    std::optional<std::int64_t> agreement;
    std::optional<bool> allowPrivate;
    std::string ipv6Interface;
    std::optional<std::int64_t> pollInterval;  // seconds
    std::optional<std::int64_t> refreshAfter;  // seconds
    std::optional<bool> verify;                // true / false; verifyServers wins when set
    std::vector<std::string> verifyServers;
    std::vector<std::string> onChange;
    std::vector<std::string> onFailure;
    // Comment lines written above the section ("from ddclient.conf line 12"), without the "# ".
    std::vector<std::string> comments;
};

// `key = value` text for TOML: a basic string with every character TOML requires escaped
// (quote, backslash, control characters), and a key bare when it can be, quoted otherwise.
std::string tomlString(std::string_view text);
std::string tomlKey(std::string_view key);

// The section for one profile: the comments, `[profile.NAME]`, then the keys in a fixed,
// readable order (where to, what, who, how, then the agent's keys), only those that are set
// and differ from the defaults. Ends with a newline.
std::string renderProfile(const ProfileEntry& entry);

// Where one profile's password comes from, read from the file's text without resolving it.
struct PasswordSource {
    std::string profile;
    ProfileEntry::PasswordFrom from = ProfileEntry::PasswordFrom::None;
    std::string ref;  // the path (as written) or the variable name

    // "inline", "password_file /run/x", "password_env HOME_PW", "keychain", "none": never the secret.
    [[nodiscard]] std::string describe() const;
};
Result<std::vector<PasswordSource>> readPasswordSources(std::string_view text, const std::string& sourceName);

// The text of a profile file after an edit, checked: it parses (parseProfiles, with baseDir for
// relative paths), every profile that was there and was not the target is still there with the
// same fingerprint, and the target was added or is gone. The input must parse too: a broken or
// foreign file is refused, never edited.
Result<std::string> addProfileText(std::string_view text, const ProfileEntry& entry, const std::string& sourceName,
                                   const std::filesystem::path& baseDir);
// Removes `[profile.NAME]`, its sub-tables (`[profile.NAME.x]`, wherever they are), the comment
// lines right above each of them, and one of the blank lines that then meet. A profile not
// written as its own section (an inline table, dotted keys) is refused.
Result<std::string> removeProfileText(std::string_view text, std::string_view name, const std::string& sourceName,
                                      const std::filesystem::path& baseDir);

// Replaces profile `entry.name` by `entry` in place: its sections and their comments (as
// removeProfileText takes them) give way to the rendered entry, where its own section was; every
// other line stays. Checked as both edits are: the result loads, the other profiles keep their
// fingerprints, the profile is still there. Works on a file's only profile too.
Result<std::string> replaceProfileText(std::string_view text, const ProfileEntry& entry, const std::string& sourceName,
                                       const std::filesystem::path& baseDir);

// Replaces `path` by `text` atomically: a temporary file in the same directory, written and
// fsynced, then renamed over it (and the directory fsynced). A new file gets mode 0600 (it may
// hold a password), an existing one keeps its mode and, where allowed, its owner. A symlink
// is followed, so the file it points to is replaced. `expected` (when given) is the content the
// caller read: if the file changed since, nothing is written. `mode` (when given) is the mode of
// the result whatever the file had (`qdyn import --output` makes its files private).
Result<void> writeFileAtomically(const std::filesystem::path& path, std::string_view text,
                                 const std::optional<std::string>& expected = std::nullopt,
                                 std::optional<unsigned> mode = std::nullopt);

// The file's content, or nullopt when it does not exist; an Error when it cannot be read or is
// larger than 1 MiB (not a profile file).
Result<std::optional<std::string>> readProfileFile(const std::filesystem::path& path);

}  // namespace qdyn::config
