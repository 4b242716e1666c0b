// Process helpers over posix_spawn and poll (POSIX only: the tests that run programs this way,
// shells, openssl s_server, qdyn-server in the background, are POSIX-only tests).
#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace qdyn::test {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> mergedEnvironment(const std::map<std::string, std::string>& extra) {
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string text(*entry);
        const std::string key = text.substr(0, text.find('='));
        if (extra.count(key) == 0) env.push_back(text);
    }
    for (const auto& [key, value] : extra) env.push_back(key + "=" + value);
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// A pipe whose ends are closed on exec (pipe2 where there is one; macOS has none).
bool makePipe(int (&fds)[2]) {
#ifdef __linux__
    return ::pipe2(fds, O_CLOEXEC) == 0;
#else
    if (::pipe(fds) != 0) return false;
    ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return true;
#endif
}

int decodeStatus(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

// runProcess with stdin from /dev/null (`input` null) or from a pipe holding `input`.
ProcessResult runWithStdin(const std::vector<std::string>& argv, const std::string* input,
                           const std::map<std::string, std::string>& env, std::chrono::milliseconds timeout) {
    ProcessResult result;
    int outPipe[2];
    int errPipe[2];
    int inPipe[2] = {-1, -1};
    if (!makePipe(outPipe) || !makePipe(errPipe)) return result;
    if (input != nullptr && !makePipe(inPipe)) return result;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2);
    if (input != nullptr) {
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0);
    } else {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    std::vector<std::string> args = argv;
    std::vector<std::string> envStrings = mergedEnvironment(env);
    auto argPointers = pointers(args);
    auto envPointers = pointers(envStrings);
    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argPointers.data(), envPointers.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    if (input != nullptr) {
        if (spawned == 0) {
            // Small inputs fit the pipe's buffer, so this returns before the child reads. Our
            // read end stays open meanwhile, so a child that exits at once cannot SIGPIPE us.
            std::size_t written = 0;
            while (written < input->size()) {
                const ssize_t n = ::write(inPipe[1], input->data() + written, input->size() - written);
                if (n <= 0) break;
                written += static_cast<std::size_t>(n);
            }
        }
        ::close(inPipe[0]);
        ::close(inPipe[1]);
    }
    if (spawned != 0) {
        ::close(outPipe[0]);
        ::close(errPipe[0]);
        result.err = "cannot start " + args[0] + ": " + std::strerror(spawned);
        return result;
    }
    const auto deadline = Clock::now() + timeout;
    pollfd fds[2] = {{outPipe[0], POLLIN, 0}, {errPipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open = 2;
    while (open > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            result.timedOut = true;
            ::kill(pid, SIGKILL);
            break;
        }
        if (::poll(fds, 2, static_cast<int>(left)) < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
            char buffer[4096];
            const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            } else {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open;
            }
        }
    }
    for (auto& fd : fds) {
        if (fd.fd >= 0) ::close(fd.fd);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exitCode = result.timedOut ? -1 : decodeStatus(status);
    return result;
}

}  // namespace

ProcessResult runProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                         std::chrono::milliseconds timeout) {
    return runWithStdin(argv, nullptr, env, timeout);
}

ProcessResult runProcessWithInput(const std::vector<std::string>& argv, const std::string& input,
                                  const std::map<std::string, std::string>& env, std::chrono::milliseconds timeout) {
    return runWithStdin(argv, &input, env, timeout);
}

bool haveProgram(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (path == nullptr) return false;
    std::string dirs(path);
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = dirs.find(':', start);
        const std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return false;
}

BackgroundProcess::~BackgroundProcess() { stop(); }

