// The careful read of an address file on Windows: opened without following a reparse point
// (a symbolic link or junction), then checked on the handle: a file on disk, not a directory or
// a link, not over the size limit, and read with a bound.
#include "qdyn/windows_text.hpp"

#include "filedrop/address_file.hpp"
#include "filedrop/drop_file_reader.hpp"

namespace qdyn::server::filedrop {

namespace {

class OpenFile {
public:
    explicit OpenFile(HANDLE handle) noexcept : m_handle(handle) {}
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;
    ~OpenFile() { ::CloseHandle(m_handle); }
    [[nodiscard]] HANDLE get() const noexcept { return m_handle; }

private:
    HANDLE m_handle;
};

std::string tooLarge() { return "larger than " + std::to_string(kMaxAddressFileSize) + " bytes"; }

}  // namespace

Result<std::optional<std::string>> readDropFile(const std::filesystem::path& path) {
    // Shared for everything, so the user's editor or script is never locked out by the server.
    const HANDLE handle = ::CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                        nullptr, OPEN_EXISTING,
                                        FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS, nullptr);
    if (handle == INVALID_HANDLE_VALUE) {
        const DWORD error = ::GetLastError();
        if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) return std::optional<std::string>();
        return makeError(systemErrorText(error));
    }
    const OpenFile file(handle);
    FILE_ATTRIBUTE_TAG_INFO attributes{};
    if (::GetFileInformationByHandleEx(handle, FileAttributeTagInfo, &attributes, sizeof attributes) == FALSE) {
        return makeError(systemErrorText(::GetLastError()));
    }
    if ((attributes.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
        return makeError("is a symbolic link, which is not followed");
    }
    if ((attributes.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0 || ::GetFileType(handle) != FILE_TYPE_DISK) {
        return makeError("is not a regular file");
    }
    LARGE_INTEGER size{};
    if (::GetFileSizeEx(handle, &size) == FALSE) return makeError(systemErrorText(::GetLastError()));
    if (size.QuadPart > static_cast<LONGLONG>(kMaxAddressFileSize)) return makeError(tooLarge());
    // One byte more than allowed: a file that grew since the size was read is still caught.
    std::string content(kMaxAddressFileSize + 1, '\0');
    std::size_t used = 0;
    while (used < content.size()) {
        DWORD got = 0;
        if (::ReadFile(handle, content.data() + used, static_cast<DWORD>(content.size() - used), &got, nullptr) == FALSE) {
            return makeError(systemErrorText(::GetLastError()));
        }
        if (got == 0) break;
        used += got;
    }
    if (used > kMaxAddressFileSize) return makeError(tooLarge());
    content.resize(used);
    return std::optional<std::string>(std::move(content));
}

}  // namespace qdyn::server::filedrop
