// qdyn-server's Windows file handling, run under Wine: the accounts file (read, atomic replace,
// the private access list and its check, the lock), the careful read of an address file, and
// the polling watcher's file signature.
#include <atomic>
#include <cstdio>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "accounts/accounts_file.hpp"
#include "checks.hpp"
#include "filedrop/drop_file_reader.hpp"
#include "filedrop/file_watcher.hpp"

// After qdyn's headers: <windows.h> defines IN as an empty macro.
#include "qdyn/windows_text.hpp"
#include <sddl.h>

namespace qdyn::windows_test {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

void writeText(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// A file whose access list lets Everyone read it ("WD": the World SID).
bool makeWorldReadable(const fs::path& path) {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    if (::ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;;FA;;;OW)(A;;FR;;;WD)", SDDL_REVISION_1,
                                                               &descriptor, nullptr) == FALSE) {
        return false;
    }
    SECURITY_ATTRIBUTES security{sizeof(SECURITY_ATTRIBUTES), descriptor, FALSE};
    const HANDLE file = ::CreateFileW(path.c_str(), GENERIC_WRITE, 0, &security, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
    ::LocalFree(descriptor);
    if (file == INVALID_HANDLE_VALUE) return false;
    ::CloseHandle(file);
    return true;
}

void accountsFile(const fs::path& dir) {
    namespace accounts = qdyn::server::accounts;
    const fs::path path = dir / "accounts.toml";
    auto read = accounts::readAccountsFile(path);
    check(read.ok() && !read->has_value(), "a missing accounts file reads as none", read.ok() ? "" : read.message());

    auto written = accounts::writeAccountsFile(path, "first = 1\n");
    read = accounts::readAccountsFile(path);
    check(written.ok() && read.ok() && read->value_or("") == "first = 1\n", "the accounts file is written and read back",
          written.ok() ? (read.ok() ? read->value_or("-") : read.message()) : written.message());
    written = accounts::writeAccountsFile(path, std::string(100000, 'x'));
    read = accounts::readAccountsFile(path);
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++entries;
    check(written.ok() && read.ok() && read->value_or("").size() == 100000 && entries == 1,
          "writing it again replaces it whole and leaves no temporary file",
          std::to_string(entries) + " entries in the folder");

    const auto privacy = accounts::checkPrivate(path);
    check(privacy.ok(), "a file it wrote is private to its owner", privacy.ok() ? "" : privacy.message());
    const fs::path open = dir / "world-readable.toml";
    const bool made = makeWorldReadable(open);
    const auto refused = accounts::checkPrivate(open);
    check(made && !refused.ok() && contains(refused.message(), "holds password hashes and TSIG secrets") &&
              contains(refused.message(), "other users can read it") && contains(refused.message(), "icacls"),
          "a file Everyone may read is refused, with the icacls that fixes it",
          made ? (refused.ok() ? "accepted" : refused.message()) : "could not make the file");
    read = accounts::readAccountsFile(dir);
    check(!read.ok() && contains(read.message(), "not a regular file"), "a folder is not read as an accounts file",
          read.ok() ? "read" : read.message());

    // Two commands at once: the second waits for the first's lock.
    auto first = accounts::AccountsFileLock::acquire(path);
    check(first.ok(), "the accounts file's lock is taken", first.ok() ? "" : first.message());
    std::atomic<long long> waited{-1};
    std::thread second([&] {
        const auto start = std::chrono::steady_clock::now();
        auto lock = accounts::AccountsFileLock::acquire(path);
        waited = lock.ok() ? millisecondsSince(start) : -2;
    });
    std::this_thread::sleep_for(400ms);
    const bool stillWaiting = waited.load() == -1;
    { auto release = std::move(first); }
    second.join();
    check(stillWaiting && waited.load() >= 300, "a second taker waits until the first lets go",
          "waited " + std::to_string(waited.load()) + " ms");
    std::error_code ignored;  // the world-readable file may refuse deletion; the script's cleanup removes it
    fs::remove(open, ignored);
    fs::remove(path, ignored);
    fs::remove(dir / "accounts.toml.lock", ignored);
}

void dropFiles(const fs::path& dir) {
    namespace filedrop = qdyn::server::filedrop;
    auto read = filedrop::readDropFile(dir / "missing.txt");
    check(read.ok() && !read->has_value(), "a missing address file reads as none", read.ok() ? "" : read.message());
    writeText(dir / "address.txt", "203.0.113.7\n");
    read = filedrop::readDropFile(dir / "address.txt");
    check(read.ok() && read->value_or("") == "203.0.113.7\n", "an address file is read",
          read.ok() ? read->value_or("-") : read.message());
    writeText(dir / "large.txt", std::string(5000, '1'));
    read = filedrop::readDropFile(dir / "large.txt");
    check(!read.ok() && contains(read.message(), "larger than 4096"), "an oversized address file is refused unread",
          read.ok() ? "read" : read.message());
    fs::create_directory(dir / "folder.txt");
    read = filedrop::readDropFile(dir / "folder.txt");
    check(!read.ok() && contains(read.message(), "not a regular file"), "a folder is refused",
          read.ok() ? "read" : read.message());
    // A Windows symbolic link made here (Wine shows a plain Unix link as the file it points to).
    // Wine 8's CreateSymbolicLinkW says yes and makes nothing: then this check cannot run here,
    // and says so; a Wine that makes the link runs it.
    const fs::path link = dir / "link.txt";
    const bool linked = ::CreateSymbolicLinkW(link.c_str(), L"address.txt",
                                              SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE) != FALSE;
    if (linked && ::GetFileAttributesW(link.c_str()) == INVALID_FILE_ATTRIBUTES) {
        std::printf("SKIP a symbolic link is not followed: this Wine cannot make a Windows symbolic link "
                    "(CreateSymbolicLinkW made nothing); tests/unit's DropFileReader tests cover the POSIX reader\n");
        return;
    }
    read = filedrop::readDropFile(link);
    check(linked && !read.ok() && contains(read.message(), "symbolic link"), "a symbolic link is not followed",
          !linked ? "CreateSymbolicLink: " + systemErrorText(::GetLastError())
                  : (read.ok() ? read->value_or("-") : read.message()));
}

void fileSignatures(const fs::path& dir) {
    namespace filedrop = qdyn::server::filedrop;
    const fs::path path = dir / "watched.txt";
    const auto none = filedrop::fileSignature(path);
    writeText(path, "one");
    const auto first = filedrop::fileSignature(path);
    const auto again = filedrop::fileSignature(path);
    check(none == filedrop::StatPoller::Signature{} && first.size == 3 && first.inode != 0 && first == again,
          "a file's signature is its id and size, and stable while it is unchanged");
    writeText(path, "three");
    const auto grown = filedrop::fileSignature(path);
    writeText(dir / "replacement.txt", "three");
    fs::rename(dir / "replacement.txt", path);
    const auto replaced = filedrop::fileSignature(path);
    check(grown.size == 5 && !(grown == first) && replaced.inode != grown.inode,
          "a rewrite and a replacement by rename change it",
          "ids " + std::to_string(grown.inode) + " and " + std::to_string(replaced.inode));
}

}  // namespace

void checkServerFiles(const std::string& scratch) {
    const fs::path accountsDir = fs::path(scratch) / "accounts";
    fs::create_directories(accountsDir);
    accountsFile(accountsDir);
    dropFiles(fs::path(scratch) / "drop");
    fileSignatures(fs::path(scratch) / "drop");
}

}  // namespace qdyn::windows_test