bool BackgroundProcess::start(const std::vector<std::string>& argv) {
    int outPipe[2];
    if (!makePipe(outPipe)) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::vector<std::string> args = argv;
    auto argPointers = pointers(args);
    const int spawned = ::posix_spawn(&m_pid, args[0].c_str(), &actions, nullptr, argPointers.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(outPipe[1]);
    if (spawned != 0) {
        ::close(outPipe[0]);
        m_pid = -1;
        return false;
    }
    m_stdout = outPipe[0];
    return true;
}

bool BackgroundProcess::startWithSockets(const std::vector<std::string>& argv, const std::vector<int>& sockets,
                                         const std::vector<std::string>& names) {
    int outPipe[2];
    if (!makePipe(outPipe)) return false;
    // Everything the child needs is built before fork: after it, only async-signal-safe calls.
    std::vector<std::string> args = argv;
    auto argPointers = pointers(args);
    std::string joined;
    for (const auto& name : names) joined += (joined.empty() ? "" : ":") + name;
    std::vector<std::string> envStrings;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        if (text.rfind("LISTEN_", 0) != 0) envStrings.emplace_back(text);
    }
    envStrings.push_back("LISTEN_FDS=" + std::to_string(sockets.size()));
    envStrings.push_back("LISTEN_FDNAMES=" + joined);
    envStrings.push_back("LISTEN_PID=0000000000");  // the child writes its own pid here
    auto envPointers = pointers(envStrings);
    char* pidDigits = envPointers[envPointers.size() - 2] + std::strlen("LISTEN_PID=");
    // Above every fd the sockets move to, so dup2 never overwrites one still to be moved.
    std::vector<int> lifted;
    for (const int socket : sockets) lifted.push_back(::fcntl(socket, F_DUPFD_CLOEXEC, 100));

    m_pid = ::fork();
    if (m_pid == 0) {
        ::dup2(outPipe[1], 1);
        const int null = ::open("/dev/null", O_RDONLY);
        ::dup2(null, 0);
        for (std::size_t i = 0; i < lifted.size(); ++i) ::dup2(lifted[i], 3 + static_cast<int>(i));  // dup2 clears CLOEXEC
        pid_t pid = ::getpid();
        char digits[16];
        int count = 0;
        do {
            digits[count++] = static_cast<char>('0' + pid % 10);
            pid /= 10;
        } while (pid > 0);
        for (int i = 0; i < count; ++i) pidDigits[i] = digits[count - 1 - i];
        pidDigits[count] = '\0';
        ::execve(args[0].c_str(), argPointers.data(), envPointers.data());
        ::_exit(127);
    }
    for (const int fd : lifted) ::close(fd);
    ::close(outPipe[1]);
    if (m_pid < 0) {
        ::close(outPipe[0]);
        m_pid = -1;
        return false;
    }
    m_stdout = outPipe[0];
    return true;
}

std::vector<std::string> BackgroundProcess::readUntil(const std::string& line, std::chrono::milliseconds timeout,
                                                      bool& found) {
    std::vector<std::string> lines;
    found = false;
    const auto deadline = Clock::now() + timeout;
    while (m_stdout >= 0) {
        std::size_t newline;
        while ((newline = m_buffer.find('\n')) != std::string::npos) {
            lines.push_back(m_buffer.substr(0, newline));
            m_buffer.erase(0, newline + 1);
            if (lines.back() == line) {
                found = true;
                return lines;
            }
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) break;
        pollfd fd{m_stdout, POLLIN, 0};
        if (::poll(&fd, 1, static_cast<int>(left)) <= 0) break;
        char buffer[4096];
        const ssize_t n = ::read(m_stdout, buffer, sizeof buffer);
        if (n <= 0) break;
        m_buffer.append(buffer, static_cast<std::size_t>(n));
    }
    return lines;
}

int BackgroundProcess::stop(std::chrono::milliseconds grace) {
    if (m_pid <= 0) return -1;
    ::kill(m_pid, SIGTERM);
    int status = 0;
    const auto deadline = Clock::now() + grace;
    pid_t done = 0;
    while ((done = ::waitpid(m_pid, &status, WNOHANG)) == 0 && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (done == 0) {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, &status, 0);
    }
    m_pid = -1;
    if (m_stdout >= 0) ::close(m_stdout);
    m_stdout = -1;
    return decodeStatus(status);
}

void BackgroundProcess::signal(int signal) const {
    if (m_pid > 0) ::kill(m_pid, signal);
}

void BackgroundProcess::kill() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
    if (m_stdout >= 0) ::close(m_stdout);
    m_stdout = -1;
}

}  // namespace qdyn::test
