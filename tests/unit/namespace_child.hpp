// Tests that need a port fixed by a protocol (NAT-PMP's 5351) or multicast (SSDP) run their
// exchange in a fork()ed child inside a network namespace it creates, with only lo, up: the
// host's network is never touched. Linux only (tests/support/netns.hpp).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <gtest/gtest.h>
#include <string>

#include "netns.hpp"

namespace qdyn::test {

// Runs `body` in a fork()ed child that first enters a new network namespace and brings lo up.
// The body returns "" when all is well, else one line per failure; the child reports "SKIP
// reason" when it cannot have a namespace. In the parent: failures fail the test, SKIP skips it
// and says so loudly.
inline void inNamespace(const std::function<std::string()>& body) {
    int pipeFds[2];
    ASSERT_EQ(::pipe(pipeFds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0) << "fork failed";
    if (child == 0) {
        ::close(pipeFds[0]);
        ::alarm(30);  // a hung child dies instead of hanging the suite
        std::string result;
        if (const auto error = enterNewNetworkNamespace(); !error.empty()) {
            result = "SKIP " + error;
        } else if (const auto up = RtnetlinkClient().setLinkUp(1, true); !up.empty()) {
            result = "FAIL lo up: " + up;
        } else {
            result = body();
            result = result.empty() ? "OK" : "FAIL " + result;
        }
        (void)!::write(pipeFds[1], result.data(), result.size());
        ::_exit(0);
    }
    ::close(pipeFds[1]);
    std::string output;
    char buffer[512];
    for (ssize_t got; (got = ::read(pipeFds[0], buffer, sizeof buffer)) > 0;)
        output.append(buffer, static_cast<std::size_t>(got));
    ::close(pipeFds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << "the namespace child died (signal "
                                   << (WIFSIGNALED(status) ? WTERMSIG(status) : 0) << "); it wrote: " << output;
    if (output.rfind("SKIP ", 0) == 0) {
        GTEST_SKIP() << "NETWORK NAMESPACE UNAVAILABLE, this exchange was NOT tested: " << output.substr(5);
    }
    EXPECT_EQ(output, "OK");
}

// Collects failures as lines.
class Checks {
public:
    void expect(bool condition, const std::string& what) {
        if (!condition) m_failures += (m_failures.empty() ? "" : "\n") + what;
    }
    [[nodiscard]] const std::string& failures() const { return m_failures; }

private:
    std::string m_failures;
};

}  // namespace qdyn::test
