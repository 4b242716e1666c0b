// RunSignals (run_signals.hpp), POSIX: the signals blocked everywhere and taken by one sigwait
// thread, so no handler runs in the middle of an update and no thread is interrupted.
#include "qdyn/run_signals.hpp"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <thread>
#include <utility>

namespace qdyn {

struct RunSignals::State {
    sigset_t signals{};
    sigset_t previous{};
    std::atomic<bool> done{false};
    std::thread thread;
};

RunSignals::RunSignals(std::function<void(RunSignal)> handler) : m_state(std::make_unique<State>()) {
    State& state = *m_state;
    sigemptyset(&state.signals);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&state.signals, sig);
    pthread_sigmask(SIG_BLOCK, &state.signals, &state.previous);
    state.thread = std::thread([&state, handler = std::move(handler)] {
        for (;;) {
            int sig = 0;
            if (sigwait(&state.signals, &sig) != 0) continue;
            if (sig == SIGHUP) {
                handler(RunSignal::Reload);
                continue;
            }
            state.done = true;
            handler(RunSignal::Stop);
            return;
        }
    });
}

RunSignals::~RunSignals() {
    // Left without a stop signal (an exception unwinding the loop): the thread is woken with one
    // of its own signals, aimed at it alone.
    if (!m_state->done) pthread_kill(m_state->thread.native_handle(), SIGTERM);
    m_state->thread.join();
    pthread_sigmask(SIG_SETMASK, &m_state->previous, nullptr);
}

}  // namespace qdyn
