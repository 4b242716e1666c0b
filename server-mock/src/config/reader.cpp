// The strict TOML reading helpers of server.toml.
#include "config/reader.hpp"

#include <charconv>
#include <limits>

namespace qdyn::server::config {

Error Reader::at(const toml::source_region& where, const std::string& what) const {
    return makeError(m_source + ":" + std::to_string(where.begin.line) + ": " + what);
}

Error Reader::whole(const std::string& what) const { return makeError(m_source + ": " + what); }

std::string Reader::location(const toml::node& node) const {
    return m_source + ":" + std::to_string(node.source().begin.line);
}

Result<void> Reader::onlyKeys(const toml::table& table, std::initializer_list<std::string_view> allowed,
                              std::string_view where) const {
    for (auto&& [key, node] : table) {
        bool known = false;
        for (auto name : allowed) known = known || key.str() == name;
        if (!known) return at(key.source(), "unknown key '" + std::string(key.str()) + "' in " + std::string(where));
    }
    return {};
}

Result<std::string> Reader::string(const toml::node& node, std::string_view key) const {
    if (const auto* value = node.as_string()) return value->get();
    return at(node, std::string(key) + " must be a string");
}

Result<std::vector<std::pair<std::string, const toml::node*>>> Reader::stringArray(const toml::node& node,
                                                                                   std::string_view key) const {
    const auto* array = node.as_array();
    if (array == nullptr) return at(node, std::string(key) + " must be an array of strings");
    std::vector<std::pair<std::string, const toml::node*>> out;
    for (const auto& element : *array) {
        const auto* value = element.as_string();
        if (value == nullptr) return at(element, std::string(key) + " must contain only strings");
        out.emplace_back(value->get(), &element);
    }
    return out;
}

Result<std::uint32_t> Reader::ttl(const toml::node& node, std::string_view key) const {
    const auto* value = node.as_integer();
    if (value == nullptr) return at(node, std::string(key) + " must be an integer (seconds)");
    const std::int64_t seconds = value->get();
    if (seconds < 0 || seconds > kMaxTtl) {
        return at(node, std::string(key) + " must be between 0 and " + std::to_string(kMaxTtl));
    }
    return static_cast<std::uint32_t>(seconds);
}

Result<std::uint32_t> Reader::integer(const toml::node& node, std::string_view key, std::int64_t low,
                                      std::int64_t high, std::string_view unit) const {
    const auto* value = node.as_integer();
    if (value == nullptr) return at(node, std::string(key) + " must be an integer" + std::string(unit));
    const std::int64_t number = value->get();
    if (number < low || number > high) {
        return at(node, std::string(key) + " must be between " + std::to_string(low) + " and " + std::to_string(high));
    }
    return static_cast<std::uint32_t>(number);
}

Result<std::uint32_t> Reader::duration(const toml::node& node, std::string_view key) const {
    if (node.is_integer()) return ttl(node, key);
    auto text = string(node, key);
    const std::string usage = std::string(key) + " must be seconds or a duration such as \"30m\", \"12h\", \"1d\" or \"never\"";
    if (!text) return at(node, usage);
    if (*text == "never") return 0U;
    if (text->size() < 2) return at(node, usage);
    std::uint64_t unit = 0;
    switch (text->back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return at(node, usage);
    }
    std::uint64_t count = 0;
    const char* first = text->data();
    const char* last = text->data() + text->size() - 1;
    auto [ptr, ec] = std::from_chars(first, last, count);
    if (ec != std::errc() || ptr != last || *first == '+') return at(node, usage);
    if (count > static_cast<std::uint64_t>(kMaxTtl) / unit) {
        return at(node, std::string(key) + " is longer than " + std::to_string(kMaxTtl) + " seconds");
    }
    return static_cast<std::uint32_t>(count * unit);
}

Result<dns::Name> Reader::name(const toml::node& node, std::string_view key) const {
    auto text = string(node, key);
    if (!text) return text.error();
    if (text->empty()) return at(node, std::string(key) + " must not be empty");
    auto parsed = dns::Name::parse(*text);
    if (!parsed) return at(node, std::string(key) + ": " + parsed.message());
    if (parsed->isRoot()) return at(node, std::string(key) + " must not be the root");
    return parsed;
}

Result<const toml::table*> Reader::optionalTable(const toml::table& parent, std::string_view key) const {
    const auto* node = parent.get(key);
    if (node == nullptr) return static_cast<const toml::table*>(nullptr);
    const auto* table = node->as_table();
    if (table == nullptr) return at(*node, std::string(key) + " must be a table ([" + std::string(key) + "])");
    return table;
}

Result<std::vector<const toml::table*>> Reader::tableArray(const toml::table& parent, std::string_view key) const {
    std::vector<const toml::table*> out;
    const auto* node = parent.get(key);
    if (node == nullptr) return out;
    const std::string form = "[[" + std::string(key) + "]]";
    const auto* array = node->as_array();
    if (array == nullptr) return at(*node, std::string(key) + " must be an array of tables (" + form + ")");
    for (const auto& element : *array) {
        const auto* table = element.as_table();
        if (table == nullptr) return at(element, std::string(key) + " entries must be tables (" + form + ")");
        out.push_back(table);
    }
    return out;
}

Result<dns::Name> zoneRelativeName(std::string_view text, const dns::Name& origin) {
    if (text.empty()) return makeError("must not be empty");
    if (text == "@") return origin;
    auto parsed = dns::Name::parse(text);
    if (!parsed) return parsed.error();
    if (text.back() == '.' || parsed->isSubdomainOf(origin)) return parsed;
    if (parsed->labelCount() != 1) {
        return makeError("is not inside the zone " + origin.toString() +
                         " (write a single label, the full name, or an absolute name ending in '.')");
    }
    return dns::Name::parse(std::string(text) + "." + origin.toString());
}

}  // namespace qdyn::server::config
