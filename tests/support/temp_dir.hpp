// TempDir: a private temporary directory for one test, removed with everything in it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace qdyn::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }
    // Writes a file (mode 0600 unless told otherwise) and returns its path.
    std::filesystem::path write(std::string_view name, std::string_view content, unsigned mode = 0600) const;

private:
    std::filesystem::path m_path;
};

// A file's whole content ("" when it cannot be read), and its permission bits (0 when it cannot
// be examined, e.g. it is missing).
std::string readFile(const std::filesystem::path& path);
unsigned fileMode(const std::filesystem::path& path);

}  // namespace qdyn::test
