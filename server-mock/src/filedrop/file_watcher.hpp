// Tells the file-drop service which address files may have changed: inotify on the files'
// directories (Linux), or stat polling (everywhere). Both see files that appear after the start,
// including files renamed into place and files in directories created later.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "qdyn_server/config.hpp"

namespace qdyn::server::filedrop {

class FileWatcher {
public:
    FileWatcher() = default;
    FileWatcher(const FileWatcher&) = delete;
    FileWatcher& operator=(const FileWatcher&) = delete;
    virtual ~FileWatcher() = default;

    // Blocks until a watched file may have changed (created, written, renamed into place or
    // away, removed), `timeout` has passed, or wake() was called. Returns the indexes, into the
    // list the watcher was made with, of the files that may have changed: spurious entries are
    // allowed (the caller compares contents), missed changes are not.
    virtual std::vector<std::size_t> wait(std::chrono::milliseconds timeout) = 0;
    // From any thread: the current or next wait() returns at once.
    virtual void wake() = 0;
    // "inotify" or "poll", for the log.
    [[nodiscard]] virtual const char* kind() const noexcept = 0;
};

// Stats the files and reports those whose identity, size or times changed since the last call
// (or since construction). The polling watcher is this on a timer; the inotify watcher runs it
// as a safety net for what inotify cannot see (network file systems, a lost event).
class StatPoller {
public:
    explicit StatPoller(std::vector<std::filesystem::path> files);
    std::vector<std::size_t> changed();

    // What identifies one version of a file; a missing file is all zeros.
    struct Signature {
        std::uint64_t device = 0;
        std::uint64_t inode = 0;
        std::int64_t size = -1;
        std::int64_t mtimeNs = 0;
        std::int64_t ctimeNs = 0;
        std::uint32_t mode = 0;
        friend bool operator==(const Signature&, const Signature&) = default;
    };

private:
    std::vector<std::filesystem::path> m_files;
    std::vector<Signature> m_seen;
};

// The file's signature now, the link itself rather than its target (a link swapped for another
// is a change too; the service refuses links): lstat on POSIX (file_signature_posix.cpp), the
// file's id and times on Windows (file_signature_windows.cpp).
StatPoller::Signature fileSignature(const std::filesystem::path& path);

// `pollInterval` paces the polling watcher and inotify's safety net and retries of directories
// that do not exist yet. Auto is inotify on Linux; when inotify cannot be set up (no instances
// left) the watcher polls, and says so in the log.
std::unique_ptr<FileWatcher> makeFileWatcher(FileDropOptions::Watcher kind, std::vector<std::filesystem::path> files,
                                             std::chrono::milliseconds pollInterval);
std::unique_ptr<FileWatcher> makePollWatcher(std::vector<std::filesystem::path> files,
                                             std::chrono::milliseconds pollInterval);
#ifdef __linux__
// Null when inotify cannot be set up (the reason is logged).
std::unique_ptr<FileWatcher> makeInotifyWatcher(std::vector<std::filesystem::path> files,
                                                std::chrono::milliseconds pollInterval);
#endif

}  // namespace qdyn::server::filedrop
