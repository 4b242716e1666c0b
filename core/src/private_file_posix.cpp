// Atomic replacement and the privacy check on POSIX (private_file.hpp): mkostemp, fchown,
// fchmod, write, fsync, rename, fsync of the directory; the mode's group and other bits.
#include "qdyn/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

namespace qdyn {

// A namespace of its own: a unity build puts this file beside others with helpers of these names.
namespace private_file_posix {
namespace {

std::string errnoText() { return std::strerror(errno); }

// Closes a descriptor on every way out of a function.
class Descriptor {
public:
    explicit Descriptor(int fd) : m_fd(fd) {}
    ~Descriptor() {
        if (m_fd >= 0) ::close(m_fd);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
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

struct Owner {
    uid_t uid;
    gid_t gid;
    bool required;  // a failed chown is an error
};

// Who the replacement must belong to (ReplacedOwner); nullopt: whoever writes it.
std::optional<Owner> ownerFor(ReplacedOwner policy, const struct stat* existing,
                              const std::filesystem::path& directory) {
    switch (policy) {
        case ReplacedOwner::Writer: return std::nullopt;
        case ReplacedOwner::KeptByRoot:
            if (existing == nullptr || ::geteuid() != 0) return std::nullopt;
            return Owner{existing->st_uid, existing->st_gid, false};
        case ReplacedOwner::Kept: {
            if (existing != nullptr) {
                if (existing->st_uid == ::geteuid() && existing->st_gid == ::getegid()) return std::nullopt;
                return Owner{existing->st_uid, existing->st_gid, true};
            }
            struct stat info {};
            if (::geteuid() == 0 && ::stat(directory.c_str(), &info) == 0 && info.st_uid != 0) {
                return Owner{info.st_uid, info.st_gid, true};
            }
            return std::nullopt;
        }
    }
    return std::nullopt;
}

Result<void> replace(const std::filesystem::path& path, std::string_view content, const FileReplaceOptions& options) {
    std::error_code error;
    std::filesystem::path target = path;
    if (options.followSymlink && std::filesystem::is_symlink(path, error)) {
        target = std::filesystem::canonical(path, error);
        if (error) return makeError(path.string() + " is a symlink that leads nowhere: " + error.message());
    }
    // stat follows a link: where the link itself is replaced (followSymlink false), the mode is
    // still the one the user gave the file it led to.
    struct stat info {};
    const bool exists = ::stat(target.c_str(), &info) == 0;
    if (!exists && errno != ENOENT) return makeError("cannot inspect " + target.string() + ": " + errnoText());
    if (exists && !S_ISREG(info.st_mode)) return makeError(target.string() + " is not a regular file");
    if (options.beforeWrite) {
        if (auto checked = options.beforeWrite(target); !checked) return checked;
    }

    const std::filesystem::path directory =
        target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
    // A hidden name beside the file; mkostemp makes it unique and creates it 0600 whatever the
    // umask, so nobody can open it before its mode is set.
    std::string temp = (directory / ("." + target.filename().string() + ".qdyn-XXXXXX")).string();
    Descriptor fd(::mkostemp(temp.data(), O_CLOEXEC));
    if (fd.get() < 0) return makeError("cannot create a temporary file in " + directory.string() + ": " + errnoText());
    const auto fail = [&](const std::string& what) -> Result<void> {
        const std::string message = what + ": " + errnoText();
        ::close(fd.release());
        ::unlink(temp.c_str());
        return makeError(message);
    };
    // The owner first: a chown may clear the set-id bits that the mode then sets.
    if (const auto owner = ownerFor(options.owner, exists ? &info : nullptr, directory)) {
        if (::fchown(fd.get(), owner->uid, owner->gid) != 0 && owner->required) {
            return fail("cannot give " + temp + " the owner of " + target.string() + " (uid " +
                        std::to_string(owner->uid) + "); run the command as that user or as root");
        }
    }
    const mode_t mode = options.forcedMode ? static_cast<mode_t>(*options.forcedMode & 07777U)
                        : exists           ? static_cast<mode_t>(info.st_mode & 07777U)
                                           : static_cast<mode_t>(options.newFileMode & 07777U);
    if (::fchmod(fd.get(), mode) != 0) return fail("cannot set the mode of " + temp);
    if (!writeAll(fd.get(), content)) return fail("cannot write " + temp);
    if (::fsync(fd.get()) != 0) return fail("cannot flush " + temp);
    // close reports a write the file system deferred (NFS): the file is not whole then.
    if (::close(fd.release()) != 0) {
        const std::string message = "cannot write " + temp + ": " + errnoText();
        ::unlink(temp.c_str());
        return makeError(message);
    }
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        const std::string message = "cannot replace " + target.string() + ": " + errnoText();
        ::unlink(temp.c_str());
        return makeError(message);
    }
    // The rename itself is durable only once the directory is: until then a crash could bring
    // the old file (and an old password) back after the caller was told it was written.
    const Descriptor directoryFd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if ((directoryFd.get() < 0 || ::fsync(directoryFd.get()) != 0) && options.directorySyncRequired) {
        return makeError("wrote " + target.string() + " but cannot flush its directory: " + errnoText());
    }
    return {};
}

Result<void> check(const std::filesystem::path& path, std::string_view holds) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return makeError(path.string() + ": cannot stat: " + errnoText());
    const unsigned others = static_cast<unsigned>(info.st_mode) & 077U;
    if (others == 0) return {};
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode) & 07777U);
    const bool read = (others & 044U) != 0;
    const bool change = (others & 022U) != 0;
    const char* can = read && change ? "read and change" : read ? "read" : change ? "change" : "run";
    return makeError(path.string() + " holds " + std::string(holds) + " but other users can " + can + " it (mode " +
                     mode + "); fix it with: chmod 600 " + path.string());
}

}  // namespace
}  // namespace private_file_posix

Result<void> replaceFileAtomically(const std::filesystem::path& path, std::string_view content,
                                   const FileReplaceOptions& options) {
    return private_file_posix::replace(path, content, options);
}

Result<void> checkPrivateFile(const std::filesystem::path& path, std::string_view holds) {
    return private_file_posix::check(path, holds);
}

std::string_view privateFileWords() { return "mode 0600"; }

}  // namespace qdyn
