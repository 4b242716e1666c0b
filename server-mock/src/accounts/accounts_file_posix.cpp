// Reading and locking the accounts file on POSIX (accounts_file.hpp).
#include "accounts/accounts_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace qdyn::server::accounts {

namespace {

std::string errnoText() {
    return std::strerror(errno);
}

std::filesystem::path directoryOf(const std::filesystem::path& file) {
    auto dir = file.parent_path();
    return dir.empty() ? std::filesystem::path(".") : dir;
}

// Closes a descriptor on every path out of a function.
class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }

private:
    int m_fd;
};

}  // namespace

Result<std::optional<std::string>> readAccountsFile(const std::filesystem::path& path) {
    // O_NOFOLLOW is not used: a symlink to the real file is a legitimate setup. O_NONBLOCK keeps
    // a FIFO from blocking the open; it is refused just below as not a regular file.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        if (errno == ENOENT) return std::optional<std::string>{};
        return makeError(path.string() + ": cannot open: " + errnoText());
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) return makeError(path.string() + ": cannot stat: " + errnoText());
    if (!S_ISREG(info.st_mode)) return makeError(path.string() + ": not a regular file");
    if (static_cast<std::uintmax_t>(info.st_size) > kMaxAccountsFileSize) {
        return makeError(path.string() + ": larger than " + std::to_string(kMaxAccountsFileSize >> 20U) +
                         " MiB; is this an accounts file?");
    }
    std::string text;
    char buffer[8192];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return makeError(path.string() + ": read error: " + errnoText());
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > kMaxAccountsFileSize) return makeError(path.string() + ": grew while being read");
    }
    return std::optional<std::string>(std::move(text));
}

Result<AccountsFileLock> AccountsFileLock::acquire(const std::filesystem::path& accountsFile) {
    const auto dir = directoryOf(accountsFile);
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) return makeError("cannot open the directory " + dir.string() + ": " + errnoText());
    while (::flock(fd.get(), LOCK_EX) != 0) {
        if (errno != EINTR) return makeError("cannot lock " + dir.string() + ": " + errnoText());
    }
    return AccountsFileLock(fd.release());
}

AccountsFileLock::AccountsFileLock(AccountsFileLock&& other) noexcept
    : m_handle(std::exchange(other.m_handle, kNoLock)) {}

AccountsFileLock::~AccountsFileLock() {
    if (m_handle != kNoLock) ::close(static_cast<int>(m_handle));  // closing releases the flock
}

}  // namespace qdyn::server::accounts
