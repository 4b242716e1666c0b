// Atomic replacement and the privacy check on Windows (private_file.hpp). The temporary file is
// made with the access list chosen, written, flushed and moved over the old file with MoveFileExW
// written through; the check reads the access list's entries for the groups every user belongs
// to.
//
// A private file's list is its folder's (what a new file there inherits) without the allow
// entries of the groups every user belongs to, plus full access for its owner (OWNER RIGHTS),
// protected: the twin of mode 0600 in a folder that decides who else may come in (a service's
// account that `qdyn service install` let into its folder stays in; Users, who may read all of
// %ProgramData%, do not). The temporary file is made with the folder's list, which is then cut
// down through the still open handle before a byte is written; it is opened with no sharing, so
// nobody else can open it in the meantime either. Should that fail, the file is made anew with
// the fixed private list (owner, SYSTEM, Administrators), as CreateFileW gives it.
#include "qdyn/windows_text.hpp"

// clang-format off
#include <aclapi.h>
#include <sddl.h>
// clang-format on

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "qdyn/private_file.hpp"

namespace qdyn {

// A namespace of its own: a unity build puts this file beside others with helpers of these names.
namespace private_file_windows {
namespace {

// Paths in messages as UTF-8 (path::string() would go through the ANSI code page).
std::string text(const std::filesystem::path& path) {
    return narrow(path.native());
}

std::string lastErrorText() {
    return systemErrorText(::GetLastError());
}

class FileHandle {
public:
    explicit FileHandle(HANDLE handle) : m_handle(handle) {}
    ~FileHandle() { close(); }
    FileHandle(const FileHandle&) = delete;
    FileHandle& operator=(const FileHandle&) = delete;
    [[nodiscard]] bool valid() const { return m_handle != INVALID_HANDLE_VALUE && m_handle != nullptr; }
    [[nodiscard]] HANDLE get() const { return m_handle; }
    void reset(HANDLE handle) {
        if (valid()) ::CloseHandle(m_handle);
        m_handle = handle;
    }
    void close() { reset(INVALID_HANDLE_VALUE); }

private:
    HANDLE m_handle;
};

// The fixed private list, where the folder's cannot be used: only the file's owner ("OW", whoever
// creates it), SYSTEM (a service) and the Administrators; protected ("P"), so nothing is
// inherited from the folder.
constexpr const wchar_t* kPrivateList = L"D:P(A;;FA;;;OW)(A;;FA;;;SY)(A;;FA;;;BA)";

Result<LocalMemory> privateDescriptor() {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    if (::ConvertStringSecurityDescriptorToSecurityDescriptorW(kPrivateList, SDDL_REVISION_1, &descriptor, nullptr) ==
        FALSE) {
        return makeError("cannot make a private access list: " + lastErrorText());
    }
    return LocalMemory(descriptor);
}

// The old file's access list as a self-contained descriptor, protected: the entries it had from
// its folder are kept as they are, no longer following the folder's. Nothing when it has none to
// give (it cannot be read).
LocalMemory copiedDescriptor(const std::filesystem::path& path) {
    PSECURITY_DESCRIPTOR old = nullptr;
    PACL dacl = nullptr;
    if (::GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl,
                                nullptr, &old) != ERROR_SUCCESS) {
        return nullptr;
    }
    const LocalMemory oldMemory(old);
    // Through SDDL: the copy is one block, and the list is marked protected by one letter.
    LPWSTR sddlText = nullptr;
    if (::ConvertSecurityDescriptorToStringSecurityDescriptorW(old, SDDL_REVISION_1, DACL_SECURITY_INFORMATION,
                                                               &sddlText, nullptr) == FALSE) {
        return nullptr;
    }
    const LocalMemory textMemory(sddlText);
    std::wstring sddl(sddlText);
    if (sddl.rfind(L"D:", 0) == 0 && sddl.rfind(L"D:P", 0) != 0) sddl.insert(2, L"P");
    PSECURITY_DESCRIPTOR copy = nullptr;
    if (::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &copy, nullptr) ==
        FALSE) {
        return nullptr;
    }
    return LocalMemory(copy);
}

// The groups every user belongs to: the names the check's message gives them and their SIDs
// (for icacls, whose names of groups are translated on a Windows in another language).
struct EveryonesGroup {
    WELL_KNOWN_SID_TYPE type;
    const char* name;
    const char* sid;
};
constexpr EveryonesGroup kEveryonesGroups[] = {
    {WinWorldSid, "Everyone", "S-1-1-0"},
    {WinBuiltinUsersSid, "Users", "S-1-5-32-545"},
    {WinAuthenticatedUserSid, "Authenticated Users", "S-1-5-11"},
    {WinBuiltinGuestsSid, "Guests", "S-1-5-32-546"},
    {WinAnonymousSid, "anonymous logons", "S-1-5-7"},
};

const EveryonesGroup* everyonesGroup(PSID sid) {
    for (const auto& group : kEveryonesGroups) {
        if (::IsWellKnownSid(sid, group.type) != FALSE) return &group;
    }
    return nullptr;
}

bool isAllowEntry(BYTE type) {
    return type == ACCESS_ALLOWED_ACE_TYPE || type == ACCESS_ALLOWED_CALLBACK_ACE_TYPE;
}
bool isDenyEntry(BYTE type) {
    return type == ACCESS_DENIED_ACE_TYPE || type == ACCESS_DENIED_CALLBACK_ACE_TYPE ||
           type == ACCESS_DENIED_OBJECT_ACE_TYPE || type == ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE;
}

// OWNER RIGHTS (S-1-3-4, "OW"): whoever owns the object.
struct OwnerRightsSid {
    alignas(DWORD) BYTE bytes[SECURITY_MAX_SID_SIZE]{};
    OwnerRightsSid() {
        SID_IDENTIFIER_AUTHORITY creator = SECURITY_CREATOR_SID_AUTHORITY;
        ::InitializeSid(bytes, &creator, 1);
        *::GetSidSubAuthority(bytes, 0) = SECURITY_CREATOR_OWNER_RIGHTS_RID;
    }
    PSID get() { return bytes; }
};

// The private list made from `folderList`, the list a new file in the folder has: its entries
// but the allow entries of everyone's groups (and any of OWNER RIGHTS, replaced), denials first,
// none marked inherited any more (the list is set protected), then full access for the owner.
// As DWORDs, so the ACL is aligned.
Result<std::vector<DWORD>> privateAclFrom(const ACL* folderList) {
    if (folderList == nullptr) return makeError("the folder gives no access list to start from");
    OwnerRightsSid owner;
    std::vector<const ACE_HEADER*> denials;
    std::vector<const ACE_HEADER*> others;
    std::size_t size = sizeof(ACL);
    for (DWORD index = 0; index < folderList->AceCount; ++index) {
        void* entry = nullptr;
        if (::GetAce(const_cast<ACL*>(folderList), index, &entry) == FALSE) {
            return makeError("cannot read the folder's access list: " + lastErrorText());
        }
        const auto* header = static_cast<const ACE_HEADER*>(entry);
        // Meant for what a file cannot hold (a file has none of these, but a copy may).
        if ((header->AceFlags & INHERIT_ONLY_ACE) != 0) continue;
        if (isAllowEntry(header->AceType)) {
            auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(entry);
            if (everyonesGroup(&allowed->SidStart) != nullptr) continue;
            if (::EqualSid(&allowed->SidStart, owner.get()) != FALSE) continue;
        }
        (isDenyEntry(header->AceType) ? denials : others).push_back(header);
        size += header->AceSize;
    }
    const DWORD ownerEntrySize =
        static_cast<DWORD>(sizeof(ACCESS_ALLOWED_ACE) - sizeof(DWORD)) + ::GetLengthSid(owner.get());
    size += ownerEntrySize;
    size = (size + sizeof(DWORD) - 1) & ~(sizeof(DWORD) - 1);
    if (size > 0xffffU) return makeError("the folder's access list is too long to copy");
    const DWORD revision = std::max<DWORD>(ACL_REVISION, folderList->AclRevision);
    std::vector<DWORD> buffer(size / sizeof(DWORD));
    auto* acl = reinterpret_cast<ACL*>(buffer.data());
    if (::InitializeAcl(acl, static_cast<DWORD>(size), revision) == FALSE) {
        return makeError("cannot make an access list: " + lastErrorText());
    }
    std::vector<DWORD> copy;
    for (const auto* list : {&denials, &others}) {
        for (const ACE_HEADER* header : *list) {
            copy.assign((header->AceSize + sizeof(DWORD) - 1) / sizeof(DWORD), 0);
            std::memcpy(copy.data(), header, header->AceSize);
            reinterpret_cast<ACE_HEADER*>(copy.data())->AceFlags &= static_cast<BYTE>(~INHERITED_ACE);
            if (::AddAce(acl, revision, MAXDWORD, copy.data(), header->AceSize) == FALSE) {
                return makeError("cannot copy an entry of the folder's access list: " + lastErrorText());
            }
        }
    }
    if (::AddAccessAllowedAceEx(acl, revision, 0, FILE_ALL_ACCESS, owner.get()) == FALSE) {
        return makeError("cannot let the owner in: " + lastErrorText());
    }
    return buffer;
}

// Whether a list lets one of everyone's groups in (no list, or one that cannot be read, does).
bool letsEveryoneIn(const ACL* dacl) {
    if (dacl == nullptr) return true;
    for (DWORD index = 0; index < dacl->AceCount; ++index) {
        void* entry = nullptr;
        if (::GetAce(const_cast<ACL*>(dacl), index, &entry) == FALSE) return true;
        const auto* header = static_cast<const ACE_HEADER*>(entry);
        if (isAllowEntry(header->AceType) && everyonesGroup(&static_cast<ACCESS_ALLOWED_ACE*>(entry)->SidStart)) {
            return true;
        }
    }
    return false;
}

// The same for an open file's list.
bool letsEveryoneIn(HANDLE file) {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    PACL dacl = nullptr;
    if (::GetSecurityInfo(file, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl, nullptr,
                          &descriptor) != ERROR_SUCCESS) {
        return true;
    }
    const LocalMemory descriptorMemory(descriptor);
    return letsEveryoneIn(dacl);
}

// Cuts the list an open file inherited down to the private one (privateAclFrom), protected, and
// reads it back. SetSecurityInfo is the way Windows documents; Wine 8 takes it and changes
// nothing (or puts the folder's entries back), so the list is then set once more as it is, with
// SetKernelObjectSecurity (NtSetSecurityObject), which both keep. An error when neither took.
Result<void> makePrivate(HANDLE file) {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    PACL dacl = nullptr;
    DWORD status = ::GetSecurityInfo(file, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl, nullptr,
                                     &descriptor);
    if (status != ERROR_SUCCESS) return makeError("cannot read the inherited access list: " + systemErrorText(status));
    const LocalMemory descriptorMemory(descriptor);
    auto acl = privateAclFrom(dacl);
    if (!acl) return acl.error();
    auto* privateAcl = reinterpret_cast<ACL*>(acl->data());
    status = ::SetSecurityInfo(file, SE_FILE_OBJECT, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                               nullptr, nullptr, privateAcl, nullptr);
    if (status == ERROR_SUCCESS && !letsEveryoneIn(file)) return {};
    SECURITY_DESCRIPTOR made{};
    if (::InitializeSecurityDescriptor(&made, SECURITY_DESCRIPTOR_REVISION) == FALSE ||
        ::SetSecurityDescriptorDacl(&made, TRUE, privateAcl, FALSE) == FALSE ||
        ::SetSecurityDescriptorControl(&made, SE_DACL_PROTECTED, SE_DACL_PROTECTED) == FALSE ||
        ::SetKernelObjectSecurity(file, DACL_SECURITY_INFORMATION, &made) == FALSE) {
        return makeError("cannot set the private access list: " + lastErrorText());
    }
    if (letsEveryoneIn(file)) return makeError("the private access list did not take");
    return {};
}

// The descriptor to create the temporary file with: the old file's list (copied), or none (null:
// the folder's list, cut down to the private one afterwards when `makePrivateFromFolder`).
LocalMemory descriptorFor(const std::filesystem::path& target, bool exists, AccessList accessList,
                          bool& makePrivateFromFolder) {
    makePrivateFromFolder = false;
    if (accessList != AccessList::Private && exists) {
        if (auto copy = copiedDescriptor(target)) return copy;
    }
    makePrivateFromFolder = accessList != AccessList::Inherited;
    return LocalMemory(nullptr);
}

Result<void> replace(const std::filesystem::path& path, std::string_view content, const FileReplaceOptions& options) {
    std::error_code error;
    std::filesystem::path target = path;
    if (options.followSymlink && std::filesystem::is_symlink(path, error)) {
        target = std::filesystem::canonical(path, error);
        if (error) return makeError(text(path) + " is a symlink that leads nowhere: " + error.message());
    }
    const DWORD attributes = ::GetFileAttributesW(target.c_str());
    const bool exists = attributes != INVALID_FILE_ATTRIBUTES;
    if (!exists) {
        // A missing folder is left to the creation below, whose message names it.
        const DWORD code = ::GetLastError();
        if (code != ERROR_FILE_NOT_FOUND && code != ERROR_PATH_NOT_FOUND) {
            return makeError("cannot inspect " + text(target) + ": " + systemErrorText(code));
        }
    }
    if (exists && (attributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE)) != 0) {
        return makeError(text(target) + " is not a regular file");
    }
    if (options.beforeWrite) {
        if (auto checked = options.beforeWrite(target); !checked) return checked;
    }
    bool makePrivateFromFolder = false;
    const LocalMemory descriptor = descriptorFor(target, exists, options.accessList, makePrivateFromFolder);

