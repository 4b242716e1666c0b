// Durable-write completions handed from the store's writer thread to the io thread. The writer
// settles a whole batch of tickets at once; posting one io handler per ticket made the two
// threads fight over the io_context's lock and woke the io thread once per update. Here the
// first completion of a burst posts one handler and the rest join it: the io thread runs them
// all, in the order the writer settled them, in one go.
#pragma once

#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace qdyn::server::store {

class DurableInbox {
public:
    using Completion = std::function<void(bool durable)>;

    explicit DurableInbox(boost::asio::io_context& io) : m_io(io) {}
    DurableInbox(const DurableInbox&) = delete;
    DurableInbox& operator=(const DurableInbox&) = delete;

    // From any thread: `then(durable)` runs on the io thread soon.
    void deliver(Completion then, bool durable) {
        const std::lock_guard lock(m_mutex);
        m_pending.emplace_back(std::move(then), durable);
        if (m_posted) return;
        m_posted = true;
        boost::asio::post(m_io, [this] { drain(); });
    }

private:
    void drain() {
        {
            const std::lock_guard lock(m_mutex);
            m_running.swap(m_pending);
            m_posted = false;
        }
        for (auto& [then, durable] : m_running) then(durable);
        m_running.clear();  // keeps its capacity for the next burst
    }

    boost::asio::io_context& m_io;
    std::mutex m_mutex;
    std::vector<std::pair<Completion, bool>> m_pending;  // guarded by m_mutex
    std::vector<std::pair<Completion, bool>> m_running;  // io thread only
    bool m_posted = false;                               // a drain is queued; guarded by m_mutex
};

}  // namespace qdyn::server::store
