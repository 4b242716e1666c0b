// The Windows service's files (service_files.hpp): folders created, and entries for the service's
// account added to their access lists by its well-known SID (the account's name is translated on
// a Windows in another language; the SID is not).
#include "qdyn/windows_text.hpp"

// clang-format off
#include <aclapi.h>
// clang-format on

#include <memory>
#include <string>
#include <system_error>

#include "qdyn/private_file.hpp"
#include "service_files.hpp"

namespace qdyn::cli::service {

// A namespace of its own: a unity build puts this file beside service_host_windows.cpp.
namespace service_files_windows {
namespace {

namespace fs = std::filesystem;

std::string text(const fs::path& path) {
    return narrow(path.native());
}

// What the account may do, as icacls says it: read (R, and list a folder: RX), or change (M).
constexpr DWORD kReadFile = FILE_GENERIC_READ;
constexpr DWORD kReadFolder = FILE_GENERIC_READ | FILE_GENERIC_EXECUTE;
constexpr DWORD kChangeFolder = FILE_GENERIC_READ | FILE_GENERIC_WRITE | FILE_GENERIC_EXECUTE | DELETE;

// Whether a file's list lets one of the groups every user belongs to in (or cannot be read).
bool letsEveryoneIn(const fs::path& path) {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    PACL dacl = nullptr;
    if (::GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl,
                                nullptr, &descriptor) != ERROR_SUCCESS) {
        return true;
    }
    const LocalMemory descriptorMemory(descriptor);
    return accessListLetsEveryoneIn(dacl);
}

// Adds an entry that lets `sid` do `access` on `path` (inherited by what a folder holds when
// `inherited`) to its access list, keeping the rest and whether it is protected from its folder's.
Result<void> grant(const fs::path& path, PSID sid, DWORD access, bool inherited) {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    PACL dacl = nullptr;
    DWORD status = ::GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr,
                                           &dacl, nullptr, &descriptor);
    if (status != ERROR_SUCCESS) {
        return makeError("cannot read the access list of " + text(path) + ": " + systemErrorText(status));
    }
    const LocalMemory descriptorMemory(descriptor);
    SECURITY_DESCRIPTOR_CONTROL control = 0;
    DWORD revision = 0;
    const bool isProtected =
        ::GetSecurityDescriptorControl(descriptor, &control, &revision) != FALSE && (control & SE_DACL_PROTECTED) != 0;
    EXPLICIT_ACCESS_W entry{};
    entry.grfAccessPermissions = access;
    entry.grfAccessMode = GRANT_ACCESS;
    entry.grfInheritance = inherited ? SUB_CONTAINERS_AND_OBJECTS_INHERIT : NO_INHERITANCE;
    entry.Trustee.TrusteeForm = TRUSTEE_IS_SID;
    entry.Trustee.TrusteeType = TRUSTEE_IS_WELL_KNOWN_GROUP;
    entry.Trustee.ptstrName = static_cast<LPWSTR>(sid);
    PACL changed = nullptr;
    status = ::SetEntriesInAclW(1, &entry, dacl, &changed);
    if (status != ERROR_SUCCESS) {
        return makeError("cannot add to the access list of " + text(path) + ": " + systemErrorText(status));
    }
    const LocalMemory changedMemory(changed);
    const SECURITY_INFORMATION what =
        DACL_SECURITY_INFORMATION | (isProtected ? PROTECTED_DACL_SECURITY_INFORMATION : 0U);
    status = ::SetNamedSecurityInfoW(const_cast<wchar_t*>(path.c_str()), SE_FILE_OBJECT, what, nullptr, nullptr,
                                     changed, nullptr);
    if (status != ERROR_SUCCESS) {
        std::string message = "cannot change the access list of " + text(path) + ": " + systemErrorText(status);
        if (status == ERROR_ACCESS_DENIED) message += "; run it from an administrator's prompt";
        return makeError(std::move(message));
    }
    // A grant never opens a private file to everyone. Wine 8 puts the folder's entries back on a
    // file given a list this way; the list is then set once more as it is (SetFileSecurityW).
    if (!accessListLetsEveryoneIn(dacl) && letsEveryoneIn(path)) {
        SECURITY_DESCRIPTOR made{};
        const SECURITY_DESCRIPTOR_CONTROL protection = isProtected ? SE_DACL_PROTECTED : 0;
        if (::InitializeSecurityDescriptor(&made, SECURITY_DESCRIPTOR_REVISION) == FALSE ||
            ::SetSecurityDescriptorDacl(&made, TRUE, changed, FALSE) == FALSE ||
            ::SetSecurityDescriptorControl(&made, SE_DACL_PROTECTED, protection) == FALSE ||
            ::SetFileSecurityW(path.c_str(), DACL_SECURITY_INFORMATION, &made) == FALSE || letsEveryoneIn(path)) {
            return makeError("the access list of " + text(path) +
                             " lets other users in after the grant: " + systemErrorText(::GetLastError()));
        }
    }
    return {};
}

Result<void> makeFolder(const fs::path& folder) {
    std::error_code error;
    if (fs::is_directory(folder, error)) return {};
    if (fs::exists(folder, error)) return makeError(text(folder) + " is there but is not a folder");
    fs::create_directories(folder, error);
    if (error) return makeError("cannot create the folder " + text(folder) + ": " + error.message());
    return {};
}

}  // namespace
}  // namespace service_files_windows

