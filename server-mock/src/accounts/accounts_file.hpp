// The file behind `[accounts] file`: how it is read (by the config loader and the commands) and
// written (by the commands only). It holds password hashes and TSIG secrets, so it must be
// private to its owner, and it is replaced atomically so the server never reads half of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/dns/name.hpp"
#include "qdyn/result.hpp"

namespace qdyn::server::accounts {

// The file's content as the commands edit it; the config parser reads the same tables.
struct ManagedAccount {
    std::string name;
    std::string passwordHash;
    std::vector<std::string> hosts;  // as written: full names without the final dot
    std::string tokenHash{};         // nanodnsd token (scrypt PHC), empty: none
    std::string gnudipMd5{};         // md5hex(password) for GnuDIP, empty: none
};

struct ManagedKey {
    std::string name;  // without the final dot
    std::string algorithm;
    std::string secret;  // base64
    std::string account;
};

struct AccountsDocument {
    std::vector<ManagedAccount> accounts;
    std::vector<ManagedKey> keys;

    [[nodiscard]] ManagedAccount* findAccount(std::string_view name);
    [[nodiscard]] const ManagedKey* findKey(const dns::Name& name) const;
};

// The file's text: the header, then one table per account and per key, strings escaped as TOML
// basic strings. (Reading it back is config::readAccountsDocument.)
std::string renderAccountsFile(const AccountsDocument& document);

// A file of a few thousand accounts is far below this; anything larger is not an accounts file.
inline constexpr std::uintmax_t kMaxAccountsFileSize = 4 * 1024 * 1024;

inline constexpr std::string_view kAccountsFileHeader =
    "# managed by qdyn-server account/tsig-key commands; do not edit by hand.\n"
    "# Change it with `qdyn-server --config SERVER.toml account ...` or `tsig-key ...`, then send\n"
    "# SIGHUP to qdyn-server (systemctl reload qdyn-server) to apply.\n";

// The text of the file, or nullopt when it does not exist. Refused: anything but a regular file,
// a file over the size limit. Errors are I/O errors.
Result<std::optional<std::string>> readAccountsFile(const std::filesystem::path& path);

// Refuses a file that users other than its owner may read or change (it holds secrets), with
// the command that fixes it: chmod on POSIX; on Windows, an entry of its access list that lets
// Everyone, Users, Authenticated Users, Guests or anonymous logons read or change it, and icacls.
Result<void> checkPrivate(const std::filesystem::path& path);

// Replaces the file with `content`: a temporary file in the same directory (mode 0600, the old
// file's owner kept), fsync, rename over the old one, fsync of the directory. A new file made
// by root belongs to the owner of its directory, which is the user the server runs as when the
// directory is its state directory. Through a symlink the target is replaced, not the link.
// On Windows the temporary file gets the old file's access list, or for a new file one that
// lets only its owner, SYSTEM and the Administrators in; it is flushed and moved over the old
// one with MOVEFILE_WRITE_THROUGH.
Result<void> writeAccountsFile(const std::filesystem::path& link, std::string_view content);

// An exclusive lock held while a command reads, changes and writes the file, so two commands
// run at once cannot lose each other's change. It locks the directory on POSIX and a file beside
// the accounts file on Windows, NAME.lock (the file itself is replaced by rename, so a lock on it
// would not be seen by the next command).
class AccountsFileLock {
public:
    static Result<AccountsFileLock> acquire(const std::filesystem::path& accountsFile);
    AccountsFileLock(AccountsFileLock&& other) noexcept;
    AccountsFileLock& operator=(AccountsFileLock&&) = delete;
    AccountsFileLock(const AccountsFileLock&) = delete;
    AccountsFileLock& operator=(const AccountsFileLock&) = delete;
    ~AccountsFileLock();

private:
    static constexpr std::intptr_t kNoLock = -1;
    explicit AccountsFileLock(std::intptr_t handle) : m_handle(handle) {}
    // The locked directory's descriptor (POSIX), or the lock file's HANDLE (Windows).
    std::intptr_t m_handle = kNoLock;
};

}  // namespace qdyn::server::accounts
