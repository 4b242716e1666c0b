// The careful read of an address file on POSIX: O_NOFOLLOW and O_NONBLOCK at open, then fstat on what
// was opened (not on the path, which may have been swapped since), and a bounded read.
#include "filedrop/drop_file_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "filedrop/address_file.hpp"

namespace qdyn::server::filedrop {

namespace {

class OpenFile {
public:
    explicit OpenFile(int fd) noexcept : m_fd(fd) {}
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    ~OpenFile() { ::close(m_fd); }
    [[nodiscard]] int get() const noexcept { return m_fd; }

private:
    int m_fd;
};

std::string tooLarge() { return "larger than " + std::to_string(kMaxAddressFileSize) + " bytes"; }

}  // namespace

Result<std::optional<std::string>> readDropFile(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        if (error == ENOENT || error == ENOTDIR) return std::optional<std::string>();
        // Linux says ELOOP for a final symbolic link under O_NOFOLLOW, the BSDs EMLINK.
        if (error == ELOOP || error == EMLINK) return makeError("is a symbolic link, which is not followed");
        return makeError(std::strerror(error));
    }
    const OpenFile file(fd);
    struct stat info {};
    if (::fstat(fd, &info) != 0) return makeError(std::strerror(errno));
    if (!S_ISREG(info.st_mode)) return makeError("is not a regular file");
    if (info.st_size > static_cast<off_t>(kMaxAddressFileSize)) return makeError(tooLarge());
    // One byte more than allowed: a file that grew since fstat is still caught.
    std::string content(kMaxAddressFileSize + 1, '\0');
    std::size_t used = 0;
    while (used < content.size()) {
        const auto got = ::read(fd, content.data() + used, content.size() - used);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return makeError(std::strerror(errno));
        if (got == 0) break;
        used += static_cast<std::size_t>(got);
    }
    if (used > kMaxAddressFileSize) return makeError(tooLarge());
    content.resize(used);
    return std::optional<std::string>(std::move(content));
}

}  // namespace qdyn::server::filedrop