const char* accountName(ServiceAccount account) {
    switch (account) {
        case ServiceAccount::NetworkService:
            return "NetworkService";
        case ServiceAccount::LocalSystem:
            return "LocalSystem";
        case ServiceAccount::LocalService:
            break;
    }
    return "LocalService";
}

Result<std::vector<std::string>> prepareServiceFiles(const ServiceFiles& files) {
    namespace here = service_files_windows;
    std::vector<std::string> said;
    const std::filesystem::path configFolder =
        files.config.has_parent_path() ? files.config.parent_path() : std::filesystem::current_path();
    if (auto made = here::makeFolder(configFolder); !made) return made.error();
    if (auto made = here::makeFolder(files.stateDir); !made) return made.error();
    if (files.account == ServiceAccount::LocalSystem) {
        said.emplace_back(
            "LocalSystem is SYSTEM, which may read and change the service's files already: "
            "no access granted");
        return said;
    }
    const bool network = files.account == ServiceAccount::NetworkService;
    alignas(DWORD) BYTE sid[SECURITY_MAX_SID_SIZE];
    DWORD sidSize = sizeof sid;
    if (::CreateWellKnownSid(network ? WinNetworkServiceSid : WinLocalServiceSid, nullptr, sid, &sidSize) == FALSE) {
        return makeError("cannot make the SID of " + std::string(accountName(files.account)) + ": " +
                         systemErrorText(::GetLastError()));
    }
    const std::string who = std::string(accountName(files.account)) + (network ? " (S-1-5-20)" : " (S-1-5-19)");
    if (files.grantConfigFolder) {
        if (auto granted = here::grant(configFolder, sid, here::kReadFolder, true); !granted) return granted.error();
        said.push_back("granted " + who + " read on " + here::text(configFolder) +
                       " and what it holds, files written there later too");
    }
    std::error_code error;
    if (std::filesystem::is_regular_file(files.config, error)) {
        if (auto granted = here::grant(files.config, sid, here::kReadFile, false); !granted) return granted.error();
        said.push_back("granted " + who + " read on " + here::text(files.config));
    } else if (!files.grantConfigFolder) {
        said.push_back("nothing granted on " + here::text(files.config) +
                       ", which is not there yet: once written, "
                       "let the service read it with: icacls \"" +
                       here::text(files.config) + "\" /grant " + (network ? "*S-1-5-20:R" : "*S-1-5-19:R"));
    }
    if (auto granted = here::grant(files.stateDir, sid, here::kChangeFolder, true); !granted) return granted.error();
    said.push_back("granted " + who + " change on " + here::text(files.stateDir) + " and what it holds");
    return said;
}

}  // namespace qdyn::cli::service
