// `qdyn service install`'s preparation of the service's files, run under Wine
// (cli/service_files_windows.cpp): the folders made, the service's account granted read on the
// profile file's folder and file and change on the state folder, and a profile file of secrets
// written there afterwards still private and readable by its writer. Wine 8 keeps no access lists
// of its own (it shows a file's Unix mode as one), so whether the entries are there is checked
// only where lists are kept; that every call succeeds, or fails with a message, is checked here.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "checks.hpp"
#include "qdyn/private_file.hpp"
#include "service_files.hpp"

// After qdyn's headers: <windows.h> defines IN as an empty macro.
#include "qdyn/windows_text.hpp"
// clang-format off
#include <aclapi.h>
// clang-format on

namespace qdyn::windows_test {

namespace {

namespace fs = std::filesystem;
namespace service = qdyn::cli::service;

std::string contentOf(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string joined(const std::vector<std::string>& lines) {
    std::string all;
    for (const auto& line : lines) all += (all.empty() ? "" : " | ") + line;
    return all;
}

// Whether the list of `path` has an allow entry for the well-known `type` (inherited by what a
// folder holds when `inheritable`); nothing when the list cannot be read.
std::optional<bool> lets(const fs::path& path, WELL_KNOWN_SID_TYPE type, bool inheritable) {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    PACL dacl = nullptr;
    if (::GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl,
                                nullptr, &descriptor) != ERROR_SUCCESS) {
        return std::nullopt;
    }
    bool found = false;
    for (DWORD index = 0; dacl != nullptr && index < dacl->AceCount && !found; ++index) {
        void* entry = nullptr;
        if (::GetAce(dacl, index, &entry) == FALSE) continue;
        const auto* header = static_cast<const ACE_HEADER*>(entry);
        if (header->AceType != ACCESS_ALLOWED_ACE_TYPE) continue;
        const bool inherits = (header->AceFlags & (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE)) ==
                              (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE);
        found = ::IsWellKnownSid(&static_cast<ACCESS_ALLOWED_ACE*>(entry)->SidStart, type) != FALSE &&
                (!inheritable || inherits);
    }
    ::LocalFree(descriptor);
    return found;
}

}  // namespace

void checkServiceFiles(const std::string& scratch) {
    const fs::path root = fs::path(scratch) / "service";
    std::error_code ignored;
    fs::remove_all(root, ignored);
    fs::create_directories(root);

    // The default: %ProgramData%\qdyn and its state folder, neither there yet.
    service::ServiceFiles files{root / "qdyn" / "profiles.toml", root / "qdyn" / "state", true,
                                service::ServiceAccount::LocalService};
    auto prepared = service::prepareServiceFiles(files);
    const std::string said = prepared.ok() ? joined(*prepared) : prepared.message();
    check(prepared.ok() && fs::is_directory(root / "qdyn") && fs::is_directory(root / "qdyn" / "state"),
          "service install makes the profile file's folder and the state folder", said);
    check(prepared.ok() &&
              contains(said, "granted LocalService (S-1-5-19) read on " + narrow((root / "qdyn").native())) &&
              contains(said, "granted LocalService (S-1-5-19) change on " + narrow((root / "qdyn" / "state").native())),
          "and says what it granted LocalService on each", said);
    const auto folderLets = lets(root / "qdyn", WinLocalServiceSid, true);
    const bool listsKept = folderLets.value_or(false);
    if (listsKept) {
        check(lets(root / "qdyn" / "state", WinLocalServiceSid, true).value_or(false),
              "the state folder lets LocalService in, inherited by what it holds");
    } else {
        std::printf(
            "note the folders keep no LocalService entry here (Wine keeps no access lists): the grants "
            "succeeded, what they grant is not checked\n");
    }

    // A profile file of secrets written there afterwards: private, the writer reads it, and
    // LocalService (from the folder) reads it too.
    const fs::path profiles = files.config;
    auto written = replaceFileAtomically(profiles, "password = \"s3cret\"\n");
    auto private_ = written.ok() ? checkPrivateFile(profiles, "a password") : written;
    check(written.ok() && contentOf(profiles) == "password = \"s3cret\"\n" && private_.ok(),
          "a profile file written into the prepared folder is private and its writer reads it",
          !written.ok()   ? written.message()
          : private_.ok() ? ""
                          : private_.message());
    if (listsKept) {
        check(lets(profiles, WinLocalServiceSid, false).value_or(false), "and LocalService may read it (the folder's)");
    }

    // Again with the file there: the file gets its own entry, and stays private and readable.
    prepared = service::prepareServiceFiles(files);
    private_ = checkPrivateFile(profiles, "a password");
    check(prepared.ok() && contains(joined(*prepared), "read on " + narrow(profiles.native())) && private_.ok() &&
              contentOf(profiles) == "password = \"s3cret\"\n",
          "run again, it grants read on the existing profile file too, which stays private",
          prepared.ok() ? (private_.ok() ? joined(*prepared) : private_.message()) : prepared.message());

    // A profile file elsewhere, not written yet: nothing granted, and the icacls for later said.
    service::ServiceFiles elsewhere{root / "user" / "mine.toml", root / "user-state", false,
                                    service::ServiceAccount::NetworkService};
    prepared = service::prepareServiceFiles(elsewhere);
    check(prepared.ok() && contains(joined(*prepared), "nothing granted on") &&
              contains(joined(*prepared), "/grant *S-1-5-20:R") &&
              contains(joined(*prepared), "NetworkService (S-1-5-20) change"),
          "a profile file elsewhere that is not there yet: its folder is left alone, the icacls for later is said",
          prepared.ok() ? joined(*prepared) : prepared.message());

    service::ServiceFiles system{root / "system" / "profiles.toml", root / "system" / "state", true,
                                 service::ServiceAccount::LocalSystem};
    prepared = service::prepareServiceFiles(system);
    check(prepared.ok() && fs::is_directory(root / "system" / "state") &&
              contains(joined(*prepared), "no access granted"),
          "LocalSystem needs no entry: the folders are made, nothing granted",
          prepared.ok() ? joined(*prepared) : prepared.message());

    // A file where the state folder should be: an error naming it, nothing crashes.
    std::ofstream(root / "blocked").put('x');
    service::ServiceFiles blocked{root / "qdyn" / "profiles.toml", root / "blocked", true,
                                  service::ServiceAccount::LocalService};
    prepared = service::prepareServiceFiles(blocked);
    check(!prepared.ok() && contains(prepared.message(), "is there but is not a folder"),
          "a file in the state folder's place is an error naming it",
          prepared.ok() ? joined(*prepared) : prepared.message());
}

}  // namespace qdyn::windows_test
