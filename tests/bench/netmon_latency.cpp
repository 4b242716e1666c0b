// netmon_latency: the figures behind `packaging/dev.sh bench detect` (issue 6, Performance).
//  1. A detection round from local sources, in the host's namespace (read-only): the interface
//     source's detectInto() for IPv4 and IPv6 over many rounds, with operator new counted after
//     warm-up. Where that source does not exist yet, a getifaddrs() round stands in (and says so).
//  2. Change to report: the process enters a new network namespace, starts the network monitor,
//     adds and removes a documentation address on lo CHANGES times with direct rtnetlink
//     requests, and measures from the request to the monitor's report.
// Prints "key=value" lines that detect.sh turns into the table and the RESULT line.
//   netmon_latency [CHANGES] [ROUNDS]
#include <ifaddrs.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "netns.hpp"
#include "qdyn/netmon/monitor.hpp"

#if __has_include("qdyn/detect/interface_source.hpp")
#include "qdyn/detect/interface_source.hpp"
#define QDYN_BENCH_INTERFACE_SOURCE 1
#endif

// Every operator new in the process is counted (malloc from C libraries is not).
#include "counting_new.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double percentile(std::vector<double> values, double fraction) {
    if (values.empty()) return -1;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

int localRound(int rounds) {
    std::vector<double> micros;
    micros.reserve(static_cast<std::size_t>(rounds));
    std::size_t allocations = 0;
    std::size_t addresses = 0;
#ifdef QDYN_BENCH_INTERFACE_SOURCE
    std::printf("local_source=interface\n");
    auto source = qdyn::detect::makeInterfaceSource();
    std::vector<qdyn::detect::Candidate> v4;
    std::vector<qdyn::detect::Candidate> v6;
    auto round = [&] {
        const bool ok = source->detectInto(qdyn::AddressFamily::V4, v4).ok() &&
                        source->detectInto(qdyn::AddressFamily::V6, v6).ok();
        addresses = v4.size() + v6.size();
        return ok;
    };
#else
    std::printf("local_source=getifaddrs_standin\n");
    std::printf(
        "note=the interface source (qdyn/detect/interface_source.hpp) does not exist yet: "
        "a getifaddrs round stands in; its malloc calls are not counted\n");
    auto round = [&] {
        ifaddrs* list = nullptr;
        if (getifaddrs(&list) != 0) return false;
        addresses = 0;
        for (auto* entry = list; entry != nullptr; entry = entry->ifa_next)
            ++addresses;
        freeifaddrs(list);
        return true;
    };
#endif
    for (int i = 0; i < 50; ++i) {  // warm-up: buffers and vectors reach their size
        if (!round()) {
            std::printf("error=local round failed\n");
            return 1;
        }
    }
    for (int i = 0; i < rounds; ++i) {
        const auto before = qdyn::test::allocationCount.load(std::memory_order_relaxed);
        const auto start = Clock::now();
        const bool ok = round();
        const auto elapsed = Clock::now() - start;
        allocations += qdyn::test::allocationCount.load(std::memory_order_relaxed) - before;
        if (!ok) {
            std::printf("error=local round failed\n");
            return 1;
        }
        micros.push_back(std::chrono::duration<double, std::micro>(elapsed).count());
    }
    std::printf(
        "local_rounds=%d\nlocal_addresses=%zu\nlocal_round_us_median=%.1f\nlocal_round_us_p90=%.1f\n"
        "local_round_allocs=%zu\n",
        rounds, addresses, percentile(micros, 0.5), percentile(micros, 0.9), allocations);
    return 0;
}

// The milliseconds from `since` to a report naming `kind` for `address`, or -1 after 2 s.
double waitFor(qdyn::netmon::NetworkMonitor& monitor, qdyn::netmon::ChangeKind kind, const qdyn::IpAddress& address,
               Clock::time_point since) {
    const auto deadline = since + 2s;
    for (auto now = Clock::now(); now < deadline; now = Clock::now()) {
        const auto report =
            monitor.waitForChange(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) + 1ms);
        if (!report) continue;
        for (const auto& change : report->changes) {
            if (change.kind == kind && change.address == address) {
                return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
            }
        }
    }
    return -1;
}

int changeToReport(int changes) {
    if (const auto error = qdyn::test::enterNewNetworkNamespace(); !error.empty()) {
        std::printf("error=cannot create a network namespace: %s\n", error.c_str());
        return 1;
    }
    qdyn::test::RtnetlinkClient netlink;
    constexpr int kLoopback = 1;
    if (const auto error = netlink.setLinkUp(kLoopback, true); !error.empty()) {
        std::printf("error=lo up: %s\n", error.c_str());
        return 1;
    }
    qdyn::netmon::MonitorOptions options;
    auto monitor = qdyn::netmon::makeNetworkMonitor(options);
    if (auto started = monitor->start(); !started) {
        std::printf("error=monitor: %s\n", started.message().c_str());
        return 1;
    }
    std::printf("monitor_backend=%s\ndebounce_ms=%lld\n", monitor->backend().c_str(),
                static_cast<long long>(options.debounceWindow.count()));
    const auto v4 = *qdyn::IpAddress::parse("203.0.113.9");
    const auto v6 = *qdyn::IpAddress::parse("2001:db8::9");
    std::vector<double> added;
    std::vector<double> removed;
    int missed = 0;
    for (int i = 0; i < changes; ++i) {
        const auto& address = i % 2 == 0 ? v4 : v6;
        const std::uint8_t prefix = address.isV4() ? 32 : 128;
        for (const bool add : {true, false}) {
            // A quiet window first, as between real network changes.
            std::this_thread::sleep_for(options.debounceWindow + 30ms);
            while (monitor->waitForChange(0ms)) {
            }
            const auto since = Clock::now();
            if (const auto error = netlink.changeAddress(add, kLoopback, address, prefix); !error.empty()) {
                std::printf("error=%s %s: %s\n", add ? "add" : "remove", address.toString().c_str(), error.c_str());
                return 1;
            }
            const double ms = waitFor(
                *monitor, add ? qdyn::netmon::ChangeKind::AddressAdded : qdyn::netmon::ChangeKind::AddressRemoved,
                address, since);
            if (ms < 0)
                ++missed;
            else
                (add ? added : removed).push_back(ms);
        }
    }
    monitor->stop();
    std::printf(
        "changes=%d\nmissed=%d\nchange_to_report_ms_median=%.2f\nchange_to_report_ms_p90=%.2f\n"
        "change_to_report_ms_max=%.2f\nremove_to_report_ms_median=%.2f\n",
        changes, missed, percentile(added, 0.5), percentile(added, 0.9), percentile(added, 1.0),
        percentile(removed, 0.5));
    return missed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const int changes = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
    const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2000;
    if (const int status = localRound(rounds); status != 0) return status;
    std::fflush(stdout);
    return changeToReport(changes);
}
