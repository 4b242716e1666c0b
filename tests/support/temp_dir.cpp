// TempDir over std::filesystem: a new directory of a random name, private to its owner.
#include "temp_dir.hpp"

#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>

namespace qdyn::test {

namespace {

std::string randomSuffix() {
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::uniform_int_distribution<std::size_t> pick(0, sizeof kDigits - 2);
    std::string suffix;
    for (int i = 0; i < 12; ++i) suffix += kDigits[pick(generator)];
    return suffix;
}

}  // namespace

TempDir::TempDir() {
    const std::filesystem::path base = std::filesystem::temp_directory_path();
    for (int attempt = 0; attempt < 100 && m_path.empty(); ++attempt) {
        const std::filesystem::path candidate = base / ("qdyn-test-" + randomSuffix());
        // create_directory is false when the name exists already: another test's, try the next.
        if (std::filesystem::create_directory(candidate)) m_path = candidate;
    }
    if (m_path.empty()) throw std::runtime_error("no new temporary directory in " + base.string());
    std::filesystem::permissions(m_path, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

std::filesystem::path TempDir::write(std::string_view name, std::string_view content, unsigned mode) const {
    const std::filesystem::path file = m_path / name;
    std::filesystem::create_directories(file.parent_path());
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
    }
    std::filesystem::permissions(file, static_cast<std::filesystem::perms>(mode & 07777),
                                 std::filesystem::perm_options::replace);
    return file;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

unsigned fileMode(const std::filesystem::path& path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (error || !std::filesystem::exists(status)) return 0;
    return static_cast<unsigned>(status.permissions() & std::filesystem::perms::mask);
}

}  // namespace qdyn::test
