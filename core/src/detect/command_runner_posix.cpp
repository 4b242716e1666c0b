// runCommand on Linux and macOS: posix_spawnp with the argv vector, stdin from /dev/null, stdout
// and stderr through pipes read with poll() until a deadline; the child leads its own process
// group so a timeout kills whatever it started too.
#include "command_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX leaves it undeclared

namespace qdyn::detect {

namespace {

constexpr std::size_t kErrHeadBytes = 256;

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const noexcept { return m_fd; }
    void reset(int fd = -1) noexcept {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = fd;
    }

private:
    int m_fd = -1;
};

bool makePipe(Fd& readEnd, Fd& writeEnd) {
    std::array<int, 2> fds{};
    if (::pipe(fds.data()) != 0) return false;
    // Close-on-exec for both ends (pipe2 is not on macOS); posix_spawn's dup2 clears it on 1 and 2.
    for (int fd : fds) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    readEnd.reset(fds[0]);
    writeEnd.reset(fds[1]);
    return true;
}

// Kills the child's process group and reaps the child.
void killAndReap(pid_t pid) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace

Result<CommandRun> runCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                              std::size_t maxOutputBytes, const std::vector<std::string>& environment) {
    if (argv.empty() || argv.front().empty()) return makeError("no command given");
    std::vector<char*> env;
    if (!environment.empty()) {
        for (const auto& entry : environment) {
            if (entry.find('=') == std::string::npos || entry.find('\0') != std::string::npos) {
                return makeError("an environment entry is not NAME=value");
            }
        }
        for (char** variable = environ; *variable != nullptr; ++variable) {
            const std::string_view inherited(*variable);
            const std::string_view name = inherited.substr(0, inherited.find('=') + 1);
            const bool replaced = std::any_of(environment.begin(), environment.end(),
                                              [&](const std::string& entry) { return entry.starts_with(name); });
            if (!replaced) env.push_back(*variable);
        }
        for (const auto& entry : environment) env.push_back(const_cast<char*>(entry.c_str()));  // NOLINT: as above
        env.push_back(nullptr);
    }
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& arg : argv) {
        if (arg.find('\0') != std::string::npos) return makeError("an argument contains a NUL byte");
        args.push_back(const_cast<char*>(arg.c_str()));  // NOLINT: posix_spawn's signature, not modified
    }
    args.push_back(nullptr);

    Fd outRead;
    Fd outWrite;
    Fd errRead;
    Fd errWrite;
    if (!makePipe(outRead, outWrite) || !makePipe(errRead, errWrite)) {
        return makeError(std::string("pipe: ") + std::strerror(errno));
    }

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, outWrite.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, errWrite.get(), STDERR_FILENO);
    // Its own process group, so a timeout reaches its children; default signal dispositions.
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigset_t noneBlocked;
    sigemptyset(&noneBlocked);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &noneBlocked);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, static_cast<short>(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                                       POSIX_SPAWN_SETSIGMASK));
    pid_t pid = -1;
    const int spawned = ::posix_spawnp(&pid, args.front(), &actions, &attr, args.data(), env.empty() ? environ : env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    outWrite.reset();
    errWrite.reset();
    if (spawned != 0) return makeError("cannot run " + argv.front() + ": " + std::strerror(spawned));

    CommandRun run;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::array<char, 4096> buffer{};
    bool outOpen = true;
    bool errOpen = true;
    while (outOpen || errOpen) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            killAndReap(pid);
            return makeError(argv.front() + " did not finish within " + std::to_string(timeout.count()) + " ms");
        }
        std::array<pollfd, 2> fds{{{outOpen ? outRead.get() : -1, POLLIN, 0}, {errOpen ? errRead.get() : -1, POLLIN, 0}}};
        const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (ready < 0 && errno != EINTR) {
            killAndReap(pid);
            return makeError(std::string("poll: ") + std::strerror(errno));
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
            const ssize_t got = ::read(fds[i].fd, buffer.data(), buffer.size());
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                (i == 0 ? outOpen : errOpen) = false;
                continue;
            }
            const auto n = static_cast<std::size_t>(got);
            if (i == 0) {
                if (run.out.size() + n > maxOutputBytes) {
                    killAndReap(pid);
                    return makeError(argv.front() + " wrote more than " + std::to_string(maxOutputBytes) +
                                     " bytes to stdout");
                }
                run.out.append(buffer.data(), n);
            } else if (run.errHead.size() < kErrHeadBytes) {
                run.errHead.append(buffer.data(), std::min(n, kErrHeadBytes - run.errHead.size()));
            }
        }
    }

    // Both pipes closed: the command is done or about to be; it still has until the deadline.
    // WNOWAIT leaves the exited child a zombie, so its pid (and group id) cannot be reused
    // before whatever it left running in its group is killed below. A command that closed its
    // output is nearly always gone microseconds later: the waits start short and grow.
    auto pause = std::chrono::microseconds(50);
    for (;;) {
        siginfo_t info{};
        const int waited = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
        if (waited == 0 && info.si_pid == pid) break;
        if (waited < 0 && errno != EINTR) return makeError(std::string("waitid: ") + std::strerror(errno));
        if (std::chrono::steady_clock::now() >= deadline) {
            killAndReap(pid);
            return makeError(argv.front() + " did not finish within " + std::to_string(timeout.count()) + " ms");
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(2000));
    }
    ::kill(-pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) run.exitCode = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) run.signal = WTERMSIG(status);
    return run;
}

}  // namespace qdyn::detect
