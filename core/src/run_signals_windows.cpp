// RunSignals (run_signals.hpp), Windows: the console's control events. Windows calls the handler
// on a thread of its own; there is no reload request from a console (the service's comes from
// the Service Control Manager, service_host.hpp).
#include "qdyn/windows_text.hpp"

#include <mutex>
#include <utility>

#include "qdyn/run_signals.hpp"

namespace qdyn {

namespace {

// SetConsoleCtrlHandler takes no context: the one handler of this process lives here.
std::mutex g_mutex;
std::function<void(RunSignal)> g_handler;

BOOL WINAPI consoleHandler(DWORD event) {
    switch (event) {
        case CTRL_C_EVENT:
        case CTRL_BREAK_EVENT:
        case CTRL_CLOSE_EVENT:
        case CTRL_LOGOFF_EVENT:
        case CTRL_SHUTDOWN_EVENT: {
            std::function<void(RunSignal)> handler;
            {
                std::lock_guard lock(g_mutex);
                handler = g_handler;
            }
            if (!handler) return FALSE;
            handler(RunSignal::Stop);
            return TRUE;
        }
        default:
            return FALSE;
    }
}

}  // namespace

struct RunSignals::State {};

RunSignals::RunSignals(std::function<void(RunSignal)> handler) : m_state(std::make_unique<State>()) {
    {
        std::lock_guard lock(g_mutex);
        g_handler = std::move(handler);
    }
    ::SetConsoleCtrlHandler(consoleHandler, TRUE);
}

RunSignals::~RunSignals() {
    ::SetConsoleCtrlHandler(consoleHandler, FALSE);
    std::lock_guard lock(g_mutex);
    g_handler = nullptr;
}

}  // namespace qdyn
