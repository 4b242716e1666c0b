// The accounts file's document and its text (accounts_file.hpp); reading, writing and locking
// the file are the platform's (accounts_file_posix.cpp, accounts_file_windows.cpp).
#include "accounts/accounts_file.hpp"

#include <algorithm>
#include <cstdio>

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

}  // namespace qdyn::server::accounts
