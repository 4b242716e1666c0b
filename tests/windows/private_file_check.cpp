// core's private files on Windows, run under Wine (private_file_windows.cpp): the atomic
// replacement with the access list each option asks for, read back with GetNamedSecurityInfoW;
// the private list made from a folder's (as text, which Wine can check although its files keep
// no lists);
// the refusal of a file that other users may read, after `icacls` (or the same grant made by
// hand, where Wine's icacls is a stub) lets Users read it; the file drop's file:///C:/ names.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "checks.hpp"
#include "command_runner.hpp"
#include "qdyn/private_file.hpp"
#include "qdyn/protocols/file_drop.hpp"

// After qdyn's headers: <windows.h> defines IN as an empty macro.
#include "qdyn/windows_text.hpp"
// clang-format off
#include <aclapi.h>
#include <sddl.h>
// clang-format on

namespace qdyn::windows_test {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string contentOf(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::size_t entriesIn(const fs::path& dir) {
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++entries;
    return entries;
}

// What GetNamedSecurityInfoW says of a file's access list: its SDDL (for the report), whether it
// is protected from the folder's, and which of these groups it lets in.
struct AccessListSeen {
    bool read = false;  // GetNamedSecurityInfoW answered
    bool present = false;
    bool isProtected = false;
    bool everyone = false;  // Everyone, Users or Authenticated Users
    bool networkService = false;
    bool users = false;
    std::string sddl;
};

AccessListSeen accessListOf(const fs::path& path) {
    AccessListSeen seen;
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    PACL dacl = nullptr;
    if (::GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl,
                                nullptr, &descriptor) != ERROR_SUCCESS) {
        return seen;
    }
    seen.read = true;
    seen.present = dacl != nullptr;
    SECURITY_DESCRIPTOR_CONTROL control = 0;
    DWORD revision = 0;
    if (::GetSecurityDescriptorControl(descriptor, &control, &revision) != FALSE) {
        seen.isProtected = (control & SE_DACL_PROTECTED) != 0;
    }
    for (DWORD index = 0; dacl != nullptr && index < dacl->AceCount; ++index) {
        void* entry = nullptr;
        if (::GetAce(dacl, index, &entry) == FALSE) continue;
        if (static_cast<const ACE_HEADER*>(entry)->AceType != ACCESS_ALLOWED_ACE_TYPE) continue;
        PSID sid = &static_cast<ACCESS_ALLOWED_ACE*>(entry)->SidStart;
        seen.users = seen.users || ::IsWellKnownSid(sid, WinBuiltinUsersSid) != FALSE;
        seen.everyone = seen.everyone || seen.users || ::IsWellKnownSid(sid, WinWorldSid) != FALSE ||
                        ::IsWellKnownSid(sid, WinAuthenticatedUserSid) != FALSE;
        seen.networkService = seen.networkService || ::IsWellKnownSid(sid, WinNetworkServiceSid) != FALSE;
    }
    LPWSTR text = nullptr;
    if (::ConvertSecurityDescriptorToStringSecurityDescriptorW(descriptor, SDDL_REVISION_1, DACL_SECURITY_INFORMATION,
                                                               &text, nullptr) != FALSE) {
        seen.sddl = narrow(text);
        ::LocalFree(text);
    }
    ::LocalFree(descriptor);
    return seen;
}

// A file with the access list `sddl` and the content "old", made anew: the list given to
// CreateFileW is ignored for a file that exists.
bool makeFile(const fs::path& path, const wchar_t* sddl) {
    ::DeleteFileW(path.c_str());
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    if (::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, SDDL_REVISION_1, &descriptor, nullptr) == FALSE) {
        return false;
    }
    SECURITY_ATTRIBUTES security{sizeof(SECURITY_ATTRIBUTES), descriptor, FALSE};
    const HANDLE file =
        ::CreateFileW(path.c_str(), GENERIC_WRITE, 0, &security, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    ::LocalFree(descriptor);
    if (file == INVALID_HANDLE_VALUE) return false;
    DWORD wrote = 0;
    const bool written = ::WriteFile(file, "old", 3, &wrote, nullptr) != FALSE && wrote == 3;
    ::CloseHandle(file);
    return written;
}

// What `icacls PATH /grant Users:R` does: an entry that lets Users read, added to the list.
bool grantUsersRead(const fs::path& path) {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    PACL dacl = nullptr;
    if (::GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl,
                                nullptr, &descriptor) != ERROR_SUCCESS) {
        return false;
    }
    BYTE usersSid[SECURITY_MAX_SID_SIZE];
    DWORD sidSize = sizeof usersSid;
    EXPLICIT_ACCESS_W grant{};
    PACL changed = nullptr;
    bool granted = ::CreateWellKnownSid(WinBuiltinUsersSid, nullptr, usersSid, &sidSize) != FALSE;
    if (granted) {
        grant.grfAccessPermissions = FILE_GENERIC_READ;
        grant.grfAccessMode = GRANT_ACCESS;
        grant.grfInheritance = NO_INHERITANCE;
        grant.Trustee.TrusteeForm = TRUSTEE_IS_SID;
        grant.Trustee.TrusteeType = TRUSTEE_IS_WELL_KNOWN_GROUP;
        grant.Trustee.ptstrName = static_cast<LPWSTR>(static_cast<void*>(usersSid));
        granted = ::SetEntriesInAclW(1, &grant, dacl, &changed) == ERROR_SUCCESS &&
                  ::SetNamedSecurityInfoW(const_cast<wchar_t*>(path.c_str()), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                                          nullptr, nullptr, changed, nullptr) == ERROR_SUCCESS;
    }
    if (changed != nullptr) ::LocalFree(changed);
    ::LocalFree(descriptor);
    return granted;
}

