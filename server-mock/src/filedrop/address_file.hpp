// The content of a file-drop address file (seed 003, docs/file-drop.md): what a user writes into
// e.g. ~/.dynamicdns to point their names at an address. Parsed strictly, since anyone who may
// write the file writes it; nothing of a bad file is applied.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::server::filedrop {

// Larger files are refused unread: an address file holds two addresses and a few comments.
inline constexpr std::size_t kMaxAddressFileSize = 4096;

// What a valid file asks for. A file without any address and without `offline` (empty, or only
// comments) asks for nothing: it is what a writer leaves between truncating and writing, so it
// must not clear anything.
struct AddressFile {
    std::optional<IpAddress> v4;
    std::optional<IpAddress> v6;
    bool offline = false;  // the word `offline` alone: withhold the addresses until the next one

    [[nodiscard]] bool asksNothing() const noexcept { return !v4 && !v6 && !offline; }
    friend bool operator==(const AddressFile&, const AddressFile&) = default;
};

// Lines separated by LF (a CR before it is allowed); each holds one IPv4 address (dotted quad),
// one IPv6 address (RFC 4291 text), or the word `offline`. Blanks around a line are ignored, as
// are blank lines and everything from `#` to the end of a line. At most one address per family;
// `offline` excludes addresses. Errors name the line and the problem but never quote the
// content (the file may be a link to something the user must not read through the server).
Result<AddressFile> parseAddressFile(std::string_view content);

// "203.0.113.7 2001:db8::1", "offline" or "nothing": for the log.
std::string describe(const AddressFile& file);

}  // namespace qdyn::server::filedrop
