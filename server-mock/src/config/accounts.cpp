// [[account]] and [[host]] of server.toml: who may update which names, and the per-host TTL and
// expiry.
#include <algorithm>

#include "accounts/password_hash.hpp"
#include "config/sections.hpp"
#include "qdyn/dns/tsig.hpp"

namespace qdyn::server::config {

namespace {

// An updatable host: inside the zone and below its apex (the apex holds SOA and NS).
Result<dns::Name> hostName(std::string_view text, const dns::Name& origin) {
    auto name = zoneRelativeName(text, origin);
    if (!name) return name.error();
    if (!name->isSubdomainOf(origin)) return makeError("is not inside the zone " + origin.toString());
    if (*name == origin) return makeError("is the zone apex, which holds SOA and NS only");
    return name;
}

// token / token_hash (nanodnsd) and gnudip_md5 (GnuDIP): the secrets beside the password.
Result<void> parseAccountSecrets(const Reader& reader, const toml::table& table, Account& account) {
    const auto* token = table.get("token");
    const auto* tokenHash = table.get("token_hash");
    if (token != nullptr && tokenHash != nullptr) {
        return reader.at(table, "[[account]] '" + account.name + "' has both token and token_hash; keep one");
    }
    if (token != nullptr) {
        auto text = reader.string(*token, "token");
        if (!text) return text.error();
        // Short tokens are guessable within the throttle's limits over time; nanodnsd's own
        // examples use passphrases.
        if (text->size() < 8) return reader.at(*token, "token must have at least 8 characters");
        account.token = *text;
    }
    if (tokenHash != nullptr) {
        auto text = reader.string(*tokenHash, "token_hash");
        if (!text) return text.error();
        if (auto parsed = accounts::parsePasswordHash(*text); !parsed) {
            return reader.at(*tokenHash, "token_hash: " + parsed.message());
        }
        account.tokenHash = *text;
    }
    if (const auto* md5 = table.get("gnudip_md5")) {
        auto text = reader.string(*md5, "gnudip_md5");
        if (!text) return text.error();
        const bool hex = text->size() == 32 && std::all_of(text->begin(), text->end(), [](char c) {
                             return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                         });
        if (!hex) return reader.at(*md5, "gnudip_md5 must be 32 lower-case hex digits (md5 of the password)");
        account.gnudipMd5 = *text;
    }
    return {};
}

}  // namespace

Result<Account> parseAccount(const Reader& reader, const toml::table& table, const ZoneConfig& zone) {
    if (auto keys = reader.onlyKeys(table, {"name", "password", "password_hash", "hosts", "token", "token_hash", "gnudip_md5"},
                                    "[[account]]");
        !keys) {
        return keys.error();
    }
    Account account;
    const auto* name = table.get("name");
    if (name == nullptr) return reader.at(table, "[[account]] needs name");
    auto nameText = reader.string(*name, "name");
    if (!nameText) return nameText.error();
    if (nameText->empty()) return reader.at(*name, "account name must not be empty");
    // Basic auth splits user:password at the first colon, so a colon can never match.
    if (nameText->find(':') != std::string::npos) return reader.at(*name, "account name must not contain ':'");
    account.name = *nameText;

    const auto* password = table.get("password");
    const auto* passwordHash = table.get("password_hash");
    if (password == nullptr && passwordHash == nullptr) {
        return reader.at(table, "[[account]] '" + account.name + "' needs password or password_hash");
    }
    if (password != nullptr && passwordHash != nullptr) {
        return reader.at(table, "[[account]] '" + account.name + "' has both password and password_hash; keep one");
    }
    if (password != nullptr) {
        auto passwordText = reader.string(*password, "password");
        if (!passwordText) return passwordText.error();
        if (passwordText->empty()) return reader.at(*password, "password must not be empty");
        account.password = *passwordText;
    } else {
        auto hashText = reader.string(*passwordHash, "password_hash");
        if (!hashText) return hashText.error();
        // Checked here so a broken hash is an error at load, not a login that can never succeed.
        if (auto parsed = accounts::parsePasswordHash(*hashText); !parsed) {
            return reader.at(*passwordHash, "password_hash: " + parsed.message());
        }
        account.passwordHash = *hashText;
    }

    if (auto secrets = parseAccountSecrets(reader, table, account); !secrets) return secrets.error();

    const auto* hosts = table.get("hosts");
    if (hosts == nullptr) return reader.at(table, "[[account]] '" + account.name + "' needs hosts");
    auto items = reader.stringArray(*hosts, "hosts");
    if (!items) return items.error();
    if (items->empty()) return reader.at(*hosts, "hosts must list at least one name");
    for (const auto& [text, element] : *items) {
        auto host = hostName(text, zone.origin);
        if (!host) return reader.at(*element, "host '" + text + "' " + host.message());
        if (*host == zone.nameserver) {
            return reader.at(*element, "host '" + text + "' is the zone's name server and cannot be updated");
        }
        if (account.grants(*host)) {
            return reader.at(*element, "host '" + text + "' is listed twice");
        }
        account.hosts.push_back(*host);
    }
    return account;
}

Result<std::vector<HostSettings>> parseHosts(const Reader& reader, const std::vector<const toml::table*>& tables,
                                             const ZoneConfig& zone, const std::vector<Account>& accounts) {
    std::vector<HostSettings> out;
    for (const auto* table : tables) {
        if (auto keys = reader.onlyKeys(*table, {"name", "ttl", "expire"}, "[[host]]"); !keys) return keys.error();
        const auto* nameNode = table->get("name");
        if (nameNode == nullptr) return reader.at(*table, "[[host]] needs name");
        auto text = reader.string(*nameNode, "name");
        if (!text) return text.error();
        auto host = hostName(*text, zone.origin);
        if (!host) return reader.at(*nameNode, "host '" + *text + "' " + host.message());
        if (!grantedToAny(accounts, *host)) {
            return reader.at(*nameNode, "host '" + *text + "' is not in the hosts of any [[account]], so nothing updates it");
        }
        for (const auto& existing : out) {
            if (existing.name == *host) return reader.at(*nameNode, "[[host]] '" + *text + "' is defined twice");
        }
        HostSettings settings{*host, std::nullopt, std::nullopt};
        if (const auto* node = table->get("ttl")) {
            auto value = reader.ttl(*node, "ttl");
            if (!value) return value.error();
            settings.ttl = *value;
        }
        if (const auto* node = table->get("expire")) {
            auto value = reader.duration(*node, "expire");
            if (!value) return value.error();
            settings.expire = *value;
        }
        out.push_back(std::move(settings));
    }
    return out;
}

Result<std::vector<TsigKeyConfig>> parseTsigKeys(const Reader& reader, const std::vector<const toml::table*>& tables,
                                                 const std::vector<Account>& accounts) {
    std::vector<TsigKeyConfig> out;
    for (const auto* table : tables) {
        if (auto keys = reader.onlyKeys(*table, {"name", "algorithm", "secret", "account"}, "[[tsig_key]]"); !keys) {
            return keys.error();
        }
        const auto* nameNode = table->get("name");
        const auto* secretNode = table->get("secret");
        const auto* accountNode = table->get("account");
        if (nameNode == nullptr || secretNode == nullptr) {
            return reader.at(*table, "[[tsig_key]] needs name and secret (algorithm defaults to hmac-sha256; account "
                                     "for a key that signs updates)");
        }
        TsigKeyConfig key;
        auto name = reader.name(*nameNode, "name");
        if (!name) return name.error();
        key.name = *name;
        if (const auto* algorithmNode = table->get("algorithm")) {
            auto algorithm = reader.string(*algorithmNode, "algorithm");
            if (!algorithm) return algorithm.error();
            if (!dns::parseTsigAlgorithm(*algorithm)) {
                return reader.at(*algorithmNode, "algorithm '" + *algorithm + "' is not one of hmac-sha1, hmac-sha256, hmac-sha512");
            }
            key.algorithm = *algorithm;
        }
        auto secret = reader.string(*secretNode, "secret");
        if (!secret) return secret.error();
        key.secret = *secret;
        if (auto made = key.makeKey(); !made) {
            return reader.at(*secretNode, "secret: " + made.message());
        }
        if (accountNode != nullptr) {
            auto account = reader.string(*accountNode, "account");
            if (!account) return account.error();
            if (std::none_of(accounts.begin(), accounts.end(), [&](const Account& a) { return a.name == *account; })) {
                return reader.at(*accountNode, "account '" + *account + "' is not defined by an [[account]]");
            }
            key.account = *account;
        }
        for (const auto& existing : out) {
            if (existing.name == key.name) return reader.at(*nameNode, "[[tsig_key]] '" + key.name.toString() + "' is defined twice");
        }
        out.push_back(std::move(key));
    }
    return out;
}

}  // namespace qdyn::server::config
