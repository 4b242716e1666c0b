// TempDir: a private temporary directory for one test, removed with everything in it.
#pragma once

#include <filesystem>
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

}  // namespace qdyn::test
