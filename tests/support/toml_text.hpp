// A file name put into a TOML file a test writes: a basic string with its backslashes and quotes
// escaped, so a Windows path (C:\Users\...) stays the path it is instead of \U and \A escapes.
#pragma once

#include <filesystem>
#include <string>

namespace qdyn::test {

inline std::string tomlPath(const std::filesystem::path& path) {
    std::string quoted = "\"";
    for (const char c : path.string()) {
        if (c == '\\' || c == '"') quoted += '\\';
        quoted += c;
    }
    return quoted + "\"";
}

}  // namespace qdyn::test
