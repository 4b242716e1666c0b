// The server's request log: one line per event on stderr, never interleaved across threads.
// Callers must not pass secrets.
#pragma once

#include <string_view>

namespace qdyn::server {

void logLine(std::string_view line);

}  // namespace qdyn::server
