// PollSource: interface snapshots every interval, differences pushed as changes.
#include "poll_monitor.hpp"

#include <utility>

namespace qdyn::netmon {

PollSource::PollSource(std::chrono::milliseconds interval, SnapshotFunction snapshot)
    : m_interval(interval), m_snapshot(std::move(snapshot)) {}

PollSource::~PollSource() {
    stop();
}

Result<void> PollSource::start(ChangeSink& sink) {
    auto first = m_snapshot();
    if (!first) return makeError("interface snapshot: " + first.message());
    normalize(*first);
    m_last = std::move(*first);
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = false;
    }
    m_thread = std::thread([this, &sink] { run(sink); });
    return {};
}

void PollSource::stop() {
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

void PollSource::pollOnce(ChangeSink& sink) {
    auto now = m_snapshot();
    // A failed snapshot says nothing about a change; the next interval tries again.
    if (!now) return;
    normalize(*now);
    if (m_last) {
        for (auto& change : diffSnapshots(*m_last, *now))
            sink.push(std::move(change));
    }
    m_last = std::move(*now);
}

void PollSource::run(ChangeSink& sink) {
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (m_wake.wait_for(lock, m_interval, [this] { return m_stopping; })) break;
        lock.unlock();
        pollOnce(sink);
        lock.lock();
    }
}

}  // namespace qdyn::netmon
