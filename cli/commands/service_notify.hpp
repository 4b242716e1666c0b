// The agent as a service: log lines with journal priorities (or to syslog), and the systemd
// notification protocol (READY, RELOADING, STOPPING, WATCHDOG) spoken straight to
// $NOTIFY_SOCKET, so no libsystemd is needed and nothing happens outside systemd.
#pragma once

#include <chrono>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include "qdyn/agent/agent.hpp"

namespace qdyn::cli {

class ServiceLog {
public:
    ServiceLog(std::ostream& err, bool syslog);
    ~ServiceLog();
    ServiceLog(const ServiceLog&) = delete;
    ServiceLog& operator=(const ServiceLog&) = delete;
    // One line; thread-safe (the network monitor logs from its thread).
    void write(agent::LogLevel level, std::string_view line);

private:
    std::mutex m_mutex;
    std::ostream& m_err;
    bool m_syslog;
    bool m_journal;  // stderr is the journal: prefix "<N>" priorities
};

class ServiceNotifier {
public:
    ServiceNotifier();
    void ready(std::string_view status);
    void reloading();
    void stopping();
    // Sends WATCHDOG=1 when half the watchdog interval has passed.
    void watchdog();
    // When watchdog() must run next (far in the future without a watchdog).
    [[nodiscard]] std::chrono::steady_clock::time_point nextWatchdog() const;

private:
    void send(const std::string& message) const;
    std::string m_socket;
    std::chrono::microseconds m_watchdogInterval{0};
    std::chrono::steady_clock::time_point m_lastPing;
};

}  // namespace qdyn::cli
