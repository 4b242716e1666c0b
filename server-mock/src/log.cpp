// A mutex around one write per line keeps lines whole when several threads log.
#include "log.hpp"

#include <cstdio>
#include <mutex>
#include <string>

namespace qdyn::server {

void logLine(std::string_view line) {
    static std::mutex mutex;
    std::string text(line);
    text.push_back('\n');
    const std::lock_guard lock(mutex);
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

}  // namespace qdyn::server
