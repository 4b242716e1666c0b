// [line] of server.toml: limits of the line protocols' listeners (QDNS, miniupdate, GnuDIP).
#include "config/sections.hpp"

namespace qdyn::server::config {

Result<LineOptions> parseLine(const Reader& reader, const toml::table& table) {
    if (auto keys = reader.onlyKeys(table, {"idle_timeout", "max_connections"}, "[line]"); !keys) return keys.error();
    LineOptions options;
    if (const auto* node = table.get("idle_timeout")) {
        auto seconds = reader.duration(*node, "idle_timeout");
        if (!seconds) return seconds.error();
        if (*seconds == 0 || *seconds > 3600) return reader.at(*node, "idle_timeout must be between 1 second and 1 hour");
        options.idleTimeout = *seconds;
    }
    if (const auto* node = table.get("max_connections")) {
        auto value = reader.integer(*node, "max_connections", 1, 100000, "connections per listener");
        if (!value) return value.error();
        options.maxConnections = *value;
    }
    return options;
}

}  // namespace qdyn::server::config