// Lists a rewrite must keep: the private one plus Network Service (an administrator let a
// service's account in), and one that lets Everyone read.
constexpr const wchar_t* kServiceList = L"D:P(A;;FA;;;OW)(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;NS)";
constexpr const wchar_t* kEveryoneReads = L"D:P(A;;FA;;;OW)(A;;FA;;;SY)(A;;FR;;;WD)";
constexpr const wchar_t* kOwnerOnly = L"D:P(A;;FA;;;OW)(A;;FA;;;SY)";

// Whether files keep the access list they are given. Wine 8 keeps none: it shows a file's Unix
// mode as a list (SYSTEM, the owner, Everyone for the other bits), so only what a mode can say
// (Everyone's read, nobody else's) survives there.
bool keepsAccessLists(const fs::path& dir) {
    const fs::path probe = dir / "probe.toml";
    const bool kept = makeFile(probe, kServiceList) && accessListOf(probe).networkService;
    std::error_code ignored;
    fs::remove(probe, ignored);
    if (!kept) {
        std::printf("note files here keep no access list of their own (Wine shows the Unix mode as one): the checks "
                    "use Everyone's read, which a mode can carry, and skip the rest\n");
    }
    return kept;
}

void replacement(const fs::path& dir, bool listsKept) {
    const fs::path secret = dir / "profiles.toml";
    auto written = replaceFileAtomically(secret, "password = \"one\"\n");
    auto seen = accessListOf(secret);
    check(written.ok() && contentOf(secret) == "password = \"one\"\n", "a new file of secrets is written",
          written.ok() ? contentOf(secret) : written.message());
    check(seen.read && seen.present && !seen.everyone, "it gets a private access list, with no Everyone or Users entry",
          seen.sddl);
    if (listsKept) check(seen.isProtected, "protected from the folder's list", seen.sddl);
    auto private_ = checkPrivateFile(secret, "a password");
    check(private_.ok(), "checkPrivateFile accepts it", private_.ok() ? "" : private_.message());
    check(entriesIn(dir) == 1, "no temporary file is left beside it", std::to_string(entriesIn(dir)) + " entries");

    written = replaceFileAtomically(secret, std::string(100000, 'x'));
    check(written.ok() && contentOf(secret) == std::string(100000, 'x') && entriesIn(dir) == 1,
          "replacing it writes the new content whole and leaves no temporary file",
          std::to_string(entriesIn(dir)) + " entries in the folder");

    // An existing file keeps its list even when it is not private: the writer does not decide
    // that for an administrator (the privacy check refuses such a file where it matters).
    const fs::path shared = dir / "shared.toml";
    bool made = makeFile(shared, kEveryoneReads);
    written = replaceFileAtomically(shared, "new\n");
    seen = accessListOf(shared);
    check(made && written.ok() && contentOf(shared) == "new\n" && seen.everyone,
          "an existing file keeps its own access list (Everyone's read stays)",
          written.ok() ? seen.sddl : written.message());
    if (listsKept) {
        const fs::path service = dir / "service.toml";
        made = makeFile(service, kServiceList);
        written = replaceFileAtomically(service, "new\n");
        seen = accessListOf(service);
        check(made && written.ok() && seen.networkService && seen.isProtected,
              "an existing file keeps its own access list (a service's account stays in)",
              written.ok() ? seen.sddl : written.message());
    }
    FileReplaceOptions privateOptions;
    privateOptions.forcedMode = 0600;
    privateOptions.accessList = AccessList::Private;
    written = replaceFileAtomically(shared, "private\n", privateOptions);
    seen = accessListOf(shared);
    check(written.ok() && contentOf(shared) == "private\n" && !seen.everyone && (seen.isProtected || !listsKept),
          "AccessList::Private replaces the old list by the private one", written.ok() ? seen.sddl : written.message());

    fs::create_directory(dir / "folder.toml");
    written = replaceFileAtomically(dir / "folder.toml", "x");
    check(!written.ok() && contains(written.message(), "not a regular file") && fs::is_directory(dir / "folder.toml"),
          "a folder in the file's place is refused", written.ok() ? "written" : written.message());
    const std::size_t before = entriesIn(dir);
    written = replaceFileAtomically(dir / "missing" / "profiles.toml", "x");
    check(!written.ok() && contains(written.message(), "missing") && entriesIn(dir) == before,
          "a folder that does not exist is an error naming it, and leaves nothing",
          written.ok() ? "written" : written.message());
    check(privateFileWords() == "private to you", "`qdyn import` says \"private to you\", not a mode",
          std::string(privateFileWords()));
}

