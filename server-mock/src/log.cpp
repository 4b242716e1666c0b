// Lines are gathered in memory and written by a small writer thread at most 10 ms later, in
// one write for all of them: under load the io thread logs one line per request and must not
// pay a system call for each. Lines stay whole and in order; what is pending is written when
// the process exits normally (a crash loses at most the last 10 ms of log).
#include "log.hpp"


#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace qdyn::server {

namespace {

class LogWriter {
public:
    static constexpr std::size_t kFlushAt = 64 * 1024;  // write at once past this much

    LogWriter() : m_thread([this] { run(); }) {}
    ~LogWriter() {
        {
            const std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }
    LogWriter(const LogWriter&) = delete;
    LogWriter& operator=(const LogWriter&) = delete;

    void append(std::string_view line) {
        bool full = false;
        {
            const std::lock_guard lock(m_mutex);
            m_pending.append(line);
            m_pending.push_back('\n');
            full = m_pending.size() >= kFlushAt;
        }
        if (full) m_wake.notify_one();
    }

private:
    void run() {
        std::string batch;
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_wake.wait_for(lock, std::chrono::milliseconds(10),
                            [this] { return m_stopping || m_pending.size() >= kFlushAt; });
            batch.swap(m_pending);
            const bool stopping = m_stopping;
            lock.unlock();
            writeAll(batch);
            batch.clear();
            lock.lock();
            if (stopping && m_pending.empty()) return;
        }
    }

    // stderr is unbuffered: each call is one write of the whole batch.
    static void writeAll(const std::string& text) {
        std::size_t done = 0;
        while (done < text.size()) {
            const std::size_t n = std::fwrite(text.data() + done, 1, text.size() - done, stderr);
            if (n == 0) return;  // stderr is gone: nothing better to do with a log line
            done += n;
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::string m_pending;
    bool m_stopping = false;
    std::thread m_thread;  // last: started once the members above exist
};

}  // namespace

void logLine(std::string_view line) {
    static LogWriter writer;
    writer.append(line);
}

}  // namespace qdyn::server
