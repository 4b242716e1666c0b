// The agent as a Windows service: a function run under the Service Control Manager, told to stop
// (or to reload) through a ServiceSession it can wait on, and the service registered or removed.
// Free of CLI11 and Qt on purpose, so service_host_windows.cpp cross-compiles on its own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "qdyn/result.hpp"

namespace qdyn::cli::service {

// The name `qdyn service install` registers and `qdyn run --service` answers to.
inline constexpr const char* kServiceName = "qdyn";

// What the service manager asks of a running service, delivered on the manager's thread and
// waited on by the service's own. Portable (the requests are plain flags), so tested anywhere.
class ServiceSession {
public:
    // From the host: the manager asked the service to stop (SERVICE_CONTROL_STOP, _SHUTDOWN).
    void requestStop() {
        std::function<void()> callback;
        {
            std::lock_guard lock(m_mutex);
            if (m_stop) return;
            m_stop = true;
            callback = m_onStop;
        }
        m_cv.notify_all();
        if (callback) callback();
    }
    // From the host: the manager asked the service to re-read its parameters (PARAMCHANGE).
    void requestReload() {
        std::function<void()> callback;
        {
            std::lock_guard lock(m_mutex);
            callback = m_onReload;
        }
        if (callback) callback();
    }

    // From the service: called once a stop is requested (at once if it already was). The callback
    // runs on the host's thread, so it must only hand the request on (raise a flag, notify).
    void onStop(std::function<void()> callback) {
        bool already = false;
        {
            std::lock_guard lock(m_mutex);
            m_onStop = callback;
            already = m_stop;
        }
        if (already && callback) callback();
    }
    void onReload(std::function<void()> callback) {
        std::lock_guard lock(m_mutex);
        m_onReload = std::move(callback);
    }
    [[nodiscard]] bool stopRequested() const {
        std::lock_guard lock(m_mutex);
        return m_stop;
    }
    // True when a stop was requested within `timeout`.
    bool waitForStop(std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_mutex);
        return m_cv.wait_for(lock, timeout, [&] { return m_stop; });
    }

    // From the service: it has started (the host reports SERVICE_RUNNING) or is stopping
    // (SERVICE_STOP_PENDING, with a wait hint long enough for an update in flight).
    void running() { notify(m_onRunning); }
    void stopping() { notify(m_onStopping); }

    // From the host: how it reports those two to the manager.
    void setReporters(std::function<void()> onRunning, std::function<void()> onStopping) {
        std::lock_guard lock(m_mutex);
        m_onRunning = std::move(onRunning);
        m_onStopping = std::move(onStopping);
    }

private:
    void notify(const std::function<void()>& reporter) {
        std::function<void()> copy;
        {
            std::lock_guard lock(m_mutex);
            copy = reporter;
        }
        if (copy) copy();
    }

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    std::function<void()> m_onStop;
    std::function<void()> m_onReload;
    std::function<void()> m_onRunning;
    std::function<void()> m_onStopping;
};

// The service's body: returns the process exit code (0 = stopped as asked).
using ServiceMain = std::function<int(ServiceSession&)>;

// Runs `main` as the service `name` under the Service Control Manager; returns once it has
// stopped, with main's exit code. An error when the process was not started by the manager
// (someone ran `qdyn run --service` from a console).
Result<int> runAsService(const std::string& name, ServiceMain main);

struct ServiceSpec {
    std::string name;         // the service's key name, e.g. "qdyn"
    std::string displayName;  // what services.msc shows
    std::string description;
    std::string executable;              // absolute path; empty: this program
    std::vector<std::string> arguments;  // after the executable, e.g. run --service --config ...
    // A built-in account, which has no password: empty (NT AUTHORITY\LocalService),
    // "NT AUTHORITY\NetworkService" or "LocalSystem".
    std::string account;
};

// Registers the service: started automatically at boot, restarted after a failure. Needs an
// administrator.
Result<void> installService(const ServiceSpec& spec);
// Stops the service if it runs and removes it. Needs an administrator.
Result<void> uninstallService(const std::string& name);

}  // namespace qdyn::cli::service
