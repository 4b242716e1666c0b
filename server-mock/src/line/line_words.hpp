// Splitting a protocol line into words, shared by the line protocols' parsers: blanks (spaces
// and tabs) separate words, and a line with any other control character is refused whole.
#pragma once

#include <algorithm>
#include <optional>
#include <cctype>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qdyn/dns/name.hpp"

namespace qdyn::server::line {

inline bool isBlank(char c) noexcept { return c == ' ' || c == '\t'; }

// True when the line holds a control character other than a blank (NUL, escape sequences,
// a stray CR): such a line is binary garbage, not a command.
inline bool hasControlCharacters(std::string_view line) noexcept {
    return std::any_of(line.begin(), line.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && !isBlank(c)) || u == 0x7F;
    });
}

// The words of a line, at most limit + 1 of them: enough to tell a line with too many words
// apart without splitting a long one all the way.
inline std::vector<std::string_view> splitWords(std::string_view line, std::size_t limit = 16) {
    std::vector<std::string_view> words;
    std::size_t at = 0;
    while (at < line.size() && words.size() <= limit) {
        while (at < line.size() && isBlank(line[at])) ++at;
        if (at == line.size()) break;
        const auto start = at;
        while (at < line.size() && !isBlank(line[at])) ++at;
        words.push_back(line.substr(start, at - start));
    }
    return words;
}

inline std::string upperAscii(std::string_view word) {
    std::string out(word);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

// A word fit to be quoted back in a reply or a log line: printable ASCII, at most `limit` octets.
inline std::string printable(std::string_view word, std::size_t limit = 32) {
    std::string out;
    for (const char c : word.substr(0, limit)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u >= 0x21 && u < 0x7F ? c : '?');
    }
    if (word.size() > limit) out += "...";
    return out;
}

// A host named in a command: a name that parses (a final dot allowed). Whether it lies in the
// zone and belongs to the account is the update service's to say.
inline std::optional<dns::Name> hostName(std::string_view text) {
    if (text.empty() || text.size() > 254) return std::nullopt;
    auto name = dns::Name::parse(text);
    if (!name || name->isRoot()) return std::nullopt;
    return std::move(*name);
}

}  // namespace qdyn::server::line
