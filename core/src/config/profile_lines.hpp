// A profile file as lines, for the two that work on its text: the profile writer (which edits it
// in place) and the profile reader (which keeps its comments). One notion of a line, a comment
// and a table header for both.
#pragma once

#include <toml++/toml.h>

#include <cstddef>
#include <set>
#include <string_view>
#include <vector>

namespace qdyn::config::profile_lines {

// The text split into lines, each with its terminator; the last may have none.
std::vector<std::string_view> splitLines(std::string_view text);
// Without blanks, tabs and line ends at either end.
std::string_view trimmed(std::string_view line);
bool isBlank(std::string_view line);
// A line that starts with '#', unless it closes a multi-line string (then it is content).
bool isComment(std::string_view line);
// The first line (1-based) of every table header ("[x]", "[[x]]") of the document.
void collectHeaders(const toml::node& node, const std::vector<std::string_view>& lines, std::set<std::size_t>& headers);

}  // namespace qdyn::config::profile_lines
