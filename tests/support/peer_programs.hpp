// Helpers for tests that run third-party servers (knotd, named) next to qdyn-server: where a
// program lives, and a loopback port to give a server that cannot pick its own.
#pragma once

#include <cstdint>
#include <string>

namespace qdyn::test {

// The absolute path of a program on PATH, /usr/sbin or /sbin (posix_spawn takes no PATH
// search, and daemons like knotd live in sbin, which a test runner's PATH may lack); empty when
// it is not installed.
std::string programPath(const std::string& name);

// A loopback port free for both UDP and TCP at the time of asking (0 when none was found).
std::uint16_t freeLoopbackPort();

}  // namespace qdyn::test
