// The parsers of the sections of server.toml, one file per group, joined by config.cpp.
#pragma once

#include <vector>

#include "config/reader.hpp"
#include "qdyn_server/config.hpp"

namespace qdyn::server::config {

Result<ZoneConfig> parseZone(const Reader& reader, const toml::table& table);
Result<DnsOptions> parseDns(const Reader& reader, const toml::table& table);
Result<std::vector<ListenAddress>> parseListenList(const Reader& reader, const toml::node& node, std::string_view key);
// [http]: TLS files (resolved beside the configuration), nanodnsd prefixes, GnuDIP salts.
Result<HttpOptions> parseHttp(const Reader& reader, const toml::table& table);
// [line]: the line protocols' idle timeout and connection cap.
Result<LineOptions> parseLine(const Reader& reader, const toml::table& table);
// [throttle]: failed-login and unchanged-update limits.
Result<ThrottleOptions> parseThrottle(const Reader& reader, const toml::table& table);
Result<Account> parseAccount(const Reader& reader, const toml::table& table, const ZoneConfig& zone);
// [[tsig_key]] entries; a key names an existing account, or none (transfers only).
Result<std::vector<TsigKeyConfig>> parseTsigKeys(const Reader& reader, const std::vector<const toml::table*>& tables,
                                                 const std::vector<Account>& accounts);
// [[secondary]] entries; their keys are [[tsig_key]]s.
Result<std::vector<SecondaryConfig>> parseSecondaries(const Reader& reader, const std::vector<const toml::table*>& tables,
                                                      const std::vector<TsigKeyConfig>& keys);
// [forward]: the external primary, its zone (holding ours) and its [[tsig_key]].
Result<ForwardConfig> parseForward(const Reader& reader, const toml::table& table, const ZoneConfig& zone,
                                   const std::vector<TsigKeyConfig>& keys);
// [file_drop]: the address-file pattern, the accounts that use it (each must exist), the watcher.
Result<FileDropOptions> parseFileDrop(const Reader& reader, const toml::table& table,
                                      const std::vector<Account>& accounts);
// Every key without an account must be named by a [[secondary]] or [forward] (it would sign
// nothing otherwise). `keyTables` locate the keys of the main file, in order.
Result<void> checkKeysUsed(const Reader& reader, const Config& config, const std::vector<const toml::table*>& keyTables);
// [[record]] entries, checked against each other and the zone.
Result<std::vector<StaticRecord>> parseRecords(const Reader& reader, const std::vector<const toml::table*>& tables,
                                               const ZoneConfig& zone);
// [[host]] entries; every host must be granted to an account.
Result<std::vector<HostSettings>> parseHosts(const Reader& reader, const std::vector<const toml::table*>& tables,
                                             const ZoneConfig& zone, const std::vector<Account>& accounts);
// Rules that span sections (a CNAME next to an updatable host, static addresses on the name
// server, ...). `where` locates each record for the error message.
Result<void> checkConsistency(const Reader& reader, const Config& config,
                              const std::vector<const toml::table*>& recordTables);

}  // namespace qdyn::server::config
