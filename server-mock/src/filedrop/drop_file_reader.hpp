// Reads one address file as a user left it, without trusting it: a symbolic link, a device, a
// FIFO or an oversized file is refused unread (the server may run with more rights than the
// user who writes the file).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "qdyn/result.hpp"

namespace qdyn::server::filedrop {

// The content, nullopt when the file (or its directory) does not exist, or why it cannot be
// read. Never blocks on a FIFO.
Result<std::optional<std::string>> readDropFile(const std::filesystem::path& path);

}  // namespace qdyn::server::filedrop
