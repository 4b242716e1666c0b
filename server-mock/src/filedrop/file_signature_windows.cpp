// fileSignature (file_watcher.hpp) on Windows: the volume and file id (device and inode), size,
// last write and change times and attributes of the file itself, a reparse point (a link) not
// followed.
#include "qdyn/windows_text.hpp"  // <windows.h>, lean

#include "filedrop/file_watcher.hpp"

namespace qdyn::server::filedrop {

StatPoller::Signature fileSignature(const std::filesystem::path& path) {
    // Opened for its attributes only, sharing everything, so the writer is never in the way.
    const HANDLE file = ::CreateFileW(path.c_str(), FILE_READ_ATTRIBUTES,
                                      FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                                      FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
    if (file == INVALID_HANDLE_VALUE) return {};
    BY_HANDLE_FILE_INFORMATION identity{};
    FILE_BASIC_INFO times{};
    const bool known = ::GetFileInformationByHandle(file, &identity) != FALSE &&
                       ::GetFileInformationByHandleEx(file, FileBasicInfo, &times, sizeof times) != FALSE;
    ::CloseHandle(file);
    if (!known) return {};
    const auto wide = [](DWORD high, DWORD low) { return (static_cast<std::uint64_t>(high) << 32) | low; };
    return {identity.dwVolumeSerialNumber,
            wide(identity.nFileIndexHigh, identity.nFileIndexLow),
            static_cast<std::int64_t>(wide(identity.nFileSizeHigh, identity.nFileSizeLow)),
            times.LastWriteTime.QuadPart * 100,
            times.ChangeTime.QuadPart * 100,
            identity.dwFileAttributes};
}

}  // namespace qdyn::server::filedrop
