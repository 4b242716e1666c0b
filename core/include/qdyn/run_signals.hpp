// The operating system's requests to a long-running program (`qdyn run`, qdyn-server: stop,
// reload) turned into calls of one handler, on a thread of their own: signals on POSIX, console
// control events on Windows (run_signals_posix.cpp, run_signals_windows.cpp).
#pragma once

#include <functional>
#include <memory>

namespace qdyn {

enum class RunSignal { Stop, Reload };

class RunSignals {
public:
    // From now until destruction, stop and reload requests call `handler` (from another thread).
    // POSIX: SIGTERM and SIGINT stop, SIGHUP reloads; they are blocked in every thread this one
    // starts afterwards. Windows: Ctrl+C, Ctrl+Break, closing the console and shutdown stop.
    explicit RunSignals(std::function<void(RunSignal)> handler);
    // Restores the previous signal handling.
    ~RunSignals();
    RunSignals(const RunSignals&) = delete;
    RunSignals& operator=(const RunSignals&) = delete;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace qdyn