    const std::filesystem::path directory =
        target.has_parent_path() ? target.parent_path() : std::filesystem::path(L".");
    // A name no other writer uses: this process's id and the time, made anew when taken (there is
    // no mkstemp; CREATE_NEW refuses a name that exists). No sharing: nobody else opens it.
    std::filesystem::path temp;
    FileHandle file(INVALID_HANDLE_VALUE);
    const auto create = [&](PSECURITY_DESCRIPTOR given, DWORD access) -> Result<void> {
        SECURITY_ATTRIBUTES security{sizeof(SECURITY_ATTRIBUTES), given, FALSE};
        for (int attempt = 0; attempt < 16 && !file.valid(); ++attempt) {
            const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count() + attempt;
            temp = directory / (L"." + target.filename().wstring() + L".qdyn-" +
                                std::to_wstring(::GetCurrentProcessId()) + L"-" + std::to_wstring(stamp));
            file.reset(::CreateFileW(temp.c_str(), access, 0, &security, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr));
            if (!file.valid() && ::GetLastError() != ERROR_FILE_EXISTS) {
                return makeError("cannot create a temporary file in " + text(directory) + ": " + lastErrorText());
            }
        }
        if (!file.valid()) return makeError("cannot create a temporary file in " + text(directory));
        return {};
    };
    bool made = false;
    if (makePrivateFromFolder) {
        // The folder's list cut down, set before anything is written; on any failure the fixed
        // private list below.
        made = create(nullptr, GENERIC_WRITE | READ_CONTROL | WRITE_DAC).ok() && makePrivate(file.get()).ok();
        if (!made && file.valid()) {
            file.close();
            ::DeleteFileW(temp.c_str());
        }
    }
    if (!made) {
        LocalMemory fixed;
        if (makePrivateFromFolder) {
            auto privateList = privateDescriptor();
            if (!privateList) return privateList.error();
            fixed = std::move(*privateList);
        }
        if (auto created = create(fixed ? fixed.get() : descriptor.get(), GENERIC_WRITE); !created) return created;
    }
    const auto fail = [&](const std::string& what) -> Result<void> {
        const std::string message = what + ": " + lastErrorText();
        file.close();
        ::DeleteFileW(temp.c_str());
        return makeError(message);
    };
    while (!content.empty()) {
        DWORD wrote = 0;
        const auto chunk = static_cast<DWORD>(std::min<std::size_t>(content.size(), std::size_t{1} << 20U));
        if (::WriteFile(file.get(), content.data(), chunk, &wrote, nullptr) == FALSE || wrote == 0) {
            return fail("cannot write " + text(temp));
        }
        content.remove_prefix(wrote);
    }
    if (::FlushFileBuffers(file.get()) == FALSE) return fail("cannot flush " + text(temp));
    file.close();
    // Durable once it returns: the move is written through before MoveFileExW reports success.
    if (::MoveFileExW(temp.c_str(), target.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) == FALSE) {
        const std::string message = "cannot replace " + text(target) + ": " + lastErrorText();
        ::DeleteFileW(temp.c_str());
        return makeError(message);
    }
    return {};
}

