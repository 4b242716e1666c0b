// A file as a source: another program (a router script, a VPN hook) writes the address into a
// file; qdyn reads its first non-comment line. The content is hostile: strict parse, size cap.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string_view>

#include "qdyn/detect/source.hpp"

namespace qdyn::detect {

inline constexpr std::size_t kFileSourceDefaultMaxBytes = 4096;

// The address in a file's content: blank lines and lines starting with '#' are skipped, the
// first other line (spaces, tabs and a CR around it trimmed) must be exactly one address; what
// follows it is not read. NUL bytes anywhere are an error. Pure, so it can be fuzzed.
Result<IpAddress> parseAddressFile(std::string_view content);

// Reads `path` (a regular file, at most `maxBytes`) at every detection.
std::unique_ptr<AddressSource> makeFileSource(std::filesystem::path path,
                                              std::size_t maxBytes = kFileSourceDefaultMaxBytes);

}  // namespace qdyn::detect
