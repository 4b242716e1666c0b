// Child processes for tests: run a program to completion with captured output, or keep a
// server running in the background and stop it by its PID.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace qdyn::test {

struct ProcessResult {
    int exitCode = -1;  // -1 when killed by a signal or the timeout
    std::string out;
    std::string err;
    bool timedOut = false;
};

// Runs argv (argv[0] is a path, no shell), with extra environment variables, and waits at most
// `timeout`; a process that overruns is killed.
ProcessResult runProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The same with `input` on the child's stdin (then closed), e.g. a password for --password-stdin.
// Meant for small inputs (below a pipe's buffer size).
ProcessResult runProcessWithInput(const std::vector<std::string>& argv, const std::string& input,
                                  const std::map<std::string, std::string>& env = {},
                                  std::chrono::milliseconds timeout = std::chrono::seconds(60));

// True when an executable of that name is on PATH.
bool haveProgram(const std::string& name);

class BackgroundProcess {
public:
    BackgroundProcess() = default;
    ~BackgroundProcess();  // stops the process
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    // Starts argv with stdout captured; stderr goes to the test's stderr.
    bool start(const std::vector<std::string>& argv);
    // The same as a service manager starts a socket-activated service (sd_listen_fds(3)): the
    // sockets become fds 3, 4, ... and LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES (names joined
    // with ':') announce them.
    bool startWithSockets(const std::vector<std::string>& argv, const std::vector<int>& sockets,
                          const std::vector<std::string>& names);
    // Reads stdout lines until one equals `line` or the timeout passes; returns the lines read.
    std::vector<std::string> readUntil(const std::string& line, std::chrono::milliseconds timeout, bool& found);
    // SIGTERM, then SIGKILL after a grace period; returns the exit status (-1 if signalled).
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
    // SIGKILL at once (a crash: no cleanup in the process), then reaps it.
    void kill();
    // Sends `signal` (e.g. SIGHUP) and leaves the process running.
    void signal(int signal) const;
    [[nodiscard]] pid_t pid() const noexcept { return m_pid; }

private:
    pid_t m_pid = -1;
    int m_stdout = -1;
    std::string m_buffer;
};

}  // namespace qdyn::test
