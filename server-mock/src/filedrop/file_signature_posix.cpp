// fileSignature (file_watcher.hpp) on POSIX: lstat's device, inode, size, times and mode.
#include <sys/stat.h>

#include "filedrop/file_watcher.hpp"

namespace qdyn::server::filedrop {

namespace {

std::int64_t nanoseconds(const struct timespec& time) {
    return static_cast<std::int64_t>(time.tv_sec) * 1000000000 + static_cast<std::int64_t>(time.tv_nsec);
}

}  // namespace

StatPoller::Signature fileSignature(const std::filesystem::path& path) {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) return {};
#ifdef __APPLE__
    const auto& modified = info.st_mtimespec;
    const auto& changed = info.st_ctimespec;
#else
    const auto& modified = info.st_mtim;
    const auto& changed = info.st_ctim;
#endif
    return {static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino),
            static_cast<std::int64_t>(info.st_size),  nanoseconds(modified),
            nanoseconds(changed),                     static_cast<std::uint32_t>(info.st_mode)};
}

}  // namespace qdyn::server::filedrop
