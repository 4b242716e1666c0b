// The agent's notion of "now", injectable so tests can run days of backoff, refreshes and stops in
// milliseconds with a fake clock.
#pragma once

#include <chrono>

namespace qdyn::agent {

class Clock {
public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual std::chrono::system_clock::time_point now() const = 0;
};

// The wall clock: state files store wall-clock times, which survive a reboot.
class SystemClock final : public Clock {
public:
    [[nodiscard]] std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace qdyn::agent
