// `qdyn run` as a child process against an in-process qdyn-server: it updates at start, tells
// systemd READY through $NOTIFY_SOCKET, reloads its profiles on SIGHUP (keeping the running
// ones when the file is broken), and exits 0 on SIGTERM after STOPPING.
#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <thread>

#include "process.hpp"
#include "server_fixture.hpp"
#include "socket_api.hpp"
#include "temp_dir.hpp"

namespace qdyn::test {
namespace {
namespace cli_run_test {

using namespace std::chrono_literals;

// A bound AF_UNIX datagram socket standing in for systemd's notification socket.
class NotifySocket {
public:
    explicit NotifySocket(const std::filesystem::path& path) : m_path(path) {
        m_fd = qdyn::test::openSocket(AF_UNIX, SOCK_DGRAM);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
        m_bound = ::bind(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    }
    ~NotifySocket() {
        ::close(m_fd);
        ::unlink(m_path.c_str());
    }
    [[nodiscard]] bool bound() const { return m_bound; }
    // The next datagram, or "" after `timeout`.
    std::string next(std::chrono::milliseconds timeout) {
        pollfd pfd{m_fd, POLLIN, 0};
        if (::poll(&pfd, 1, static_cast<int>(timeout.count())) != 1) return {};
        char buffer[512];
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
    }
    // Waits for a datagram containing `word`, skipping others.
    bool waitFor(const std::string& word, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            const std::string message =
                next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
            if (message.find(word) != std::string::npos) return true;
        }
        return false;
    }

private:
    std::filesystem::path m_path;
    int m_fd = -1;
    bool m_bound = false;
};

class CliRunTest : public ServerFixture {
protected:
    void writeProfile(const std::string& address) {
        m_dir.write("profiles.toml",
                    "[profile.home]\nprotocol = \"dyndns2\"\nserver = \"" + httpBase() +
                        "\"\nhosts = [\"home.dyn.example.test\"]\nusername = \"alice\"\npassword = \"s3cret\"\n"
                        "verify = false\nallow_private = true\npoll_interval = \"1h\"\ndetect = [\"static:" +
                        address + "\"]\n",
                    0600);
    }
    bool eventuallyServes(const std::string& address) {
        for (int i = 0; i < 100; ++i) {
            const auto served = m_server->addressesOf(*dns::Name::parse("home.dyn.example.test"));
            if (served.size() == 1 && served.front().toString() == address) return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    TempDir m_dir;
};

TEST_F(CliRunTest, UpdatesAtStartReloadsOnSighupAndStopsOnSigterm) {
    // A private address (allow_private): documentation ranges are refused by detection itself.
    writeProfile("10.0.0.7");
    NotifySocket notify(m_dir.path() / "notify");
    ASSERT_TRUE(notify.bound());
    ::setenv("NOTIFY_SOCKET", (m_dir.path() / "notify").c_str(), 1);
    BackgroundProcess agent;
    const bool started = agent.start({QDYN_CLI_PATH, "run", "-c", (m_dir.path() / "profiles.toml").string(),
                                      "--state-dir", (m_dir.path() / "state").string(), "--poll-network"});
    ::unsetenv("NOTIFY_SOCKET");
    ASSERT_TRUE(started);
    ASSERT_TRUE(notify.waitFor("READY=1", 15s)) << "qdyn run never reported READY";
    EXPECT_TRUE(eventuallyServes("10.0.0.7"));

    writeProfile("10.0.0.8");
    agent.signal(SIGHUP);
    EXPECT_TRUE(notify.waitFor("RELOADING=1", 10s));
    EXPECT_TRUE(notify.waitFor("READY=1", 10s));
    EXPECT_TRUE(eventuallyServes("10.0.0.8")) << "the reloaded profile is used at once";

    m_dir.write("profiles.toml", "[profile.home]\nthis is not toml\n", 0600);
    agent.signal(SIGHUP);
    EXPECT_TRUE(notify.waitFor("READY=1", 10s)) << "a broken file keeps the agent running";
    EXPECT_EQ(::kill(agent.pid(), 0), 0);

    EXPECT_EQ(agent.stop(), 0) << "SIGTERM ends the agent with status 0";
    EXPECT_TRUE(notify.waitFor("STOPPING=1", 1s));
}

}  // namespace cli_run_test
}  // namespace
}  // namespace qdyn::test
