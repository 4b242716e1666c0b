// The address file parser. Refuses rather than guesses: a typo must never publish a wrong
// address or silently drop one family.
#include "filedrop/address_file.hpp"

#include <algorithm>

namespace qdyn::server::filedrop {

namespace {

constexpr std::string_view kBlanks = " \t";

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(kBlanks);
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(kBlanks);
    return text.substr(first, last - first + 1);
}

// Tab is a blank; a CR is allowed only as the last character (CRLF files). Anything else below
// 0x20, and DEL, means the file is not text (or hides something): refused, comments included.
bool hasControlCharacter(std::string_view line) {
    return std::any_of(line.begin(), line.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && c != '\t') || byte == 0x7f;
    });
}

Error onLine(std::size_t number, const std::string& what) {
    return makeError("line " + std::to_string(number) + ": " + what);
}

}  // namespace

Result<AddressFile> parseAddressFile(std::string_view content) {
    if (content.size() > kMaxAddressFileSize) {
        return makeError("the file is larger than " + std::to_string(kMaxAddressFileSize) + " bytes");
    }
    AddressFile file;
    // Where each entry was seen, for the messages; 0: not yet.
    std::size_t v4Line = 0;
    std::size_t v6Line = 0;
    std::size_t offlineLine = 0;
    std::size_t number = 0;
    while (!content.empty()) {
        ++number;
        const auto end = content.find('\n');
        std::string_view line = content.substr(0, end);
        content = end == std::string_view::npos ? std::string_view() : content.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (hasControlCharacter(line)) return onLine(number, "a control character");
        line = trimmed(line.substr(0, line.find('#')));
        if (line.empty()) continue;
        if (line.find_first_of(kBlanks) != std::string_view::npos) {
            return onLine(number, "more than one word (one address per line)");
        }
        const bool isOffline = line == "offline";
        const auto address = isOffline ? std::nullopt : IpAddress::parse(line);
        if (!isOffline && !address) return onLine(number, "not an IPv4 or IPv6 address, nor 'offline'");
        if (offlineLine != 0) {
            return onLine(number,
                          "'offline' must be the only entry (it is on line " + std::to_string(offlineLine) + ")");
        }
        if (isOffline) {
            if (v4Line != 0 || v6Line != 0) {
                const auto first = v4Line != 0 && (v6Line == 0 || v4Line < v6Line) ? v4Line : v6Line;
                return onLine(number, "'offline' must be the only entry (an address is on line " +
                                          std::to_string(first) + ")");
            }
            file.offline = true;
            offlineLine = number;
            continue;
        }
        auto& seenOn = address->isV4() ? v4Line : v6Line;
        if (seenOn != 0) {
            return onLine(number, std::string("a second ") + (address->isV4() ? "IPv4" : "IPv6") +
                                      " address (the first is on line " + std::to_string(seenOn) + ")");
        }
        seenOn = number;
        (address->isV4() ? file.v4 : file.v6) = address;
    }
    return file;
}

std::string describe(const AddressFile& file) {
    if (file.offline) return "offline";
    std::string out;
    for (const auto& address : {file.v4, file.v6}) {
        if (!address) continue;
        if (!out.empty()) out += ' ';
        out += address->toString();
    }
    return out.empty() ? "nothing" : out;
}

}  // namespace qdyn::server::filedrop
