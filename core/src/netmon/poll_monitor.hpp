// PollSource: the fallback change source. Takes an interface snapshot every interval and pushes
// the differences; used where the platform's notifications cannot start (or are forced off).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "change_source.hpp"
#include "interface_snapshot.hpp"

namespace qdyn::netmon {

using SnapshotFunction = std::function<Result<InterfaceSnapshot>()>;

class PollSource final : public ChangeSource {
public:
    explicit PollSource(std::chrono::milliseconds interval, SnapshotFunction snapshot = takeInterfaceSnapshot);
    ~PollSource() override;

    [[nodiscard]] std::string_view name() const override { return "poll"; }
    // Takes the first snapshot (its failure is this source's failure), then polls on a thread.
    Result<void> start(ChangeSink& sink) override;
    void stop() override;

    // One poll now, pushing the differences into `sink`: the thread's step, public for tests.
    void pollOnce(ChangeSink& sink);

private:
    void run(ChangeSink& sink);

    std::chrono::milliseconds m_interval;
    SnapshotFunction m_snapshot;
    std::optional<InterfaceSnapshot> m_last;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

}  // namespace qdyn::netmon
