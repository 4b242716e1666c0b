// The portable watcher: stat every file each poll interval. Also the factory that picks the
// watcher for the platform and the configuration.
#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "filedrop/file_watcher.hpp"
#include "log.hpp"

namespace qdyn::server::filedrop {

namespace {

class PollWatcher final : public FileWatcher {
public:
    PollWatcher(std::vector<std::filesystem::path> files, std::chrono::milliseconds interval)
        : m_poller(std::move(files)), m_interval(interval), m_next(std::chrono::steady_clock::now() + interval) {}

    std::vector<std::size_t> wait(std::chrono::milliseconds timeout) override {
        const auto deadline = std::min(std::chrono::steady_clock::now() + timeout, m_next);
        {
            std::unique_lock lock(m_mutex);
            m_wakeup.wait_until(lock, deadline, [this] { return m_woken; });
            if (m_woken) {
                m_woken = false;
                return {};
            }
        }
        const auto now = std::chrono::steady_clock::now();
        if (now < m_next) return {};
        m_next = now + m_interval;
        return m_poller.changed();
    }

    void wake() override {
        {
            const std::lock_guard lock(m_mutex);
            m_woken = true;
        }
        m_wakeup.notify_all();
    }

    [[nodiscard]] const char* kind() const noexcept override { return "poll"; }

private:
    StatPoller m_poller;
    std::chrono::milliseconds m_interval;
    std::chrono::steady_clock::time_point m_next;
    std::mutex m_mutex;
    std::condition_variable m_wakeup;
    bool m_woken = false;
};

}  // namespace

StatPoller::StatPoller(std::vector<std::filesystem::path> files) : m_files(std::move(files)) {
    m_seen.reserve(m_files.size());
    for (const auto& file : m_files) m_seen.push_back(fileSignature(file));
}

std::vector<std::size_t> StatPoller::changed() {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < m_files.size(); ++i) {
        auto now = fileSignature(m_files[i]);
        if (now == m_seen[i]) continue;
        m_seen[i] = now;
        out.push_back(i);
    }
    return out;
}

std::unique_ptr<FileWatcher> makePollWatcher(std::vector<std::filesystem::path> files,
                                             std::chrono::milliseconds pollInterval) {
    return std::make_unique<PollWatcher>(std::move(files), pollInterval);
}

std::unique_ptr<FileWatcher> makeFileWatcher(FileDropOptions::Watcher kind, std::vector<std::filesystem::path> files,
                                             std::chrono::milliseconds pollInterval) {
#ifdef __linux__
    if (kind != FileDropOptions::Watcher::Poll) {
        if (auto watcher = makeInotifyWatcher(files, pollInterval)) return watcher;
        logLine("file drop: inotify is not available, polling every " +
                std::to_string(pollInterval.count() / 1000) + " s instead");
    }
#else
    static_cast<void>(kind);  // the parser allows inotify on Linux only
#endif
    return makePollWatcher(std::move(files), pollInterval);
}

}  // namespace qdyn::server::filedrop
