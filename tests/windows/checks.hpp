// The Windows runtime test's reporting: a line per check, "ok" or "FAIL", and the failures
// counted for the exit code (runtime_test.cpp, server_files_check.cpp, private_file_check.cpp and
// service_files_check.cpp share it).
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace qdyn::windows_test {

inline int failures = 0;

// One line per check; the detail (what came back) on one line, shortened.
inline void check(bool ok, const std::string& what, const std::string& detail = {}) {
    std::string shown;
    for (const char c : detail) shown += c == '\n' ? std::string("\\n") : std::string(1, c);
    if (shown.size() > 160) shown = shown.substr(0, 157) + "...";
    std::printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", what.c_str(), shown.empty() ? "" : ": ", shown.c_str());
    std::fflush(stdout);
    if (!ok) ++failures;
}

inline long long millisecondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// qdyn-server's Windows files: the accounts file, the address file reader, the file signature
// (server_files_check.cpp).
void checkServerFiles(const std::string& scratch);

// core's atomic replacement, its access lists and the privacy check, and the file drop's
// file:///C:/ names (private_file_check.cpp).
void checkPrivateFiles(const std::string& scratch);

// What `qdyn service install` does to the service's folders and profile file
// (service_files_check.cpp).
void checkServiceFiles(const std::string& scratch);

}  // namespace qdyn::windows_test
