// The strict TOML reading helpers shared by the sections of server.toml: every error names the
// file and line, unknown keys are errors, values are range-checked.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "qdyn/dns/name.hpp"
#include "qdyn/result.hpp"

namespace qdyn::server::config {

// RFC 2181 section 8: TTLs are 31-bit values.
inline constexpr std::int64_t kMaxTtl = 2147483647;

class Reader {
public:
    explicit Reader(std::string sourceName) : m_source(std::move(sourceName)) {}

    [[nodiscard]] Error at(const toml::source_region& where, const std::string& what) const;
    [[nodiscard]] Error at(const toml::node& node, const std::string& what) const { return at(node.source(), what); }
    [[nodiscard]] Error whole(const std::string& what) const;
    // "file:line" of a node, for messages that point at two places.
    [[nodiscard]] std::string location(const toml::node& node) const;
    [[nodiscard]] const std::string& source() const noexcept { return m_source; }

    // Every key of `table` must be one of `allowed`.
    [[nodiscard]] Result<void> onlyKeys(const toml::table& table, std::initializer_list<std::string_view> allowed,
                                        std::string_view where) const;
    [[nodiscard]] Result<std::string> string(const toml::node& node, std::string_view key) const;
    [[nodiscard]] Result<std::vector<std::pair<std::string, const toml::node*>>> stringArray(
        const toml::node& node, std::string_view key) const;
    [[nodiscard]] Result<std::uint32_t> ttl(const toml::node& node, std::string_view key) const;
    [[nodiscard]] Result<std::uint32_t> integer(const toml::node& node, std::string_view key, std::int64_t low,
                                                std::int64_t high, std::string_view unit) const;
    // Seconds as an integer, or text with a unit: "90", "30s", "15m", "12h", "1d"; "never" is 0.
    [[nodiscard]] Result<std::uint32_t> duration(const toml::node& node, std::string_view key) const;
    [[nodiscard]] Result<dns::Name> name(const toml::node& node, std::string_view key) const;

    // The table under `key` of `parent`, or nullptr when absent; an error when it is not a table.
    [[nodiscard]] Result<const toml::table*> optionalTable(const toml::table& parent, std::string_view key) const;
    // The tables of an array of tables ([[key]]), empty when absent.
    [[nodiscard]] Result<std::vector<const toml::table*>> tableArray(const toml::table& parent,
                                                                     std::string_view key) const;

private:
    std::string m_source;
};

// A name as written in the configuration, relative to the zone `origin`: "@" is the apex, a
// name ending in a dot is absolute, a name already inside the zone is taken as it is, a single
// label is below the apex. Anything else (a name outside the zone without the final dot) is
// refused rather than guessed.
Result<dns::Name> zoneRelativeName(std::string_view text, const dns::Name& origin);

}  // namespace qdyn::server::config
