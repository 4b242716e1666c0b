// Reading, writing and locking the accounts file on Windows (accounts_file.hpp): access lists
// instead of modes, MoveFileExW instead of rename, a locked NAME.lock file instead of flock.
#include "qdyn/windows_text.hpp"

// clang-format off
#include <aclapi.h>
#include <sddl.h>
// clang-format on

#include <algorithm>
#include <chrono>
#include <memory>
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
    void reset(HANDLE handle) {
        if (valid()) ::CloseHandle(m_handle);
        m_handle = handle;
    }

private:
    HANDLE m_handle;
};

// Memory the security functions allocate with LocalAlloc.
struct LocalFreer {
    void operator()(void* memory) const { ::LocalFree(memory); }
};
using LocalMemory = std::unique_ptr<void, LocalFreer>;

// Whether an access list entry lets one of the groups every user belongs to in.
bool isEveryonesSid(PSID sid) {
    for (const WELL_KNOWN_SID_TYPE type : {WinWorldSid, WinBuiltinUsersSid, WinAuthenticatedUserSid,
                                           WinBuiltinGuestsSid, WinAnonymousSid}) {
        if (::IsWellKnownSid(sid, type) != FALSE) return true;
    }
    return false;
}

// The security descriptor for the new file: the old file's access list (protected from the
// directory's), or only the owner, SYSTEM and the Administrators for a file made anew.
Result<LocalMemory> descriptorFor(const std::filesystem::path& path) {
    PSECURITY_DESCRIPTOR old = nullptr;
    PACL dacl = nullptr;
    if (::GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl,
                                nullptr, &old) == ERROR_SUCCESS) {
        LocalMemory oldMemory(old);
        LPWSTR text = nullptr;
        // Through SDDL: the copy is one self-contained block, the list marked protected ("P").
        if (::ConvertSecurityDescriptorToStringSecurityDescriptorW(old, SDDL_REVISION_1, DACL_SECURITY_INFORMATION,
                                                                   &text, nullptr) != FALSE) {
            LocalMemory textMemory(text);
            std::wstring sddl(text);
            if (sddl.rfind(L"D:", 0) == 0 && sddl.rfind(L"D:P", 0) != 0) sddl.insert(2, L"P");
            PSECURITY_DESCRIPTOR copy = nullptr;
            if (::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &copy, nullptr) !=
                FALSE) {
                return LocalMemory(copy);
            }
        }
    }
    PSECURITY_DESCRIPTOR fresh = nullptr;
    if (::ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;;FA;;;OW)(A;;FA;;;SY)(A;;FA;;;BA)",
                                                               SDDL_REVISION_1, &fresh, nullptr) == FALSE) {
        return makeError("cannot make a private access list: " + lastErrorText());
    }
    return LocalMemory(fresh);
}

}  // namespace

Result<std::optional<std::string>> readAccountsFile(const std::filesystem::path& path) {
    // A link to the real file is followed: a legitimate setup.
    Handle file(::CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                              nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!file.valid()) {
        const DWORD error = ::GetLastError();
        if (error == ERROR_FILE_NOT_FOUND) return std::optional<std::string>{};
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

Result<void> checkPrivate(const std::filesystem::path& path) {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    PACL dacl = nullptr;
    const DWORD status = ::GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                                                 nullptr, &dacl, nullptr, &descriptor);
    if (status != ERROR_SUCCESS) return makeError(path.string() + ": cannot read its access list: " + systemErrorText(status));
    const LocalMemory descriptorMemory(descriptor);
    const std::string fix = "; fix it with: icacls \"" + path.string() +
                            "\" /inheritance:r /grant:r \"%USERNAME%:F\" SYSTEM:F Administrators:F";
    if (dacl == nullptr) {
        return makeError(path.string() + " holds password hashes and TSIG secrets but has no access list, so everyone "
                                         "can read and change it" + fix);
    }
    constexpr ACCESS_MASK kReadOrChange = FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | GENERIC_READ |
                                          GENERIC_WRITE | GENERIC_ALL | WRITE_DAC | WRITE_OWNER;
    for (DWORD index = 0; index < dacl->AceCount; ++index) {
        void* entry = nullptr;
        if (::GetAce(dacl, index, &entry) == FALSE) continue;
        const auto* header = static_cast<const ACE_HEADER*>(entry);
        if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE) != 0) continue;
        auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(entry);
        if ((allowed->Mask & kReadOrChange) != 0 && isEveryonesSid(&allowed->SidStart)) {
            return makeError(path.string() +
                             " holds password hashes and TSIG secrets but other users can read or change it" + fix);
        }
    }
    return {};
}

Result<void> writeAccountsFile(const std::filesystem::path& link, std::string_view content) {
    // A symlink keeps pointing at the file: the new version replaces the target, not the link.
    std::error_code missing;
    std::error_code ec;
    const auto path = std::filesystem::is_symlink(link, missing) ? std::filesystem::canonical(link, ec) : link;
    if (ec) return makeError(link.string() + ": cannot resolve the link: " + ec.message());
    auto descriptor = descriptorFor(path);
    if (!descriptor) return descriptor.error();
    SECURITY_ATTRIBUTES security{sizeof(SECURITY_ATTRIBUTES), descriptor->get(), FALSE};
    // A name no other writer uses: this process's id and the time, made anew when taken.
    std::filesystem::path temp;
    Handle file(INVALID_HANDLE_VALUE);
    for (int attempt = 0; attempt < 16 && !file.valid(); ++attempt) {
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        temp = directoryOf(path) / ("." + path.filename().string() + "." + std::to_string(::GetCurrentProcessId()) +
                                    "." + std::to_string(stamp + attempt));
        Handle created(::CreateFileW(temp.c_str(), GENERIC_WRITE, 0, &security, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr));
        if (created.valid()) {
            file.reset(created.release());
        } else if (::GetLastError() != ERROR_FILE_EXISTS) {
            return makeError("cannot create a temporary file in " + directoryOf(path).string() + ": " + lastErrorText());
        }
    }
    if (!file.valid()) return makeError("cannot create a temporary file in " + directoryOf(path).string());
    auto fail = [&](const std::string& what) {
        const std::string message = what + ": " + lastErrorText();
        ::CloseHandle(file.release());
        ::DeleteFileW(temp.c_str());
        return makeError(message);
    };
    while (!content.empty()) {
        DWORD wrote = 0;
        const auto chunk = static_cast<DWORD>(std::min<std::size_t>(content.size(), 1U << 20U));
        if (::WriteFile(file.get(), content.data(), chunk, &wrote, nullptr) == FALSE || wrote == 0) {
            return fail("cannot write " + temp.string());
        }
        content.remove_prefix(wrote);
    }
    if (::FlushFileBuffers(file.get()) == FALSE) return fail("cannot flush " + temp.string());
    ::CloseHandle(file.release());
    // Durable once it returns: the move is written through before MoveFileExW reports success.
    if (::MoveFileExW(temp.c_str(), path.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) == FALSE) {
        const std::string message = "cannot replace " + path.string() + ": " + lastErrorText();
        ::DeleteFileW(temp.c_str());
        return makeError(message);
    }
    return {};
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
