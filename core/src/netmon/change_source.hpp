// ChangeSource: one way of hearing about network changes (netlink, the Windows IP Helper
// notifications, a macOS route socket, interface polling). The monitor (monitor.cpp) owns one,
// debounces what it pushes and adds wake detection, so a source only translates OS events.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "qdyn/netmon/monitor.hpp"
#include "qdyn/result.hpp"

namespace qdyn::netmon {

// A change that names no interface or address (a wake, lost events).
inline NetworkChange changeWithDetail(ChangeKind kind, std::string detail) {
    NetworkChange change;
    change.kind = kind;
    change.detail = std::move(detail);
    return change;
}

// Where a source delivers changes. Thread-safe: sources call it from their own threads.
class ChangeSink {
public:
    ChangeSink() = default;
    ChangeSink(const ChangeSink&) = delete;
    ChangeSink& operator=(const ChangeSink&) = delete;
    virtual void push(NetworkChange change) = 0;

protected:
    ~ChangeSink() = default;
};

class ChangeSource {
public:
    ChangeSource() = default;
    ChangeSource(const ChangeSource&) = delete;
    ChangeSource& operator=(const ChangeSource&) = delete;
    virtual ~ChangeSource() = default;

    [[nodiscard]] virtual std::string_view name() const = 0;
    // Starts delivering into `sink` (which outlives the source's stop()). An Error means this
    // source cannot run here (no netlink, no permission, ...): the monitor falls back.
    virtual Result<void> start(ChangeSink& sink) = 0;
    // Stops and joins the source's thread; no push() after it returns. Idempotent.
    virtual void stop() = 0;
    // True when the source itself pushes Wake changes (the OS tells it when the wall clock
    // jumped), so the engine needs no periodic wake-detection tick. Valid after start().
    [[nodiscard]] virtual bool reportsWake() const { return false; }
};

// The platform's notification source (netlink_monitor_linux.cpp, monitor_windows.cpp,
// monitor_macos.cpp); nullptr where the platform has none (monitor_other.cpp).
std::unique_ptr<ChangeSource> makePlatformSource(const MonitorOptions& options);

// The monitor over a given source instead of the platform's (tests drive the engine with a
// fake source); polling remains the fallback when it cannot start.
std::unique_ptr<NetworkMonitor> makeNetworkMonitorWithSource(MonitorOptions options,
                                                             std::unique_ptr<ChangeSource> source);

}  // namespace qdyn::netmon
