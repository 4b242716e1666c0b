// [accounts] file of server.toml: a second file, written by `qdyn-server account` and
// `tsig-key`, whose [[account]] and [[tsig_key]] tables join those of the main file. It is parsed
// with the same rules; its errors name it, and a name defined in both files is an error that
// names both.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "accounts/accounts_file.hpp"
#include "config/reader.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server::config {

struct AccountsFile {
    std::filesystem::path path;    // empty: the config names no accounts file
    std::optional<Reader> reader;  // its errors name the accounts file
    toml::table root;
    std::vector<const toml::table*> accountTables;
    std::vector<const toml::table*> keyTables;
};

// `file` of [accounts] in the main document, resolved against the main file's directory; empty
// when there is no [accounts] table.
Result<std::filesystem::path> accountsFilePath(const Reader& reader, const toml::table& root);

// Reads and parses the file the main document names: from disk (it must exist and be private
// to its owner), or `text` instead when given.
Result<void> openAccountsFile(const Reader& reader, const toml::table& root, std::optional<std::string_view> text,
                              AccountsFile& file);

// The file's [[account]]s, appended to config.accounts; `mainTables` are the main file's
// [[account]] tables, in the order of config.accounts.
Result<void> mergeFileAccounts(const Reader& reader, const std::vector<const toml::table*>& mainTables,
                               const AccountsFile& file, const ZoneConfig& zone, std::vector<Account>& accounts);

// The file's [[tsig_key]]s (each must name an account), appended to config.tsigKeys;
// `mainTables` are the main file's [[tsig_key]] tables, in the order of config.tsigKeys.
Result<void> mergeFileTsigKeys(const Reader& reader, const std::vector<const toml::table*>& mainTables,
                               const AccountsFile& file, Config& config);

// For the commands, which edit the file without parsing the whole configuration first: the
// [accounts] file named by the main document's text (empty when there is none), and the tables
// of an accounts file as written (the full parse checks their values).
Result<std::filesystem::path> accountsFilePathOf(std::string_view mainToml, const std::string& sourceName);
Result<accounts::AccountsDocument> readAccountsDocument(std::string_view text, const std::string& sourceName);

}  // namespace qdyn::server::config