// The private list made from a folder's (privateAccessListFor, what replaceFileAtomically sets on
// a new file of secrets): checked as text, so it runs where files keep no lists (Wine) too.
void privateListFromFolder() {
    // What a new file in %ProgramData%\qdyn inherits after `qdyn service install`: SYSTEM, the
    // Administrators, its creator, Users' read and LocalService's read.
    const auto service = privateAccessListFor(
        "D:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;FA;;;S-1-5-21-1-2-3-1001)(A;ID;0x1200a9;;;BU)(A;ID;0x1200a9;;;LS)");
    const std::string list = service.ok() ? *service : service.message();
    check(service.ok() && list.rfind("D:P", 0) == 0 && contains(list, "(A;;FA;;;SY)") &&
              contains(list, "(A;;FA;;;BA)") && contains(list, "(A;;FA;;;S-1-5-21-1-2-3-1001)") &&
              contains(list, ";;;LS)") && !contains(list, "BU") && !contains(list, "ID") &&
              contains(list, "(A;;FA;;;OW)"),
          "a private file gets its folder's list without Users, protected, the service's account and the owner in",
          list);
    const auto everyone =
        privateAccessListFor("D:(A;;FA;;;WD)(A;;FR;;;BU)(A;;FR;;;AU)(A;;FR;;;BG)(A;;FR;;;AN)(A;;FA;;;SY)");
    check(everyone.ok() && *everyone == "D:P(A;;FA;;;SY)(A;;FA;;;OW)",
          "Everyone, Users, Authenticated Users, Guests and anonymous logons are left out",
          everyone.ok() ? *everyone : everyone.message());
    const auto denied =
        privateAccessListFor("D:(A;;FA;;;SY)(A;OICIIO;FA;;;CO)(A;;FR;;;OW)(D;ID;FA;;;S-1-5-21-1-2-3-1002)");
    check(denied.ok() && *denied == "D:P(D;;FA;;;S-1-5-21-1-2-3-1002)(A;;FA;;;SY)(A;;FA;;;OW)",
          "denials are kept and come first; entries only for what a folder holds and the owner's own are dropped",
          denied.ok() ? *denied : denied.message());
    const auto garbage = privateAccessListFor("not a list");
    check(!garbage.ok(), "text that is no access list is an error", garbage.ok() ? *garbage : garbage.message());
}

