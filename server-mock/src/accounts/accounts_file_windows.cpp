// Reading and locking the accounts file on Windows (accounts_file.hpp): a locked NAME.lock file
// instead of flock.
#include "qdyn/windows_text.hpp"

#include <utility>

#include "accounts/accounts_file.hpp"

namespace qdyn::server::accounts {

namespace {

std::filesystem::path directoryOf(const std::filesystem::path& file) {
    auto dir = file.parent_path();
    return dir.empty() ? std::filesystem::path(".") : dir;
}

std::string lastErrorText() { return systemErrorText(::GetLastError()); }

class Handle {
public:
    explicit Handle(HANDLE handle) : m_handle(handle) {}
    ~Handle() {
        if (valid()) ::CloseHandle(m_handle);
    }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    [[nodiscard]] bool valid() const { return m_handle != INVALID_HANDLE_VALUE && m_handle != nullptr; }
    [[nodiscard]] HANDLE get() const { return m_handle; }
    HANDLE release() { return std::exchange(m_handle, INVALID_HANDLE_VALUE); }

private:
    HANDLE m_handle;
};

}  // namespace

Result<std::optional<std::string>> readAccountsFile(const std::filesystem::path& path) {
    // A link to the real file is followed: a legitimate setup.
    Handle file(::CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                              nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!file.valid()) {
        const DWORD error = ::GetLastError();
        if (error == ERROR_FILE_NOT_FOUND) return std::optional<std::string>{};
        // A folder cannot be opened as a file (ERROR_ACCESS_DENIED): say what it is instead.
        const DWORD attributes = ::GetFileAttributesW(path.c_str());
        if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
            return makeError(path.string() + ": not a regular file");
        }
        return makeError(path.string() + ": cannot open: " + systemErrorText(error));
    }
    if (::GetFileType(file.get()) != FILE_TYPE_DISK) return makeError(path.string() + ": not a regular file");
    LARGE_INTEGER size{};
    if (::GetFileSizeEx(file.get(), &size) == FALSE) return makeError(path.string() + ": cannot stat: " + lastErrorText());
    if (static_cast<std::uintmax_t>(size.QuadPart) > kMaxAccountsFileSize) {
        return makeError(path.string() + ": larger than " + std::to_string(kMaxAccountsFileSize >> 20U) +
                         " MiB; is this an accounts file?");
    }
    std::string text;
    char buffer[8192];
    for (;;) {
        DWORD got = 0;
        if (::ReadFile(file.get(), buffer, sizeof buffer, &got, nullptr) == FALSE) {
            return makeError(path.string() + ": read error: " + lastErrorText());
        }
        if (got == 0) break;
        text.append(buffer, got);
        if (text.size() > kMaxAccountsFileSize) return makeError(path.string() + ": grew while being read");
    }
    return std::optional<std::string>(std::move(text));
}

Result<AccountsFileLock> AccountsFileLock::acquire(const std::filesystem::path& accountsFile) {
    const auto lockFile = directoryOf(accountsFile) / (accountsFile.filename().string() + ".lock");
    Handle file(::CreateFileW(lockFile.c_str(), GENERIC_READ | GENERIC_WRITE,
                              FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr, OPEN_ALWAYS,
                              FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!file.valid()) return makeError("cannot open " + lockFile.string() + ": " + lastErrorText());
    OVERLAPPED whole{};
    if (::LockFileEx(file.get(), LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &whole) == FALSE) {
        return makeError("cannot lock " + lockFile.string() + ": " + lastErrorText());
    }
    return AccountsFileLock(reinterpret_cast<std::intptr_t>(file.release()));
}

AccountsFileLock::AccountsFileLock(AccountsFileLock&& other) noexcept
    : m_handle(std::exchange(other.m_handle, kNoLock)) {}

AccountsFileLock::~AccountsFileLock() {
    // Closing the handle releases the lock.
    if (m_handle != kNoLock) ::CloseHandle(reinterpret_cast<HANDLE>(m_handle));
}

}  // namespace qdyn::server::accounts
