// Reads server.toml strictly: unknown keys, wrong types and values out of range are errors
// that name the file and line, so a typo never silently turns into a default. The sections have
// their parsers under config/; this file joins them.
#include "qdyn_server/config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "config/accounts_file.hpp"
#include "config/sections.hpp"

namespace qdyn::server {

namespace {

using config::Reader;

// `accountsText`: the content of the [accounts] file when the caller has it (the commands);
// nullopt reads the file from disk.
Result<Config> parseDocument(const Reader& reader, const toml::table& root, std::optional<std::string_view> accountsText) {
    if (auto keys = reader.onlyKeys(root, {"zone", "listen", "dns", "store", "account", "host", "record", "tsig_key", "secondary", "forward", "accounts", "http", "throttle", "file_drop", "line"}, "the top level");
        !keys) {
        return keys.error();
    }
    Config config;
    auto zoneTable = reader.optionalTable(root, "zone");
    if (!zoneTable) return zoneTable.error();
    if (*zoneTable == nullptr) return reader.whole("missing [zone] table");
    auto zone = config::parseZone(reader, **zoneTable);
    if (!zone) return zone.error();
    config.zone = std::move(*zone);

    auto listen = reader.optionalTable(root, "listen");
    if (!listen) return listen.error();
    if (*listen != nullptr) {
        if (auto keys = reader.onlyKeys(**listen, {"dns_udp", "dns_tcp", "http", "https", "qdns", "qdns_tls",
                                                   "miniupdate", "gnudip", "myip", "stun", "natpmp"},
                                        "[listen]");
            !keys) {
            return keys.error();
        }
        const std::pair<const char*, std::vector<ListenAddress>*> lists[] = {
            {"dns_udp", &config.dnsUdp},       {"dns_tcp", &config.dnsTcp}, {"http", &config.http},
            {"https", &config.https},          {"qdns", &config.qdns},      {"qdns_tls", &config.qdnsTls},
            {"miniupdate", &config.miniupdate}, {"gnudip", &config.gnudip}, {"myip", &config.myip},
            {"stun", &config.stun},            {"natpmp", &config.natpmp}};
        for (const auto& [key, target] : lists) {
            if (const auto* node = (*listen)->get(key)) {
                auto list = config::parseListenList(reader, *node, key);
                if (!list) return list.error();
                *target = std::move(*list);
            }
        }
        // Its answer has room for an IPv4 address only, so it has no business on IPv6.
        for (const auto& where : config.natpmp) {
            if (!where.address.isV4()) {
                return reader.at(*(*listen)->get("natpmp"),
                                 "natpmp: NAT-PMP is IPv4 only (RFC 6886); " + where.address.toString() +
                                     " is not an IPv4 address");
            }
        }
    }

    auto dnsTable = reader.optionalTable(root, "dns");
    if (!dnsTable) return dnsTable.error();
    if (*dnsTable != nullptr) {
        auto options = config::parseDns(reader, **dnsTable);
        if (!options) return options.error();
        config.dns = *options;
    }
    // The apex keeps its SOA and NS: a whoami name there would hide them.
    if (config.dns.whoami && *config.dns.whoami == config.zone.origin) {
        return reader.whole("[dns] whoami must not be the zone apex");
    }

    auto httpTable = reader.optionalTable(root, "http");
    if (!httpTable) return httpTable.error();
    if (*httpTable != nullptr) {
        auto options = config::parseHttp(reader, **httpTable);
        if (!options) return options.error();
        config.httpOptions = std::move(*options);
    }
    if (!config.https.empty() && config.httpOptions.tlsCertificate.empty()) {
        return reader.whole("[listen] https needs [http] tls_certificate and tls_key");
    }
    if (!config.qdnsTls.empty() && config.httpOptions.tlsCertificate.empty()) {
        return reader.whole("[listen] qdns_tls needs [http] tls_certificate and tls_key");
    }
    auto lineTable = reader.optionalTable(root, "line");
    if (!lineTable) return lineTable.error();
    if (*lineTable != nullptr) {
        auto options = config::parseLine(reader, **lineTable);
        if (!options) return options.error();
        config.lineOptions = *options;
    }
    auto throttleTable = reader.optionalTable(root, "throttle");
    if (!throttleTable) return throttleTable.error();
    if (*throttleTable != nullptr) {
        auto options = config::parseThrottle(reader, **throttleTable);
        if (!options) return options.error();
        config.throttle = *options;
    }

    auto storeTable = reader.optionalTable(root, "store");
    if (!storeTable) return storeTable.error();
    if (*storeTable != nullptr) {
        if (auto keys = reader.onlyKeys(**storeTable, {"path"}, "[store]"); !keys) return keys.error();
        if (const auto* node = (*storeTable)->get("path")) {
            auto path = reader.string(*node, "path");
            if (!path) return path.error();
            if (path->empty()) return reader.at(*node, "path must not be empty (leave [store] out to keep state in memory)");
            config.storePath = *path;
        }
    }

    auto accountTables = reader.tableArray(root, "account");
    if (!accountTables) return accountTables.error();
    std::unordered_set<std::string> seen;
    for (const auto* table : *accountTables) {
        auto account = config::parseAccount(reader, *table, config.zone);
        if (!account) return account.error();
        if (!seen.insert(account->name).second) {
            return reader.at(*table, "account '" + account->name + "' is defined twice");
        }
        config.accounts.push_back(std::move(*account));
    }
    // The [accounts] file joins here, before anything that refers to accounts or keys.
    config::AccountsFile accountsFile;
    if (auto opened = config::openAccountsFile(reader, root, accountsText, accountsFile); !opened) return opened.error();
    config.accountsFile = accountsFile.path;
    if (auto merged = config::mergeFileAccounts(reader, *accountTables, accountsFile, config.zone, config.accounts);
        !merged) {
        return merged.error();
    }

    auto hostTables = reader.tableArray(root, "host");
    if (!hostTables) return hostTables.error();
    auto hosts = config::parseHosts(reader, *hostTables, config.zone, config.accounts);
    if (!hosts) return hosts.error();
    config.hosts = std::move(*hosts);

    auto keyTables = reader.tableArray(root, "tsig_key");
    if (!keyTables) return keyTables.error();
    auto keys = config::parseTsigKeys(reader, *keyTables, config.accounts);
    if (!keys) return keys.error();
    config.tsigKeys = std::move(*keys);
    if (auto merged = config::mergeFileTsigKeys(reader, *keyTables, accountsFile, config); !merged) return merged.error();

    auto secondaryTables = reader.tableArray(root, "secondary");
    if (!secondaryTables) return secondaryTables.error();
    auto secondaries = config::parseSecondaries(reader, *secondaryTables, config.tsigKeys);
    if (!secondaries) return secondaries.error();
    config.secondaries = std::move(*secondaries);

    auto forwardTable = reader.optionalTable(root, "forward");
    if (!forwardTable) return forwardTable.error();
    if (*forwardTable != nullptr) {
        auto forward = config::parseForward(reader, **forwardTable, config.zone, config.tsigKeys);
        if (!forward) return forward.error();
        config.forward = std::move(*forward);
    }
    if (auto used = config::checkKeysUsed(reader, config, *keyTables); !used) return used.error();

    auto recordTables = reader.tableArray(root, "record");
    if (!recordTables) return recordTables.error();
    auto records = config::parseRecords(reader, *recordTables, config.zone);
    if (!records) return records.error();
    config.records = std::move(*records);
    if (auto consistent = config::checkConsistency(reader, config, *recordTables); !consistent) {
        return consistent.error();
    }
    auto fileDropTable = reader.optionalTable(root, "file_drop");
    if (!fileDropTable) return fileDropTable.error();
    if (*fileDropTable != nullptr) {
        auto fileDrop = config::parseFileDrop(reader, **fileDropTable, config.accounts);
        if (!fileDrop) return fileDrop.error();
        config.fileDrop = std::move(*fileDrop);
    }
    return config;
}

}  // namespace

bool Account::grants(const dns::Name& host) const {
    return std::find(hosts.begin(), hosts.end(), host) != hosts.end();
}

bool grantedToAny(const std::vector<Account>& accounts, const dns::Name& host) {
    return std::any_of(accounts.begin(), accounts.end(), [&](const Account& account) { return account.grants(host); });
}

Result<dns::TsigKey> TsigKeyConfig::makeKey() const {
    const auto parsed = dns::parseTsigAlgorithm(algorithm);
    if (!parsed) return makeError("TSIG algorithm '" + algorithm + "' is not supported");
    return dns::TsigKey::make(name.toString(), *parsed, secret);
}

std::uint32_t Config::ttlFor(const dns::Name& host) const {
    for (const auto& settings : hosts) {
        if (settings.name == host && settings.ttl) return *settings.ttl;
    }
    return zone.hostTtl;
}

std::uint32_t Config::expireFor(const dns::Name& host) const {
    for (const auto& settings : hosts) {
        if (settings.name == host && settings.expire) return *settings.expire;
    }
    return zone.hostExpire;
}

namespace {

Result<Config> parseWith(std::string_view toml, const std::string& sourceName,
                         std::optional<std::string_view> accountsText) {
    const Reader reader(sourceName);
    toml::table root;
    try {
        root = toml::parse(toml, sourceName);
    } catch (const toml::parse_error& error) {
        return reader.at(error.source(), std::string(error.description()));
    }
    return parseDocument(reader, root, accountsText);
}

}  // namespace

Result<Config> Config::parse(std::string_view toml, const std::string& sourceName) {
    return parseWith(toml, sourceName, std::nullopt);
}

Result<Config> Config::parse(std::string_view toml, const std::string& sourceName, std::string_view accountsText) {
    return parseWith(toml, sourceName, accountsText);
}

Result<Config> Config::load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(path.string() + ": cannot open: " + std::strerror(errno));
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) return makeError(path.string() + ": read error");
    return parse(content.str(), path.string());
}

}  // namespace qdyn::server
