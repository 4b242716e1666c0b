// NetworkMonitor: tells the agent at once when this machine's network changed (an address
// added or removed, a link up or down, the default route, a wake from sleep), so it re-detects
// its public address within a fraction of a second instead of polling every few minutes.
// One class for every platform; the operating system's notifications (netlink, the IP Helper
// notifications, a route socket) sit behind it, with interface polling as the fallback.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn/result.hpp"

namespace qdyn::netmon {

enum class ChangeKind : std::uint8_t {
    AddressAdded,  // also: an address whose flags changed (tentative -> usable)
    AddressRemoved,
    LinkUp,
    LinkDown,
    LinkRemoved,
    DefaultRouteChanged,  // a default route added, replaced or removed
    Wake,                 // the wall clock jumped against the monotonic clock (sleep, clock set)
    EventsLost,           // the OS dropped notifications (buffer overrun): treat as "anything"
};

std::string_view toString(ChangeKind kind) noexcept;

// What changed, for logs and for a caller that wants to skip irrelevant interfaces. Every
// field but `kind` may be empty: not every platform names every detail.
struct NetworkChange {
    ChangeKind kind = ChangeKind::EventsLost;
    std::string interfaceName;
    std::uint32_t interfaceIndex = 0;  // 0: unknown
    std::optional<IpAddress> address;
    std::uint8_t prefixLength = 0;
    std::string detail;  // free text: "removed", "wall clock +3600 s against monotonic", ...

    friend bool operator==(const NetworkChange&, const NetworkChange&) = default;
};

// One line: "address-added lo 203.0.113.9/32", "wake (wall clock +3600 s ...)".
std::string toString(const NetworkChange& change);

// A burst of changes reported once. The first change of a quiet period is reported at once
// (leading edge); what follows within the debounce window is coalesced into one trailing report.
struct NetworkReport {
    std::vector<NetworkChange> changes;  // at most kMaxChangesPerReport, oldest first
    std::size_t total = 0;               // changes seen, including those not kept
    bool leading = false;                // true: the first change after a quiet period

    static constexpr std::size_t kMaxChangesPerReport = 32;
};

using ReportCallback = std::function<void(const NetworkReport&)>;
using LogFunction = std::function<void(std::string_view)>;

struct MonitorOptions {
    // A burst within this window after a report becomes one trailing report, sent when the
    // window passes without a change (and at latest after maxCoalesce). The leading report goes
    // out at once, so the window costs no latency for a single change.
    std::chrono::milliseconds debounceWindow{150};
    std::chrono::milliseconds maxCoalesce{1000};
    // The polling fallback's interval (and the only source where no notifications exist).
    std::chrono::milliseconds pollInterval{std::chrono::seconds{30}};
    bool forcePolling = false;
    // Wake detection: every tick, compare the wall clock's advance with the monotonic clock's.
    std::chrono::milliseconds wakeTick{std::chrono::seconds{5}};
    std::chrono::milliseconds wakeThreshold{std::chrono::seconds{3}};
    bool detectWake = true;
    // Where the monitor says which backend it runs and why it fell back. Empty: silent.
    LogFunction log;
};

class NetworkMonitor {
public:
    NetworkMonitor(const NetworkMonitor&) = delete;
    NetworkMonitor& operator=(const NetworkMonitor&) = delete;
    virtual ~NetworkMonitor() = default;

    // Starts watching. With a callback, reports go to it (on the monitor's thread, one at a
    // time); without one they queue for waitForChange(). Fails only when no backend at all can
    // run; a platform backend that cannot start falls back to polling (see fallbackReason()).
    virtual Result<void> start(ReportCallback callback = {}) = 0;
    // Stops every thread and wakes every waitForChange(). Idempotent; the destructor calls it.
    virtual void stop() = 0;
    // The next report, or nothing on timeout or stop.
    virtual std::optional<NetworkReport> waitForChange(std::chrono::milliseconds timeout) = 0;

    // "netlink", "ip-helper", "route-socket" or "poll".
    [[nodiscard]] virtual std::string backend() const = 0;
    // Why the platform backend is not in use ("" when it is).
    [[nodiscard]] virtual std::string fallbackReason() const = 0;

protected:
    NetworkMonitor() = default;
};

// The platform's monitor, falling back to polling when it cannot start.
std::unique_ptr<NetworkMonitor> makeNetworkMonitor(MonitorOptions options = {});

}  // namespace qdyn::netmon
