// Reading, writing and locking the accounts file on POSIX (accounts_file.hpp).
#include "accounts/accounts_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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

bool writeAll(int fd, std::string_view content) {
    while (!content.empty()) {
        const ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        content.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Who the new file should belong to: the old file's owner, or for a file root creates, its
// directory's owner. nullopt: whoever runs the command (no chown needed).
std::optional<std::pair<uid_t, gid_t>> ownerFor(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
        if (info.st_uid == ::geteuid() && info.st_gid == ::getegid()) return std::nullopt;
        return std::pair{info.st_uid, info.st_gid};
    }
    if (::geteuid() == 0 && ::stat(directoryOf(path).c_str(), &info) == 0 && info.st_uid != 0) {
        return std::pair{info.st_uid, info.st_gid};
    }
    return std::nullopt;
}

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

Result<void> checkPrivate(const std::filesystem::path& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return makeError(path.string() + ": cannot stat: " + errnoText());
    if ((info.st_mode & 077U) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777U));
        return makeError(path.string() +
                         " holds password hashes and TSIG secrets but other users can read or change it (mode " + mode +
                         "); fix it with: chmod 600 " + path.string());
    }
    return {};
}

Result<void> writeAccountsFile(const std::filesystem::path& link, std::string_view content) {
    // A symlink (say /etc/qdyn/accounts.toml into the state directory) keeps pointing at the
    // file: the new version replaces the target, not the link.
    std::error_code missing;  // a file that does not exist yet is no link
    std::error_code ec;
    const auto path = std::filesystem::is_symlink(link, missing) ? std::filesystem::canonical(link, ec) : link;
    if (ec) return makeError(link.string() + ": cannot resolve the link: " + ec.message());
    const auto dir = directoryOf(path);
    std::string temp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
    // mkostemp creates the file with mode 0600 whatever the umask.
    Fd fd(::mkostemp(temp.data(), O_CLOEXEC));
    if (fd.get() < 0) return makeError("cannot create a temporary file in " + dir.string() + ": " + errnoText());
    auto fail = [&](const std::string& what) {
        const std::string message = what + ": " + errnoText();
        ::unlink(temp.c_str());
        return makeError(message);
    };
    if (const auto owner = ownerFor(path)) {
        if (::fchown(fd.get(), owner->first, owner->second) != 0) {
            return fail("cannot give " + temp + " the owner of " + path.string() + " (uid " +
                        std::to_string(owner->first) + "); run the command as that user or as root");
        }
    }
    if (::fchmod(fd.get(), 0600) != 0) return fail("cannot chmod " + temp);
    if (!writeAll(fd.get(), content)) return fail("cannot write " + temp);
    if (::fsync(fd.get()) != 0) return fail("cannot flush " + temp);
    if (::close(fd.release()) != 0) return fail("cannot close " + temp);
    if (::rename(temp.c_str(), path.c_str()) != 0) return fail("cannot replace " + path.string());
    // The rename is durable only once the directory is: without this a crash could bring back
    // the old file (and the old password) after the command said it was done.
    Fd dirFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dirFd.get() < 0 || ::fsync(dirFd.get()) != 0) {
        return makeError("wrote " + path.string() + " but cannot flush its directory: " + errnoText());
    }
    return {};
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