Result<void> check(const std::filesystem::path& path, std::string_view holds) {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    PACL dacl = nullptr;
    const DWORD status = ::GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                                                 nullptr, &dacl, nullptr, &descriptor);
    if (status != ERROR_SUCCESS) {
        return makeError(text(path) + ": cannot read its access list: " + systemErrorText(status));
    }
    const LocalMemory descriptorMemory(descriptor);
    // The fix: the entries from the folder dropped (/inheritance:r) and those the groups were given
    // on the file itself (/remove:g), the writer, SYSTEM and the Administrators let in (by SID:
    // the names are translated); a service's account that reads the file is named too.
    const auto fix = [&](const std::string& removed) {
        return "; fix it with: icacls \"" + text(path) + "\" /inheritance:r" + removed +
               " /grant:r \"%USERNAME%:F\" *S-1-5-18:F *S-1-5-32-544:F (and *S-1-5-19:R for a file the qdyn "
               "service reads as LocalService)";
    };
    if (dacl == nullptr) {
        return makeError(text(path) + " holds " + std::string(holds) +
                         " but has no access list, so everyone can read and change it" + fix(""));
    }
    constexpr ACCESS_MASK kRead = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL;
    constexpr ACCESS_MASK kChange =
        FILE_WRITE_DATA | FILE_APPEND_DATA | GENERIC_WRITE | GENERIC_ALL | WRITE_DAC | WRITE_OWNER;
    bool read = false;
    bool change = false;
    std::string groups;
    std::string removed;
    for (DWORD index = 0; index < dacl->AceCount; ++index) {
        void* entry = nullptr;
        if (::GetAce(dacl, index, &entry) == FALSE) continue;
        const auto* header = static_cast<const ACE_HEADER*>(entry);
        // Deny entries are not subtracted: an allow for everyone is refused even behind one.
        if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE) != 0) continue;
        auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(entry);
        const EveryonesGroup* group = everyonesGroup(&allowed->SidStart);
        if (group == nullptr || (allowed->Mask & (kRead | kChange)) == 0) continue;
        read = read || (allowed->Mask & kRead) != 0;
        change = change || (allowed->Mask & kChange) != 0;
        if (groups.find(group->name) == std::string::npos) {
            groups += (groups.empty() ? "" : ", ") + std::string(group->name);
        }
        const std::string remove = std::string(" /remove:g *") + group->sid;
        if ((header->AceFlags & INHERITED_ACE) == 0 && removed.find(remove) == std::string::npos) removed += remove;
    }
    if (!read && !change) return {};
    const char* can = read && change ? "read and change" : read ? "read" : "change";
    return makeError(text(path) + " holds " + std::string(holds) + " but other users can " + can +
                     " it (its access list lets " + groups + " in)" + fix(removed));
}

}  // namespace
}  // namespace private_file_windows