// The file drop's file holds no secret: a new file gets the folder's list, an old one keeps its.
void dropFile(const fs::path& dir, bool listsKept) {
    const fs::path drop = dir / "dynamicdns";
    auto written = filedrop::replaceFile(drop, "203.0.113.7\n");
    auto seen = accessListOf(drop);
    check(written.ok() && contentOf(drop) == "203.0.113.7\n" && seen.read && !seen.isProtected,
          "a new address file is written with the folder's access list", written.ok() ? seen.sddl : written.message());
    // The folder's list lets Everyone read here (Wine: the umask's mode); the old file's did not.
    const bool made = makeFile(drop, kOwnerOnly);
    written = filedrop::replaceFile(drop, "198.51.100.1\n");
    seen = accessListOf(drop);
    check(made && written.ok() && contentOf(drop) == "198.51.100.1\n" && !seen.everyone &&
              (seen.isProtected || !listsKept),
          "an existing address file keeps its own access list", written.ok() ? seen.sddl : written.message());
}

// A Windows symbolic link (Wine shows a plain Unix link as the file it points to): the file it
// leads to is replaced and the link stays.
void throughALink(const fs::path& dir) {
    const fs::path target = dir / "target.toml";
    (void)replaceFileAtomically(target, "old\n");
    const fs::path link = dir / "link.toml";
    const bool linked = ::CreateSymbolicLinkW(link.c_str(), target.c_str(),
                                              SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE) != FALSE;
    if (linked && ::GetFileAttributesW(link.c_str()) == INVALID_FILE_ATTRIBUTES) {
        std::printf("SKIP a file replaced through a symbolic link: this Wine cannot make a Windows symbolic link "
                    "(CreateSymbolicLinkW made nothing); tests/unit's ProfileWriter and AccountsFileIo tests cover "
                    "the POSIX link\n");
        return;
    }
    const auto written = replaceFileAtomically(link, "new\n");
    check(linked && written.ok() && fs::is_symlink(link) && contentOf(target) == "new\n",
          "through a symbolic link the file it leads to is replaced and the link stays",
          !linked ? "CreateSymbolicLink: " + systemErrorText(::GetLastError())
                  : (written.ok() ? contentOf(target) : written.message()));
}

// The system's icacls.exe.
std::string icaclsPath() {
    wchar_t system[MAX_PATH] = {};
    const UINT length = ::GetSystemDirectoryW(system, MAX_PATH);
    return narrow(std::wstring_view(system, length)) + "\\icacls.exe";
}

