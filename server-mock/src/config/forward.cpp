// [forward] of server.toml: the external primary every accepted change is also sent to.
#include <algorithm>

#include "config/sections.hpp"
#include "qdyn/protocols/rfc2136.hpp"

namespace qdyn::server::config {

namespace {

constexpr std::int64_t kMinTimeoutMs = 100;
constexpr std::int64_t kMaxTimeoutMs = 60000;
constexpr std::int64_t kMaxRetrySeconds = 86400;

}  // namespace

Result<ForwardConfig> parseForward(const Reader& reader, const toml::table& table, const ZoneConfig& zone,
                                   const std::vector<TsigKeyConfig>& keys) {
    if (auto allowed = reader.onlyKeys(table, {"server", "zone", "tsig_key", "timeout_ms", "retry_max", "resync_on_start"},
                                       "[forward]");
        !allowed) {
        return allowed.error();
    }
    ForwardConfig forward;
    const auto* serverNode = table.get("server");
    if (serverNode == nullptr) {
        return reader.at(table, "[forward] needs server (the primary's address, e.g. \"192.0.2.53\" or \"[2001:db8::53]:5353\")");
    }
    auto serverText = reader.string(*serverNode, "server");
    if (!serverText) return serverText.error();
    auto server = rfc2136::parseServer(*serverText);
    if (!server) return reader.at(*serverNode, server.message());
    forward.server = *server;

    forward.zone = zone.origin;
    if (const auto* node = table.get("zone")) {
        auto name = reader.name(*node, "zone");
        if (!name) return name.error();
        if (!zone.origin.isSubdomainOf(*name)) {
            return reader.at(*node, "zone '" + name->toString() + "' does not hold this server's zone " +
                                        zone.origin.toString() + ": the primary could not take its names");
        }
        forward.zone = *name;
    }

    // dynonym forwards unsigned; qdyn does not: an unsigned UPDATE is one spoofed packet away
    // from rewriting the primary's zone.
    const auto* keyNode = table.get("tsig_key");
    if (keyNode == nullptr) return reader.at(table, "[forward] needs tsig_key (a [[tsig_key]] the primary accepts)");
    auto keyName = reader.name(*keyNode, "tsig_key");
    if (!keyName) return keyName.error();
    if (std::none_of(keys.begin(), keys.end(), [&](const TsigKeyConfig& key) { return key.name == *keyName; })) {
        return reader.at(*keyNode, "tsig_key '" + keyName->toString() + "' is not defined by a [[tsig_key]]");
    }
    forward.tsigKey = *keyName;

    if (const auto* node = table.get("timeout_ms")) {
        auto value = reader.integer(*node, "timeout_ms", kMinTimeoutMs, kMaxTimeoutMs, " (milliseconds)");
        if (!value) return value.error();
        forward.timeoutMs = *value;
    }
    if (const auto* node = table.get("retry_max")) {
        auto value = reader.duration(*node, "retry_max");
        if (!value) return value.error();
        if (*value < 1 || *value > kMaxRetrySeconds) return reader.at(*node, "retry_max must be between 1 s and 1 day");
        forward.retryMax = *value;
    }
    if (const auto* node = table.get("resync_on_start")) {
        const auto* flag = node->as_boolean();
        if (flag == nullptr) return reader.at(*node, "resync_on_start must be true or false");
        forward.resyncOnStart = flag->get();
    }
    return forward;
}

}  // namespace qdyn::server::config