Result<void> replaceFileAtomically(const std::filesystem::path& path, std::string_view content,
                                   const FileReplaceOptions& options) {
    return private_file_windows::replace(path, content, options);
}

Result<void> checkPrivateFile(const std::filesystem::path& path, std::string_view holds) {
    return private_file_windows::check(path, holds);
}

std::string_view privateFileWords() {
    return "private to you";
}

bool accessListLetsEveryoneIn(const void* acl) {
    return private_file_windows::letsEveryoneIn(static_cast<const ACL*>(acl));
}

Result<std::string> privateAccessListFor(std::string_view folderList) {
    PSECURITY_DESCRIPTOR given = nullptr;
    if (::ConvertStringSecurityDescriptorToSecurityDescriptorW(widen(folderList).c_str(), SDDL_REVISION_1, &given,
                                                               nullptr) == FALSE) {
        return makeError("not an access list: " + std::string(folderList));
    }
    const LocalMemory givenMemory(given);
    BOOL present = FALSE;
    BOOL defaulted = FALSE;
    PACL dacl = nullptr;
    if (::GetSecurityDescriptorDacl(given, &present, &dacl, &defaulted) == FALSE || present == FALSE) dacl = nullptr;
    auto acl = private_file_windows::privateAclFrom(dacl);
    if (!acl) return acl.error();
    SECURITY_DESCRIPTOR made{};
    if (::InitializeSecurityDescriptor(&made, SECURITY_DESCRIPTOR_REVISION) == FALSE ||
        ::SetSecurityDescriptorDacl(&made, TRUE, reinterpret_cast<ACL*>(acl->data()), FALSE) == FALSE ||
        ::SetSecurityDescriptorControl(&made, SE_DACL_PROTECTED, SE_DACL_PROTECTED) == FALSE) {
        return makeError("cannot make a security descriptor: " + private_file_windows::lastErrorText());
    }
    LPWSTR sddl = nullptr;
    if (::ConvertSecurityDescriptorToStringSecurityDescriptorW(&made, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &sddl,
                                                               nullptr) == FALSE) {
        return makeError("cannot write the access list as text: " + private_file_windows::lastErrorText());
    }
    const LocalMemory sddlMemory(sddl);
    return narrow(sddl);
}

}  // namespace qdyn
