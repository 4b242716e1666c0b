// A profile file as lines (profile_lines.hpp).
#include "profile_lines.hpp"

namespace qdyn::config::profile_lines {

std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::size_t length = end == std::string_view::npos ? text.size() : end + 1;
        lines.push_back(text.substr(0, length));
        text.remove_prefix(length);
    }
    return lines;
}

std::string_view trimmed(std::string_view line) {
    const auto first = line.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = line.find_last_not_of(" \t\r\n");
    return line.substr(first, last - first + 1);
}

bool isBlank(std::string_view line) { return trimmed(line).empty(); }

bool isComment(std::string_view line) {
    const std::string_view text = trimmed(line);
    return !text.empty() && text.front() == '#' && text.find("\"\"\"") == std::string_view::npos &&
           text.find("'''") == std::string_view::npos;
}

void collectHeaders(const toml::node& node, const std::vector<std::string_view>& lines, std::set<std::size_t>& headers) {
    const auto isHeaderLine = [&lines](std::size_t line) {
        return line >= 1 && line <= lines.size() && trimmed(lines[line - 1]).substr(0, 1) == "[";
    };
    if (const auto* table = node.as_table()) {
        if (!table->is_inline() && isHeaderLine(table->source().begin.line)) headers.insert(table->source().begin.line);
        for (const auto& [key, child] : *table) collectHeaders(child, lines, headers);
    } else if (const auto* array = node.as_array()) {
        for (const auto& child : *array) collectHeaders(child, lines, headers);
    }
}

}  // namespace qdyn::config::profile_lines
