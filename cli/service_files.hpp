// The files of the Windows service made reachable by the service's account and nobody else (the
// Windows twin of a mode 0600 file in a directory the service's user owns): what
// `qdyn service install` does after registering the service. Free of CLI11, like
// service_host.hpp, so service_files_windows.cpp cross-compiles and runs under Wine on its own.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "qdyn/result.hpp"

namespace qdyn::cli::service {

// The built-in accounts a service may run as. LocalSystem is SYSTEM, which every private list
// lets in: it needs no entry.
enum class ServiceAccount { LocalService, NetworkService, LocalSystem };

struct ServiceFiles {
    std::filesystem::path config;    // the profile file the service reads
    std::filesystem::path stateDir;  // the folder it keeps its state in
    // The profile file's folder is the service's own (the default, %ProgramData%\qdyn): the account
    // may read it and what it holds, so every file written there later lets it in too. Otherwise
    // (--config elsewhere, maybe a user's folder) only the file itself is granted, if it exists.
    bool grantConfigFolder = true;
    ServiceAccount account = ServiceAccount::LocalService;
};

// Creates the profile file's folder and the state folder if missing, and grants the account:
// read on the profile file's folder (inherited by what it holds) when grantConfigFolder, read on
// the profile file if it exists (an explicit entry: the file's list may be protected from the
// folder's), and change on the state folder (inherited). Entries already there are kept. The
// lines returned say what was granted, or what the administrator must still do.
Result<std::vector<std::string>> prepareServiceFiles(const ServiceFiles& files);

// "LocalService", "NetworkService", "LocalSystem".
const char* accountName(ServiceAccount account);

}  // namespace qdyn::cli::service
