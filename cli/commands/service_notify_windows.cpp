// ServiceLog and ServiceNotifier (service_notify.hpp), Windows: lines on stderr in a console, in
// the Application event log (source "qdyn") under the service manager, where stderr goes nowhere.
// There is no systemd: the notifier has nothing to say (the service host reports the states).
#include "qdyn/windows_text.hpp"

#include <ctime>
#include <string>

#include "service_notify.hpp"

namespace qdyn::cli {

namespace {

// QDYN_EVENT_LINE of cli/windows/qdyn_events.mc ("%1"): the message the Event Viewer shows
// each entry with. tests/packaging/windows_cross_compile_test.sh checks the two agree.
constexpr DWORD kEventLine = 0x1;

WORD eventTypeOf(agent::LogLevel level) {
    switch (level) {
        case agent::LogLevel::Warning: return EVENTLOG_WARNING_TYPE;
        case agent::LogLevel::Error: return EVENTLOG_ERROR_TYPE;
        case agent::LogLevel::Debug:
        case agent::LogLevel::Info: break;
    }
    return EVENTLOG_INFORMATION_TYPE;
}

}  // namespace

// m_journal is never true here: there is no journal; `syslog` means the event log.
ServiceLog::ServiceLog(std::ostream& err, bool syslog) : m_err(err), m_syslog(syslog), m_journal(false) {}

ServiceLog::~ServiceLog() = default;

void ServiceLog::write(agent::LogLevel level, std::string_view line) {
    if (level == agent::LogLevel::Debug) return;
    std::lock_guard lock(m_mutex);
    if (m_syslog) {
        // Registered per line: a handle kept open would need a member the POSIX side has no use
        // for, and the agent logs a few lines per cycle at most.
        if (HANDLE source = ::RegisterEventSourceW(nullptr, L"qdyn"); source != nullptr) {
            const std::wstring text = widen(line);
            const wchar_t* strings[] = {text.c_str()};
            ::ReportEventW(source, eventTypeOf(level), 0, kEventLine, nullptr, 1, 0, strings, nullptr);
            ::DeregisterEventSource(source);
            return;
        }
    }
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    ::localtime_s(&local, &now);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
    m_err << stamp << " qdyn: " << line << std::endl;
}

ServiceNotifier::ServiceNotifier() : m_lastPing(std::chrono::steady_clock::now()) {}

void ServiceNotifier::send(const std::string& /*message*/) const {}
void ServiceNotifier::ready(std::string_view /*status*/) {}
void ServiceNotifier::reloading() {}
void ServiceNotifier::stopping() {}
void ServiceNotifier::watchdog() {}

std::chrono::steady_clock::time_point ServiceNotifier::nextWatchdog() const {
    return std::chrono::steady_clock::time_point::max();
}

}  // namespace qdyn::cli
