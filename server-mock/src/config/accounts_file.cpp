// The [accounts] file joined to server.toml (see accounts_file.hpp).
#include "config/accounts_file.hpp"

#include <algorithm>

#include "accounts/accounts_file.hpp"
#include "config/sections.hpp"

namespace qdyn::server::config {

namespace {

std::string stringAt(const toml::table& table, std::string_view key) {
    return std::string(table[key].value_or(std::string_view{}));
}

}  // namespace

Result<std::filesystem::path> accountsFilePath(const Reader& reader, const toml::table& root) {
    auto table = reader.optionalTable(root, "accounts");
    if (!table) return table.error();
    if (*table == nullptr) return std::filesystem::path{};
    if (auto keys = reader.onlyKeys(**table, {"file"}, "[accounts]"); !keys) return keys.error();
    const auto* node = (*table)->get("file");
    if (node == nullptr) return reader.at(**table, "[accounts] needs file (the file qdyn-server account manages)");
    auto text = reader.string(*node, "file");
    if (!text) return text.error();
    if (text->empty()) return reader.at(*node, "file must not be empty (leave [accounts] out if there is none)");
    std::filesystem::path path(*text);
    // Relative to the main file, not to wherever the server or a command happens to be started.
    if (path.is_relative()) path = std::filesystem::path(reader.source()).parent_path() / path;
    return path;
}

Result<void> openAccountsFile(const Reader& reader, const toml::table& root, std::optional<std::string_view> text,
                              AccountsFile& file) {
    auto path = accountsFilePath(reader, root);
    if (!path) return path.error();
    if (path->empty()) return {};
    file.path = *path;
    file.reader.emplace(path->string());
    std::string content;
    if (text) {
        content = *text;
    } else {
        auto read = accounts::readAccountsFile(*path);
        if (!read) return read.error();
        if (!*read) {
            // Never an empty default: a moved or mistyped file would otherwise drop every account
            // (and, on SIGHUP, the records of their hosts).
            return reader.whole("the [accounts] file " + path->string() +
                                " does not exist (qdyn-server --config ... account add creates it)");
        }
        if (auto private_ = accounts::checkPrivate(*path); !private_) return private_.error();
        content = std::move(**read);
    }
    try {
        file.root = toml::parse(content, path->string());
    } catch (const toml::parse_error& error) {
        return file.reader->at(error.source(), std::string(error.description()));
    }
    if (auto keys = file.reader->onlyKeys(file.root, {"account", "tsig_key"}, "the accounts file"); !keys) {
        return keys.error();
    }
    auto accountTables = file.reader->tableArray(file.root, "account");
    if (!accountTables) return accountTables.error();
    file.accountTables = std::move(*accountTables);
    auto keyTables = file.reader->tableArray(file.root, "tsig_key");
    if (!keyTables) return keyTables.error();
    file.keyTables = std::move(*keyTables);
    return {};
}

Result<void> mergeFileAccounts(const Reader& reader, const std::vector<const toml::table*>& mainTables,
                               const AccountsFile& file, const ZoneConfig& zone, std::vector<Account>& accounts) {
    if (file.path.empty()) return {};
    const Reader& fileReader = *file.reader;
    const std::size_t mainCount = accounts.size();
    for (const auto* table : file.accountTables) {
        if (const auto* plain = table->get("password")) {
            return fileReader.at(*plain,
                                 "the accounts file holds password hashes only (qdyn-server account passwd "
                                 "sets one); plain passwords belong in the main file");
        }
        auto account = parseAccount(fileReader, *table, zone);
        if (!account) return account.error();
        for (std::size_t i = 0; i < accounts.size(); ++i) {
            if (accounts[i].name != account->name) continue;
            if (i < mainCount && i < mainTables.size()) {
                return fileReader.at(*table, "account '" + account->name + "' is also defined at " +
                                                 reader.location(*mainTables[i]) +
                                                 "; names must be unique across both files");
            }
            return fileReader.at(*table, "account '" + account->name + "' is defined twice");
        }
        accounts.push_back(std::move(*account));
    }
    return {};
}

Result<void> mergeFileTsigKeys(const Reader& reader, const std::vector<const toml::table*>& mainTables,
                               const AccountsFile& file, Config& config) {
    if (file.path.empty()) return {};
    const Reader& fileReader = *file.reader;
    for (const auto* table : file.keyTables) {
        // Transfer-only keys are tied to a [[secondary]], which lives in the main file.
        if (table->get("account") == nullptr) {
            return fileReader.at(*table,
                                 "a [[tsig_key]] in the accounts file needs account (keys for secondaries "
                                 "belong in the main file)");
        }
    }
    auto keys = parseTsigKeys(fileReader, file.keyTables, config.accounts);
    if (!keys) return keys.error();
    for (std::size_t j = 0; j < keys->size(); ++j) {
        const auto& key = (*keys)[j];
        const auto found = std::find_if(config.tsigKeys.begin(), config.tsigKeys.end(),
                                        [&](const TsigKeyConfig& existing) { return existing.name == key.name; });
        if (found == config.tsigKeys.end()) continue;
        const auto index = static_cast<std::size_t>(found - config.tsigKeys.begin());
        const std::string other = index < mainTables.size() ? reader.location(*mainTables[index]) : reader.source();
        return fileReader.at(*file.keyTables[j], "[[tsig_key]] '" + key.name.toString() + "' is also defined at " +
                                                     other + "; names must be unique across both files");
    }
    config.tsigKeys.insert(config.tsigKeys.end(), std::make_move_iterator(keys->begin()),
                           std::make_move_iterator(keys->end()));
    return {};
}

Result<std::filesystem::path> accountsFilePathOf(std::string_view mainToml, const std::string& sourceName) {
    const Reader reader(sourceName);
    toml::table root;
    try {
        root = toml::parse(mainToml, sourceName);
    } catch (const toml::parse_error& error) {
        return reader.at(error.source(), std::string(error.description()));
    }
    return accountsFilePath(reader, root);
}

Result<accounts::AccountsDocument> readAccountsDocument(std::string_view text, const std::string& sourceName) {
    toml::table root;
    try {
        root = toml::parse(text, sourceName);
    } catch (const toml::parse_error& error) {
        return makeError(sourceName + ": " + std::string(error.description()));
    }
    accounts::AccountsDocument document;
    if (const auto* accounts = root["account"].as_array()) {
        for (const auto& node : *accounts) {
            const auto* table = node.as_table();
            if (table == nullptr) continue;
            accounts::ManagedAccount account{stringAt(*table, "name"), stringAt(*table, "password_hash"), {}};
            account.tokenHash = stringAt(*table, "token_hash");
            account.gnudipMd5 = stringAt(*table, "gnudip_md5");
            if (const auto* hosts = (*table)["hosts"].as_array()) {
                for (const auto& host : *hosts)
                    account.hosts.emplace_back(host.value_or(std::string_view{}));
            }
            document.accounts.push_back(std::move(account));
        }
    }
    if (const auto* keys = root["tsig_key"].as_array()) {
        for (const auto& node : *keys) {
            const auto* table = node.as_table();
            if (table == nullptr) continue;
            accounts::ManagedKey key{stringAt(*table, "name"), stringAt(*table, "algorithm"),
                                     stringAt(*table, "secret"), stringAt(*table, "account")};
            if (key.algorithm.empty()) key.algorithm = "hmac-sha256";
            document.keys.push_back(std::move(key));
        }
    }
    return document;
}

}  // namespace qdyn::server::config
