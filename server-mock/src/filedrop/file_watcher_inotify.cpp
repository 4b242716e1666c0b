// The Linux watcher: inotify on the DIRECTORY of each address file, so a file that is created,
// written, renamed into place or removed after the start is seen at once (a watch on the file
// itself would miss all but the first). A directory that does not exist yet is retried every
// poll interval until it appears; every poll interval the stat poller also runs as a safety net.
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "filedrop/file_watcher.hpp"
#include "log.hpp"

namespace qdyn::server::filedrop {

namespace {

// What happens to a directory entry that may change an address file; IN_ATTRIB: a file that
// was unreadable may have become readable.
constexpr std::uint32_t kEntryEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB;
// The directory itself going away: its watch is dead, the directory is looked for again.
constexpr std::uint32_t kSelfEvents = IN_DELETE_SELF | IN_MOVE_SELF;

class Fd {
public:
    explicit Fd(int fd = -1) noexcept : m_fd(fd) {}
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd& operator=(Fd&&) = delete;
    ~Fd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    [[nodiscard]] int get() const noexcept { return m_fd; }

private:
    int m_fd;
};

class InotifyWatcher final : public FileWatcher {
public:
    InotifyWatcher(Fd inotify, Fd wakeup, std::vector<std::filesystem::path> files, std::chrono::milliseconds interval)
        : m_inotify(std::move(inotify)),
          m_wakeup(std::move(wakeup)),
          m_poller(files),
          m_interval(interval),
          m_nextCheck(std::chrono::steady_clock::now() + interval) {
        std::map<std::filesystem::path, std::size_t> byPath;
        for (std::size_t i = 0; i < files.size(); ++i) {
            auto directory = files[i].parent_path();
            if (directory.empty()) directory = ".";
            auto [at, added] = byPath.emplace(directory, m_directories.size());
            if (added) m_directories.push_back({directory, -1, {}});
            m_directories[at->second].files.emplace_back(files[i].filename().string(), i);
        }
        std::vector<std::size_t> ignored;
        watchMissing(ignored);  // the service reads every file once after this anyway
    }

    std::vector<std::size_t> wait(std::chrono::milliseconds timeout) override {
        std::vector<std::size_t> changed;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto now = std::chrono::steady_clock::now();
            if (now >= m_nextCheck) {
                m_nextCheck = now + m_interval;
                watchMissing(changed);
                for (auto index : m_poller.changed()) changed.push_back(index);
            }
            if (!changed.empty() || now >= deadline) return changed;
            const auto until = std::min(deadline, m_nextCheck);
            const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
            std::array<pollfd, 2> fds{{{m_inotify.get(), POLLIN, 0}, {m_wakeup.get(), POLLIN, 0}}};
            const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(ms));
            if (ready < 0 && errno != EINTR) {
                logLine(std::string("file drop: poll: ") + std::strerror(errno));
                return changed;
            }
            if ((fds[1].revents & POLLIN) != 0) {
                std::uint64_t count = 0;
                static_cast<void>(::read(m_wakeup.get(), &count, sizeof count));
                return changed;
            }
            if ((fds[0].revents & POLLIN) != 0) readEvents(changed);
        }
    }

    void wake() override {
        const std::uint64_t one = 1;
        static_cast<void>(::write(m_wakeup.get(), &one, sizeof one));
    }

    [[nodiscard]] const char* kind() const noexcept override { return "inotify"; }

private:
    struct Directory {
        std::filesystem::path path;
        int wd = -1;  // -1: not watched (missing, or gone since)
        std::vector<std::pair<std::string, std::size_t>> files;  // file name in it, index
    };

    // Adds a watch to every directory without one; a directory that appears may already hold
    // its files, so they all count as changed.
    void watchMissing(std::vector<std::size_t>& changed) {
        for (std::size_t d = 0; d < m_directories.size(); ++d) {
            auto& directory = m_directories[d];
            if (directory.wd >= 0) continue;
            const int wd = ::inotify_add_watch(m_inotify.get(), directory.path.c_str(),
                                               kEntryEvents | kSelfEvents | IN_ONLYDIR);
            if (wd < 0) {
                // Missing is normal (a home directory made later); anything else is worth a line,
                // once per directory.
                if (errno != ENOENT && errno != ENOTDIR && m_warned.emplace(directory.path.string()).second) {
                    logLine("file drop: cannot watch " + directory.path.string() + ": " + std::strerror(errno) +
                            " (retried every poll interval)");
                }
                continue;
            }
            directory.wd = wd;
            m_byWatch[wd] = d;
            for (const auto& [name, index] : directory.files) changed.push_back(index);
        }
    }

    void readEvents(std::vector<std::size_t>& changed) {
        alignas(inotify_event) std::array<char, 16384> buffer{};
        for (;;) {
            const auto got = ::read(m_inotify.get(), buffer.data(), buffer.size());
            if (got <= 0) return;  // EAGAIN: drained (the descriptor is non-blocking)
            for (std::size_t at = 0; at + sizeof(inotify_event) <= static_cast<std::size_t>(got);) {
                inotify_event event{};
                std::memcpy(&event, buffer.data() + at, sizeof event);
                const char* name = buffer.data() + at + sizeof event;
                handle(event, event.len > 0 ? std::string(name, ::strnlen(name, event.len)) : std::string(), changed);
                at += sizeof event + event.len;
            }
        }
    }

    void handle(const inotify_event& event, const std::string& name, std::vector<std::size_t>& changed) {
        if ((event.mask & IN_Q_OVERFLOW) != 0) {  // events were lost: every file may have changed
            for (const auto& directory : m_directories) {
                for (const auto& [file, index] : directory.files) changed.push_back(index);
            }
            return;
        }
        const auto found = m_byWatch.find(event.wd);
        if (found == m_byWatch.end()) return;
        auto& directory = m_directories[found->second];
        if ((event.mask & (kSelfEvents | IN_IGNORED)) != 0) {
            // Gone or moved: the watch no longer means this path. Its files count as changed
            // (they are gone too), and the directory is looked for again at the next check.
            if ((event.mask & IN_IGNORED) == 0) ::inotify_rm_watch(m_inotify.get(), event.wd);
            m_byWatch.erase(found);
            directory.wd = -1;
            for (const auto& [file, index] : directory.files) changed.push_back(index);
            return;
        }
        for (const auto& [file, index] : directory.files) {
            if (file == name) changed.push_back(index);
        }
    }

    Fd m_inotify;
    Fd m_wakeup;
    StatPoller m_poller;
    std::chrono::milliseconds m_interval;
    std::chrono::steady_clock::time_point m_nextCheck;
    std::vector<Directory> m_directories;
    std::unordered_map<int, std::size_t> m_byWatch;
    std::set<std::string> m_warned;
};

}  // namespace

std::unique_ptr<FileWatcher> makeInotifyWatcher(std::vector<std::filesystem::path> files,
                                                std::chrono::milliseconds pollInterval) {
    Fd inotify(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (inotify.get() < 0) {
        logLine(std::string("file drop: inotify_init1: ") + std::strerror(errno));
        return nullptr;
    }
    Fd wakeup(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (wakeup.get() < 0) {
        logLine(std::string("file drop: eventfd: ") + std::strerror(errno));
        return nullptr;
    }
    return std::make_unique<InotifyWatcher>(std::move(inotify), std::move(wakeup), std::move(files), pollInterval);
}

}  // namespace qdyn::server::filedrop
