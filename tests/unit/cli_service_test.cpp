// `qdyn service` in-process with captured streams: listed, and off Windows a clear refusal that
// points at the systemd unit; the service session's requests, which are portable.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "app.hpp"
#include "cli_run.hpp"
#include "exit_codes.hpp"
#include "service_host.hpp"

namespace {
namespace cli_service_test {

using qdyn::test::runQdyn;
using namespace std::chrono_literals;

TEST(CliServiceTest, TheCommandIsListedWithInstallAndUninstall) {
    std::set<std::string> names;
    for (qdyn::cli::CommandFactory factory : qdyn::cli::commandFactories()) {
        CLI::App app;
        names.insert(factory()->add(app)->get_name());
    }
    EXPECT_EQ(names.count("service"), 1U);

    const auto help = runQdyn({"service", "--help"});
    EXPECT_EQ(help.code, qdyn::cli::kExitOk);
    for (const char* word : {"install", "uninstall", "Windows", "packaging/linux/qdyn.service"}) {
        EXPECT_NE(help.out.find(word), std::string::npos) << word << " in\n" << help.out;
    }
    const auto install = runQdyn({"service", "install", "--help"});
    for (const char* word : {"--config", "--state-dir", "--account", "LocalService"}) {
        EXPECT_NE(install.out.find(word), std::string::npos) << word << " in\n" << install.out;
    }
}

TEST(CliServiceTest, ASubcommandIsRequired) {
    const auto run = runQdyn({"service"});
    EXPECT_EQ(run.code, qdyn::cli::kExitUsage);
    EXPECT_TRUE(run.out.empty());
    EXPECT_NE(run.err.find("qdyn: "), std::string::npos) << run.err;
}

TEST(CliServiceTest, AnUnknownAccountIsAUsageError) {
    const auto run = runQdyn({"service", "install", "--account", "Administrator"});
    EXPECT_EQ(run.code, qdyn::cli::kExitUsage);
    EXPECT_NE(run.err.find("Administrator"), std::string::npos) << run.err;
}

#if !defined(_WIN32) && !defined(__APPLE__)
TEST(CliServiceTest, OffWindowsInstallAndUninstallPointAtTheSystemdUnit) {
    for (const char* action : {"install", "uninstall"}) {
        const auto run = runQdyn({"service", action});
        EXPECT_EQ(run.code, qdyn::cli::kExitUsage) << action;
        EXPECT_TRUE(run.out.empty()) << run.out;
        EXPECT_EQ(run.err,
                  "qdyn service: Windows services only.\n"
                  "Here the agent runs as a systemd unit: the qdyn package installs qdyn.service "
                  "(packaging/linux/qdyn.service in the source); start it at boot with\n"
                  "  systemctl enable --now qdyn.service\n")
            << action;
    }
}

TEST(CliServiceTest, OffWindowsRunHasNoServiceFlag) {
    const auto help = runQdyn({"run", "--help"});
    EXPECT_EQ(help.code, qdyn::cli::kExitOk);
    EXPECT_EQ(help.out.find("--service"), std::string::npos) << help.out;
    const auto run = runQdyn({"run", "--service"});
    EXPECT_EQ(run.code, qdyn::cli::kExitUsage);
    EXPECT_NE(run.err.find("--service"), std::string::npos) << run.err;
}
#endif

TEST(ServiceSessionTest, AStopReachesTheCallbackOnceAndWakesAWaiter) {
    qdyn::cli::service::ServiceSession session;
    std::atomic<int> stops{0};
    session.onStop([&] { ++stops; });
    EXPECT_FALSE(session.stopRequested());
    EXPECT_FALSE(session.waitForStop(1ms));

    std::thread manager([&] {
        std::this_thread::sleep_for(20ms);
        session.requestStop();
        session.requestStop();  // the manager may send STOP and then SHUTDOWN
    });
    EXPECT_TRUE(session.waitForStop(10s));
    manager.join();
    EXPECT_TRUE(session.stopRequested());
    EXPECT_EQ(stops.load(), 1);
}

TEST(ServiceSessionTest, ACallbackSetAfterTheStopRunsAtOnce) {
    qdyn::cli::service::ServiceSession session;
    session.requestStop();
    int stops = 0;
    session.onStop([&] { ++stops; });
    EXPECT_EQ(stops, 1);
}

TEST(ServiceSessionTest, ReloadsAndStateReportsGoWhereTheyAreSet) {
    qdyn::cli::service::ServiceSession session;
    session.requestReload();  // nobody listening yet: dropped, not queued
    session.running();        // no reporters yet: nothing to call
    int reloads = 0;
    std::string reports;
    session.onReload([&] { ++reloads; });
    session.setReporters([&] { reports += "running "; }, [&] { reports += "stopping"; });
    session.requestReload();
    session.running();
    session.stopping();
    EXPECT_EQ(reloads, 1);
    EXPECT_EQ(reports, "running stopping");
    EXPECT_FALSE(session.stopRequested());
}

}  // namespace cli_service_test
}  // namespace