void privacyCheck(const fs::path& dir, bool listsKept) {
    const fs::path shared = dir / "shared.toml";
    (void)replaceFileAtomically(shared, "password = \"two\"\n");
    // icacls, as the user would run it; Wine's icacls is a stub that changes nothing, and then
    // the same entry is added by hand.
    const auto icacls = detect::runCommand({icaclsPath(), narrow(shared.native()), "/grant", "Users:R"}, 20s, 4096);
    bool granted = accessListOf(shared).users;
    if (!granted) {
        const std::string ran = icacls.ok() ? "exit status " + std::to_string(icacls->exitCode) : icacls.message();
        std::printf("note icacls /grant Users:R changed nothing here (%s; Wine's icacls is a stub): the same entry is "
                    "added with SetEntriesInAclW\n",
                    ran.c_str());
        granted = grantUsersRead(shared);
    }
    // Wine shows the grant as Everyone's, the other bits of the mode it became.
    const auto refused = checkPrivateFile(shared, "a password");
    const std::string group = listsKept ? "Users" : "Everyone";
    check(granted && !refused.ok() && contains(refused.message(), "holds a password but other users can read it") &&
              contains(refused.message(), "lets " + group) && contains(refused.message(), "icacls"),
          "a file Users may read is refused, naming the group and the icacls that fixes it",
          granted ? (refused.ok() ? "accepted: " + accessListOf(shared).sddl : refused.message()) : "could not grant");
    check(!refused.ok() && contains(refused.message(), "fix it with: icacls \"" + narrow(shared.native()) + "\"") &&
              contains(refused.message(), "/inheritance:r") && contains(refused.message(), "*S-1-5-32-544:F") &&
              contains(refused.message(), "*S-1-5-19:R"),
          "the icacls names the groups by SID and the service's LocalService", refused.ok() ? "" : refused.message());

    const fs::path open = dir / "open.toml";
    const bool made = makeFile(open, L"D:P(A;;FA;;;OW)(A;;FA;;;WD)");
    const auto changeable = checkPrivateFile(open, "password hashes and TSIG secrets");
    if (listsKept) {
        check(made && !changeable.ok() && contains(changeable.message(), "other users can read and change it") &&
                  contains(changeable.message(), "Everyone"),
              "a file Everyone may change is refused as readable and changeable",
              made ? (changeable.ok() ? "accepted" : changeable.message()) : "could not make the file");
    } else {
        check(made && !changeable.ok() && contains(changeable.message(), "Everyone"),
              "a file Everyone may use is refused", changeable.ok() ? "accepted" : changeable.message());
        std::printf("SKIP a file Everyone may change is called changeable: Wine gives Everyone no write to a file "
                    "(its list shows the mode, %s)\n",
                    accessListOf(open).sddl.c_str());
    }
    const auto missing = checkPrivateFile(dir / "missing.toml", "a password");
    check(!missing.ok(), "a file that is not there cannot be called private",
          missing.ok() ? "accepted" : missing.message());
}

void fileUrls() {
    const auto drive = filedrop::fileOf("file:///C:/dyn/john", "");
    check(drive.ok() && *drive == fs::path("C:/dyn/john"), "file:///C:/dyn/john names C:/dyn/john",
          drive.ok() ? narrow(drive->native()) : drive.message());
    const auto local = filedrop::fileOf("file://localhost/d:/dyn/john", "");
    check(local.ok() && *local == fs::path("d:/dyn/john"), "file://localhost/d:/dyn/john names d:/dyn/john",
          local.ok() ? narrow(local->native()) : local.message());
    const auto rootless = filedrop::fileOf("file:///dyn/john", "");
    const auto driveOnly = filedrop::fileOf("file:///C:/", "");
    const auto relative = filedrop::fileOf("file:///C:dyn", "");
    check(!rootless.ok() && !driveOnly.ok() && !relative.ok(),
          "without a drive, without a file name, or relative to a drive's folder, a name is refused",
          rootless.ok()    ? "accepted /dyn/john"
          : driveOnly.ok() ? "accepted C:/"
          : relative.ok()  ? "accepted C:dyn"
                           : "");
}

}  // namespace

void checkPrivateFiles(const std::string& scratch) {
    const fs::path dir = fs::path(scratch) / "private";
    fs::create_directories(dir / "replace");
    fs::create_directories(dir / "drop");
    fs::create_directories(dir / "link");
    fs::create_directories(dir / "check");
    const bool listsKept = keepsAccessLists(dir);
    replacement(dir / "replace", listsKept);
    dropFile(dir / "drop", listsKept);
    throughALink(dir / "link");
    privacyCheck(dir / "check", listsKept);
    privateListFromFolder();
    fileUrls();
}

}  // namespace qdyn::windows_test
