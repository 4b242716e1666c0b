// The accounts file's document and its text, its atomic replacement and privacy check (core's
// private_file.hpp); reading and locking the file are the platform's (accounts_file_posix.cpp,
// accounts_file_windows.cpp).
#include "accounts/accounts_file.hpp"

#include <algorithm>
#include <cstdio>

#include "qdyn/private_file.hpp"

namespace qdyn::server::accounts {

namespace {

// A TOML basic string: backslash, quote and control characters escaped; everything else
// (including UTF-8) as it is.
std::string tomlString(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto octet = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (octet < 0x20 || octet == 0x7F) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04X", static_cast<unsigned>(octet));
            out += escape;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace

ManagedAccount* AccountsDocument::findAccount(std::string_view name) {
    const auto found = std::find_if(accounts.begin(), accounts.end(), [&](const auto& a) { return a.name == name; });
    return found == accounts.end() ? nullptr : &*found;
}

const ManagedKey* AccountsDocument::findKey(const dns::Name& name) const {
    const auto found = std::find_if(keys.begin(), keys.end(), [&](const ManagedKey& key) {
        const auto parsed = dns::Name::parse(key.name);
        return parsed && *parsed == name;
    });
    return found == keys.end() ? nullptr : &*found;
}

std::string renderAccountsFile(const AccountsDocument& document) {
    std::string out(accounts::kAccountsFileHeader);
    for (const auto& account : document.accounts) {
        out += "\n[[account]]\nname = " + tomlString(account.name) +
               "\npassword_hash = " + tomlString(account.passwordHash);
        if (!account.tokenHash.empty()) out += "\ntoken_hash = " + tomlString(account.tokenHash);
        if (!account.gnudipMd5.empty()) out += "\ngnudip_md5 = " + tomlString(account.gnudipMd5);
        out += "\nhosts = [";
        for (std::size_t i = 0; i < account.hosts.size(); ++i)
            out += (i == 0 ? "" : ", ") + tomlString(account.hosts[i]);
        out += "]\n";
    }
    for (const auto& key : document.keys) {
        out += "\n[[tsig_key]]\nname = " + tomlString(key.name) + "\nalgorithm = " + tomlString(key.algorithm) +
               "\nsecret = " + tomlString(key.secret) + "\naccount = " + tomlString(key.account) + "\n";
    }
    return out;
}

Result<void> checkPrivate(const std::filesystem::path& path) {
    return checkPrivateFile(path, "password hashes and TSIG secrets");
}

Result<void> writeAccountsFile(const std::filesystem::path& link, std::string_view content) {
    FileReplaceOptions options;
    options.forcedMode = 0600;
    // On Windows an existing file keeps its list: it may let the account the server runs as in,
    // which a fresh private list would shut out (POSIX keeps the owner for that instead).
    options.accessList = AccessList::PrivateWhenNew;
    options.owner = ReplacedOwner::Kept;
    // Without the directory on the disk a crash could bring back the old file, and an old
    // password, after the command said it was done.
    options.directorySyncRequired = true;
    return replaceFileAtomically(link, content, options);
}

}  // namespace qdyn::server::accounts
