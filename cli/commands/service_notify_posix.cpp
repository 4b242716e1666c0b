// ServiceLog and ServiceNotifier (service_notify.hpp), POSIX: stderr or syslog, and systemd.
#include "commands/service_notify.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <ctime>

#include "qdyn/posix_socket_flags.hpp"

namespace qdyn::cli {

namespace {

int priorityOf(agent::LogLevel level) {
    switch (level) {
        case agent::LogLevel::Debug: return LOG_DEBUG;
        case agent::LogLevel::Info: return LOG_INFO;
        case agent::LogLevel::Warning: return LOG_WARNING;
        case agent::LogLevel::Error: return LOG_ERR;
    }
    return LOG_INFO;
}

}  // namespace

ServiceLog::ServiceLog(std::ostream& err, bool syslog)
    : m_err(err), m_syslog(syslog), m_journal(std::getenv("JOURNAL_STREAM") != nullptr) {
    if (m_syslog) ::openlog("qdyn", LOG_PID, LOG_DAEMON);
}

ServiceLog::~ServiceLog() {
    if (m_syslog) ::closelog();
}

void ServiceLog::write(agent::LogLevel level, std::string_view line) {
    if (level == agent::LogLevel::Debug) return;
    std::lock_guard lock(m_mutex);
    if (m_syslog) {
        ::syslog(priorityOf(level), "%.*s", static_cast<int>(line.size()), line.data());
        return;
    }
    if (m_journal) {
        m_err << '<' << priorityOf(level) << '>' << line << std::endl;
        return;
    }
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    ::localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
    m_err << stamp << " qdyn: " << line << std::endl;
}

ServiceNotifier::ServiceNotifier() : m_lastPing(std::chrono::steady_clock::now()) {
    if (const char* socket = std::getenv("NOTIFY_SOCKET"); socket != nullptr) m_socket = socket;
    if (const char* usec = std::getenv("WATCHDOG_USEC"); usec != nullptr && !m_socket.empty()) {
        const char* pid = std::getenv("WATCHDOG_PID");
        if (pid == nullptr || std::strtol(pid, nullptr, 10) == static_cast<long>(::getpid())) {
            m_watchdogInterval = std::chrono::microseconds(std::strtoll(usec, nullptr, 10));
        }
    }
}

void ServiceNotifier::send(const std::string& message) const {
    if (m_socket.empty() || m_socket.size() >= sizeof(sockaddr_un::sun_path)) return;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, m_socket.data(), m_socket.size());
    if (address.sun_path[0] == '@') address.sun_path[0] = '\0';  // an abstract socket
    // The notify socket is systemd's (Linux); an unconnected datagram socket raises no SIGPIPE,
    // so where there is no MSG_NOSIGNAL (macOS) nothing else is needed.
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | posix::kSocketCloseOnExec, 0);
    if (fd < 0) return;
    if (posix::kSocketCloseOnExec == 0) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + m_socket.size());
    (void)::sendto(fd, message.data(), message.size(), posix::kSendNoSignal, reinterpret_cast<const sockaddr*>(&address), length);
    ::close(fd);
}

void ServiceNotifier::ready(std::string_view status) { send("READY=1\nSTATUS=" + std::string(status)); }

void ServiceNotifier::reloading() {
    const auto monotonic = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now().time_since_epoch());
    send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic.count()));
}

void ServiceNotifier::stopping() { send("STOPPING=1"); }

void ServiceNotifier::watchdog() {
    if (m_watchdogInterval.count() <= 0) return;
    if (std::chrono::steady_clock::now() < nextWatchdog()) return;
    send("WATCHDOG=1");
    m_lastPing = std::chrono::steady_clock::now();
}

std::chrono::steady_clock::time_point ServiceNotifier::nextWatchdog() const {
    if (m_watchdogInterval.count() <= 0) return std::chrono::steady_clock::time_point::max();
    return m_lastPing + m_watchdogInterval / 2;
}

}  // namespace qdyn::cli
