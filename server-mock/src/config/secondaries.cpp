// [[secondary]] of server.toml: the servers that copy the zone by AXFR/IXFR and are notified of
// changes.
#include <algorithm>

#include "config/sections.hpp"

namespace qdyn::server::config {

namespace {

constexpr std::int64_t kMaxPort = 65535;

}  // namespace

Result<std::vector<SecondaryConfig>> parseSecondaries(const Reader& reader,
                                                      const std::vector<const toml::table*>& tables,
                                                      const std::vector<TsigKeyConfig>& keys) {
    std::vector<SecondaryConfig> out;
    for (const auto* table : tables) {
        if (auto allowed = reader.onlyKeys(*table, {"address", "port", "tsig_key"}, "[[secondary]]"); !allowed) {
            return allowed.error();
        }
        const auto* addressNode = table->get("address");
        if (addressNode == nullptr) return reader.at(*table, "[[secondary]] needs address (its IP address)");
        auto text = reader.string(*addressNode, "address");
        if (!text) return text.error();
        auto address = IpAddress::parse(*text);
        if (!address) return reader.at(*addressNode, "address '" + *text + "' is not an IP address");
        SecondaryConfig secondary;
        secondary.address = *address;
        if (const auto* node = table->get("port")) {
            auto port = reader.integer(*node, "port", 1, kMaxPort, "");
            if (!port) return port.error();
            secondary.port = static_cast<std::uint16_t>(*port);
        }
        if (const auto* node = table->get("tsig_key")) {
            auto keyName = reader.name(*node, "tsig_key");
            if (!keyName) return keyName.error();
            if (std::none_of(keys.begin(), keys.end(),
                             [&](const TsigKeyConfig& key) { return key.name == *keyName; })) {
                return reader.at(*node, "tsig_key '" + keyName->toString() + "' is not defined by a [[tsig_key]]");
            }
            secondary.tsigKey = *keyName;
        }
        for (const auto& existing : out) {
            if (existing.address == secondary.address && existing.port == secondary.port) {
                return reader.at(*addressNode, "[[secondary]] " + *text + " port " + std::to_string(secondary.port) +
                                                   " is listed twice");
            }
        }
        out.push_back(std::move(secondary));
    }
    return out;
}

}  // namespace qdyn::server::config

namespace qdyn::server::config {

Result<void> checkKeysUsed(const Reader& reader, const Config& config, const std::vector<const toml::table*>& keyTables) {
    // A key with no account that neither a secondary nor [forward] uses would verify requests
    // and then allow nothing: most likely a forgotten `account` line, so say so rather than
    // REFUSE every update later.
    for (std::size_t i = 0; i < config.tsigKeys.size() && i < keyTables.size(); ++i) {
        const auto& key = config.tsigKeys[i];
        if (!key.account.empty()) continue;
        const bool bySecondary = std::any_of(config.secondaries.begin(), config.secondaries.end(),
                                             [&](const SecondaryConfig& s) { return s.tsigKey && *s.tsigKey == key.name; });
        const bool byForward = config.forward && config.forward->tsigKey == key.name;
        if (!bySecondary && !byForward) {
            return reader.at(*keyTables[i], "[[tsig_key]] '" + key.name.toString() +
                                                "' has no account and neither a [[secondary]] nor [forward] names it, "
                                                "so it signs nothing");
        }
    }
    return {};
}

}  // namespace qdyn::server::config
