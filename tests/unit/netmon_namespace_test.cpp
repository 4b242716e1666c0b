// The real netlink monitor inside a network namespace this test creates: a fork()ed child
// enters a fresh namespace, brings lo up, starts the monitor, then adds and removes
// 203.0.113.9/32 and 2001:db8::9/128 (nodad) on lo and reports over a pipe how long each took
// to be reported. The host's network is never touched. Without namespaces (no root, no user
// namespaces) the test skips and says why.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <gtest/gtest.h>
#include <sstream>
#include <string>

#include "netns.hpp"
#include "qdyn/netmon/monitor.hpp"

namespace qdyn::netmon {
namespace {
namespace netmon_namespace_test {

using namespace std::chrono_literals;
constexpr auto kReportBound = 2000ms;
constexpr int kLoopbackIndex = 1;  // lo is always index 1 in a new namespace

// Waits for a report that contains `kind` for `address`; the milliseconds it took, or -1.
long waitFor(NetworkMonitor& monitor, ChangeKind kind, const IpAddress& address,
             std::chrono::steady_clock::time_point since) {
    const auto deadline = since + kReportBound;
    while (true) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) return -1;
        const auto report =
            monitor.waitForChange(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
        if (!report) continue;
        for (const auto& change : report->changes) {
            if (change.kind == kind && change.address == address) {
                return static_cast<long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since)
                        .count());
            }
        }
    }
}

// The child's whole run; every line it writes is "SKIP reason", "FAIL reason" or "OK what ms".
std::string runInNamespace() {
    std::ostringstream out;
    if (const auto error = test::enterNewNetworkNamespace(); !error.empty()) return "SKIP " + error + "\n";
    test::RtnetlinkClient netlink;
    if (const auto error = netlink.setLinkUp(kLoopbackIndex, true); !error.empty())
        return "FAIL lo up: " + error + "\n";

    MonitorOptions options;
    options.debounceWindow = 150ms;
    auto monitor = makeNetworkMonitor(options);
    if (auto started = monitor->start(); !started) return "FAIL start: " + started.message() + "\n";
    if (monitor->backend() != "netlink")
        return "FAIL backend " + monitor->backend() + ": " + monitor->fallbackReason() + "\n";

    const struct {
        const char* text;
        std::uint8_t prefix;
    } addresses[] = {{"203.0.113.9", 32}, {"2001:db8::9", 128}};
    for (const auto& item : addresses) {
        const auto address = *IpAddress::parse(item.text);
        for (const bool add : {true, false}) {
            // Let the previous burst's trailing window pass, so this change is a leading edge.
            std::this_thread::sleep_for(options.debounceWindow + 50ms);
            while (monitor->waitForChange(0ms)) {
            }
            const auto since = std::chrono::steady_clock::now();
            if (const auto error = netlink.changeAddress(add, kLoopbackIndex, address, item.prefix); !error.empty()) {
                out << "FAIL " << (add ? "add " : "remove ") << item.text << ": " << error << "\n";
                continue;
            }
            const long ms =
                waitFor(*monitor, add ? ChangeKind::AddressAdded : ChangeKind::AddressRemoved, address, since);
            if (ms < 0) {
                out << "FAIL " << (add ? "added " : "removed ") << item.text << " not reported within 2 s\n";
            } else {
                out << "OK " << (add ? "added " : "removed ") << item.text << " " << ms << "\n";
            }
        }
    }
    // A link going down and up is reported too.
    for (const bool up : {false, true}) {
        std::this_thread::sleep_for(options.debounceWindow + 50ms);
        while (monitor->waitForChange(0ms)) {
        }
        if (const auto error = netlink.setLinkUp(kLoopbackIndex, up); !error.empty()) {
            out << "FAIL lo " << (up ? "up" : "down") << ": " << error << "\n";
            continue;
        }
        bool seen = false;
        const auto deadline = std::chrono::steady_clock::now() + kReportBound;
        while (!seen && std::chrono::steady_clock::now() < deadline) {
            if (const auto report = monitor->waitForChange(100ms)) {
                for (const auto& change : report->changes) {
                    if (std::getenv("QDYN_NETMON_DEBUG") != nullptr) out << "DEBUG " << toString(change) << "\n";
                    seen = seen || (change.kind == (up ? ChangeKind::LinkUp : ChangeKind::LinkDown) &&
                                    change.interfaceName == "lo");
                }
            }
        }
        out << (seen ? "OK link " : "FAIL link ") << (up ? "up" : "down")
            << (seen ? " 0\n" : " not reported within 2 s\n");
    }
    monitor->stop();
    return out.str();
}

TEST(NetlinkMonitorInNamespace, AddressesAndLinkChangesAreReportedWithinTheBound) {
    int pipeFds[2];
    ASSERT_EQ(::pipe(pipeFds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0) << "fork failed";
    if (child == 0) {
        ::close(pipeFds[0]);
        ::alarm(30);  // a hung child dies instead of hanging the suite
        const auto result = runInNamespace();
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
                                   << (WIFSIGNALED(status) ? WTERMSIG(status) : 0) << "); it wrote:\n"
                                   << output;
    if (output.rfind("SKIP ", 0) == 0) {
        GTEST_SKIP() << "NETWORK NAMESPACE UNAVAILABLE, the netlink monitor was NOT tested: " << output.substr(5);
    }
    std::istringstream lines(output);
    int ok = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("DEBUG ", 0) == 0) {
            std::cout << line << "\n";
        } else if (line.rfind("OK ", 0) == 0) {
            ++ok;
            std::cout << "[ namespace ] " << line.substr(3)
                      << (line.find("link") == std::string::npos ? " ms\n" : "\n");
        } else {
            ADD_FAILURE() << line;
        }
    }
    EXPECT_EQ(ok, 6) << output;
}

}  // namespace netmon_namespace_test
}  // namespace
}  // namespace qdyn::netmon
