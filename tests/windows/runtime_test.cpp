// qdyn's Windows code run, not only compiled: the command runner (CreateProcessW, quoting, job
// object, pipes), the interface source and snapshot (GetAdaptersAddresses), the system's
// resolvers (GetNetworkParams), the agent as a service (registered, started and stopped through
// the Service Control Manager, removed), the tray's start at login (the Run key), core's private
// files (private_file_check.cpp), what `qdyn service install` does to the service's files
// (service_files_check.cpp) and qdyn-server's file handling (server_files_check.cpp). Built with
// mingw-w64 and run under Wine by wine_runtime_test.sh; a line per check, "ok" or "FAIL", and the
// number of failures as the exit code.
//   runtime_test.exe CHILD_EXE SCRATCH_DIR [RESOLVER...]
//   runtime_test.exe --serve MARKER_FILE     (the test service's body, started by the manager)
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "autostart.hpp"
#include "checks.hpp"
#include "hex_text.hpp"
#include "command_runner.hpp"
#include "interface_snapshot.hpp"
#include "qdyn/agent/verifier.hpp"
#include "qdyn/detect/interface_source.hpp"
#include "service_host.hpp"

// After qdyn's headers: <windows.h> defines IN as an empty macro (dns::rrclass::Internet).
#include <windows.h>

namespace {

using qdyn::AddressFamily;
using qdyn::IpAddress;
using qdyn::detect::runCommand;
using namespace std::chrono_literals;
using qdyn::windows_test::check;
using qdyn::windows_test::contains;
using qdyn::windows_test::hexOf;
using qdyn::windows_test::millisecondsSince;

void argvRoundTrips(const std::string& child) {
    const std::vector<std::vector<std::string>> cases = {
        {"plain", "two words", "", "tab\there", "line\nbreak"},
        {R"(say "hi")", R"(a\"b)", R"(C:\Program Files\)", R"(\\server\share\)", R"(x\\\"y)", "\"", "\"\""},
        {"\xC3\xA9t\xC3\xA9 \xE2\x9C\x93", "a&b|c>d^e%PATH%!x!", "-", "--flag=value with space"},
    };
    for (const auto& arguments : cases) {
        std::vector<std::string> argv{child, "argv"};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        std::string expected;
        for (const auto& argument : arguments) expected += "crt " + hexOf(argument) + "\n";
        for (const auto& argument : arguments) expected += "api " + hexOf(argument) + "\n";
        const auto run = runCommand(argv, 20s, 1 << 16);
        check(run.ok() && run->exitCode == 0 && run->out == expected,
              "argv of " + std::to_string(arguments.size()) + " arguments arrives whole in both parsers",
              run.ok() ? run->out : run.message());
    }
}

void exitCodesAndOutput(const std::string& child) {
    auto run = runCommand({child, "exit", "7"}, 20s, 1024);
    check(run.ok() && run->exitCode == 7 && run->signal == 0, "exit code 7 comes back",
          run.ok() ? std::to_string(run->exitCode) : run.message());
    check(run.ok() && run->out == "out" && run->errHead == "err", "stdout and stderr are kept apart");

    run = runCommand({child, "write", "200000"}, 20s, 200000);
    check(run.ok() && run->out == std::string(200000, 'x'), "200000 octets of stdout arrive whole (the cap)",
          run.ok() ? std::to_string(run->out.size()) : run.message());
    run = runCommand({child, "stderr", "5000"}, 20s, 1024);
    check(run.ok() && run->errHead == std::string(256, 'x'), "stderr is kept to its first 256 octets",
          run.ok() ? std::to_string(run->errHead.size()) : run.message());

    run = runCommand({child, "write", "300000"}, 20s, 65536);
    check(!run.ok() && contains(run.message(), "wrote more than 65536 bytes to stdout"),
          "more stdout than the cap is an error", run.ok() ? "succeeded" : run.message());

    run = runCommand({child + ".missing.exe"}, 20s, 1024);
    check(!run.ok() && contains(run.message(), "cannot run"), "a missing program is an error naming it",
          run.ok() ? "succeeded" : run.message());
    run = runCommand({"hook.bat", "x"}, 20s, 1024);
    check(!run.ok() && contains(run.message(), "batch file"), "a batch file is refused",
          run.ok() ? "succeeded" : run.message());
}

void timeoutsKillTheWholeJob(const std::string& child, const std::string& scratch) {
    auto start = std::chrono::steady_clock::now();
    auto run = runCommand({child, "sleep", "30000"}, 500ms, 1024);
    auto took = millisecondsSince(start);
    check(!run.ok() && contains(run.message(), "did not finish within 500 ms") && took < 5000,
          "a command past its timeout is stopped", (run.ok() ? "succeeded" : run.message()) + ", " +
                                                       std::to_string(took) + " ms");

    // The command's own child would create a file 1.5 s in; killed with the job, it never does.
    const std::string marker = scratch + "\\touched-by-grandchild";
    ::DeleteFileA(marker.c_str());
    run = runCommand({child, "spawn-touch", "1500", marker}, 500ms, 1024);
    check(!run.ok() && contains(run.message(), "did not finish"), "the parent of a sleeping child times out",
          run.ok() ? "succeeded" : run.message());
    ::Sleep(2500);
    check(::GetFileAttributesA(marker.c_str()) == INVALID_FILE_ATTRIBUTES,
          "what the timed-out command started was killed with it");

    // A command that exits at once but leaves a child holding its stdout: as on POSIX, the open
    // output counts against its time, and the child goes with the job.
    start = std::chrono::steady_clock::now();
    run = runCommand({child, "orphan", "20000"}, 1500ms, 1024);
    took = millisecondsSince(start);
    check(!run.ok() && contains(run.message(), "did not finish") && took < 6000,
          "output held open by a leftover child ends at the deadline",
          (run.ok() ? "succeeded" : run.message()) + ", " + std::to_string(took) + " ms");
}

void environmentReachesTheChild(const std::string& child) {
    ::SetEnvironmentVariableW(L"QDYN_TEST_VAR", L"old");
    auto run = runCommand({child, "env", "QDYN_TEST_VAR"}, 20s, 1024);
    check(run.ok() && run->out == hexOf("old") + "\n1\n", "the child inherits the environment",
          run.ok() ? run->out : run.message());
    run = runCommand({child, "env", "QDYN_TEST_VAR"}, 20s, 1024, {"qdyn_test_var=new \xE2\x9C\x93"});
    check(run.ok() && run->out == hexOf("new \xE2\x9C\x93") + "\n1\n",
          "a variable given replaces the inherited one of the same name in any case",
          run.ok() ? run->out : run.message());
    run = runCommand({child, "env", "PATH"}, 20s, 1024, {"QDYN_HOST=home.example.test"});
    check(run.ok() && !contains(run->out, "-\n") && contains(run->out, "\n1\n"),
          "the other variables are still inherited", run.ok() ? run->out : run.message());
    run = runCommand({child, "env", "X"}, 20s, 1024, {"NOT A VARIABLE"});
    check(!run.ok(), "an environment entry without '=' is refused");
}

// One command's pipes must not leak into another command started at the same time: if they
// did, the quick command would wait for the slow one's child to close its copy.
void concurrentCommandsKeepTheirPipes(const std::string& child) {
    std::atomic<bool> done{false};
    std::thread slow([&] {
        while (!done.load()) (void)runCommand({child, "sleep", "1500"}, 20s, 1024);
    });
    long long worst = 0;
    bool allOk = true;
    for (int i = 0; i < 15; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const auto run = runCommand({child, "exit", "0"}, 20s, 1024);
        allOk = allOk && run.ok();
        worst = std::max(worst, millisecondsSince(start));
    }
    done.store(true);
    slow.join();
    check(allOk && worst < 1200, "a quick command beside a slow one is not held up by it",
          "slowest " + std::to_string(worst) + " ms");
}

bool hasAddress(const std::vector<qdyn::detect::Candidate>& candidates, const char* text) {
    const auto wanted = IpAddress::parse(text);
    for (const auto& candidate : candidates) {
        if (wanted && candidate.address == *wanted) return true;
    }
    return false;
}

void interfaces() {
    auto source = qdyn::detect::makeInterfaceSource({});
    std::vector<qdyn::detect::Candidate> candidates;
    auto result = source->detectInto(AddressFamily::V4, candidates);
    check(result.ok() && hasAddress(candidates, "127.0.0.1"), "the interface source lists 127.0.0.1",
          result.ok() ? std::to_string(candidates.size()) + " addresses" : result.message());
    result = source->detectInto(AddressFamily::V6, candidates);
    check(result.ok() && hasAddress(candidates, "::1") && !hasAddress(candidates, "127.0.0.1"),
          "the interface source lists ::1 and only IPv6 for IPv6",
          result.ok() ? std::to_string(candidates.size()) + " addresses" : result.message());
    qdyn::detect::InterfaceOptions missing;
    missing.interfaceName = "no-such-interface";
    result = qdyn::detect::makeInterfaceSource(missing)->detectInto(AddressFamily::V4, candidates);
    check(!result.ok() && contains(result.message(), "no interface named no-such-interface"),
          "an interface that does not exist is an error", result.ok() ? "succeeded" : result.message());

    const auto snapshot = qdyn::netmon::takeInterfaceSnapshot();
    bool loopback = false;
    for (const auto& address : snapshot.ok() ? snapshot->addresses : std::vector<qdyn::netmon::SnapshotAddress>{}) {
        loopback = loopback || address.address == *IpAddress::parse("127.0.0.1");
    }
    check(snapshot.ok() && loopback && !snapshot->links.empty(), "the interface snapshot holds 127.0.0.1 and links",
          snapshot.ok() ? "" : snapshot.message());
}

void resolvers(const std::vector<std::string>& expected) {
    const auto listed = qdyn::agent::systemResolvers();
    std::string got;
    for (const auto& server : listed.ok() ? *listed : std::vector<qdyn::dns::ServerAddress>{}) {
        got += (got.empty() ? "" : " ") + server.address.toString();
    }
    std::string wanted;
    for (const auto& address : expected) wanted += (wanted.empty() ? "" : " ") + address;
    if (expected.empty()) {
        check(!listed.ok(), "no DNS server listed is an error", got);
    } else {
        check(listed.ok() && got == wanted, "the system's resolvers are the ones configured (" + wanted + ")",
              listed.ok() ? got : listed.message());
    }
}

constexpr const char* kTestService = "qdyn-wine-test";
constexpr const wchar_t* kEventSourceKey = L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\qdyn";

std::string ownPath() {
    std::string path(MAX_PATH, '\0');
    path.resize(::GetModuleFileNameA(nullptr, path.data(), MAX_PATH));
    return path;
}

std::string readFile(const std::string& path) {
    std::string text;
    if (FILE* file = std::fopen(path.c_str(), "rb"); file != nullptr) {
        char buffer[256];
        for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, file)) > 0;) text.append(buffer, got);
        std::fclose(file);
    }
    return text;
}

void writeFile(const std::string& path, const std::string& text) {
    if (FILE* file = std::fopen(path.c_str(), "wb"); file != nullptr) {
        std::fwrite(text.data(), 1, text.size(), file);
        std::fclose(file);
    }
}

// The test service's body: says it runs, waits to be stopped, says so.
int serve(const std::string& marker) {
    const auto served = qdyn::cli::service::runAsService(kTestService, [&](qdyn::cli::service::ServiceSession& session) {
        writeFile(marker, "running");
        session.running();
        const bool stopped = session.waitForStop(60s);
        session.stopping();
        writeFile(marker, stopped ? "stopped" : "never stopped");
        return 0;
    });
    return served.ok() ? *served : 90;
}

struct ServiceHandles {
    SC_HANDLE manager = ::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
    SC_HANDLE service = nullptr;
    ServiceHandles() {
        if (manager != nullptr) {
            service = ::OpenServiceW(manager, L"qdyn-wine-test",
                                     SERVICE_START | SERVICE_STOP | SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG);
        }
    }
    ~ServiceHandles() {
        if (service != nullptr) ::CloseServiceHandle(service);
        if (manager != nullptr) ::CloseServiceHandle(manager);
    }
    ServiceHandles(const ServiceHandles&) = delete;
    ServiceHandles& operator=(const ServiceHandles&) = delete;
};

// The state the service reaches within 15 s, or the last one seen.
DWORD waitForState(SC_HANDLE service, DWORD wanted, SERVICE_STATUS& status) {
    for (int i = 0; i < 150; ++i) {
        if (::QueryServiceStatus(service, &status) == FALSE) return 0;
        if (status.dwCurrentState == wanted) break;
        ::Sleep(100);
    }
    return status.dwCurrentState;
}

// Started through the manager, running, stopped through it: false when it cannot be opened.
bool startAndStop(const std::string& marker) {
    ServiceHandles handles;
    check(handles.service != nullptr, "the registered service opens");
    if (handles.service == nullptr) return false;
    std::vector<std::max_align_t> storage(8192 / sizeof(std::max_align_t));
    auto* config = reinterpret_cast<QUERY_SERVICE_CONFIGA*>(storage.data());
    DWORD needed = 0;
    const bool queried = ::QueryServiceConfigA(handles.service, config, 8192, &needed) != FALSE;
    const std::string expectedLine = "\"" + ownPath() + "\" --serve \"" + marker + "\"";
    check(queried && config->lpBinaryPathName == expectedLine && config->dwStartType == SERVICE_AUTO_START &&
              config->dwServiceType == SERVICE_WIN32_OWN_PROCESS,
          "it starts automatically, with its arguments quoted", queried ? config->lpBinaryPathName : "no config");
    HKEY eventKey = nullptr;
    const bool eventSource = ::RegOpenKeyExW(HKEY_LOCAL_MACHINE, kEventSourceKey, 0, KEY_READ, &eventKey) == ERROR_SUCCESS;
    if (eventSource) ::RegCloseKey(eventKey);
    check(eventSource, "the event log source is registered with it");

    SERVICE_STATUS status{};
    const bool started = ::StartServiceW(handles.service, 0, nullptr) != FALSE;
    const DWORD running = started ? waitForState(handles.service, SERVICE_RUNNING, status) : 0;
    for (int i = 0; i < 50 && readFile(marker) != "running"; ++i) ::Sleep(100);
    check(started && running == SERVICE_RUNNING && readFile(marker) == "running" &&
              (status.dwControlsAccepted & SERVICE_ACCEPT_STOP) != 0,
          "the manager starts it and it reports running",
          started ? "state " + std::to_string(running) : "StartService: error " + std::to_string(::GetLastError()));

    const bool stopSent = ::ControlService(handles.service, SERVICE_CONTROL_STOP, &status) != FALSE;
    const DWORD stopped = stopSent ? waitForState(handles.service, SERVICE_STOPPED, status) : 0;
    for (int i = 0; i < 50 && readFile(marker) != "stopped"; ++i) ::Sleep(100);
    check(stopSent && stopped == SERVICE_STOPPED && readFile(marker) == "stopped" && status.dwWin32ExitCode == NO_ERROR,
          "a stop request reaches its body and it stops cleanly",
          "state " + std::to_string(stopped) + ", exit " + std::to_string(status.dwWin32ExitCode));

    return true;
}

void windowsService(const std::string& scratch) {
    namespace service = qdyn::cli::service;
    const auto console = service::runAsService(kTestService, [](service::ServiceSession&) { return 0; });
    check(!console.ok() && contains(console.message(), "not started by the Service Control Manager"),
          "the service body run from a console says how to start it", console.ok() ? "ran" : console.message());

    (void)service::uninstallService(kTestService);  // left over from an interrupted run
    const std::string marker = scratch + "\\service state.txt";
    service::ServiceSpec spec;
    spec.name = kTestService;
    spec.displayName = "qdyn (Wine test)";
    spec.description = "qdyn's service host under test";
    spec.arguments = {"--serve", marker};
    auto installed = service::installService(spec);
    check(installed.ok(), "the service is registered", installed.ok() ? "" : installed.message());
    auto again = service::installService(spec);
    check(!again.ok() && contains(again.message(), "installed already"), "registering it twice is refused",
          again.ok() ? "succeeded" : again.message());

    // The test's own handles are closed before the removal: the manager deletes a service
    // only once nobody holds it open.
    if (!startAndStop(marker)) return;

    auto removed = service::uninstallService(kTestService);
    check(removed.ok(), "the service is removed", removed.ok() ? "" : removed.message());
    const ServiceHandles after;
    const DWORD goneError = ::GetLastError();
    HKEY eventKey = nullptr;
    const bool sourceGone = ::RegOpenKeyExW(HKEY_LOCAL_MACHINE, kEventSourceKey, 0, KEY_READ, &eventKey) != ERROR_SUCCESS;
    if (!sourceGone) ::RegCloseKey(eventKey);
    check(after.manager != nullptr && after.service == nullptr && goneError == ERROR_SERVICE_DOES_NOT_EXIST && sourceGone,
          "nothing of it is left: the service nor its event source");
    removed = service::uninstallService(kTestService);
    check(!removed.ok() && contains(removed.message(), "no service"), "removing it again says there is none",
          removed.ok() ? "succeeded" : removed.message());
}

std::wstring runValue() {
    std::wstring value(1024, L'\0');
    DWORD size = static_cast<DWORD>(value.size() * sizeof(wchar_t));
    if (::RegGetValueW(HKEY_CURRENT_USER, L"Software\\Microsoft\\Windows\\CurrentVersion\\Run", L"qdyn-tray",
                       RRF_RT_REG_SZ, nullptr, value.data(), &size) != ERROR_SUCCESS) {
        return L"-";
    }
    value.resize(size / sizeof(wchar_t) - 1);
    return value;
}

void startAtLogin() {
    const auto autostart = qdyn::gui::makeAutostart();
    const std::filesystem::path tray = L"C:\\Program Files\\qdyn\\qdyn-tray.exe";
    auto result = autostart->setEnabled(true, tray);
    check(result.ok() && autostart->isEnabled() && runValue() == L"\"C:\\Program Files\\qdyn\\qdyn-tray.exe\"",
          "start at login writes the quoted program path under the Run key", result.ok() ? "" : result.message());
    // Task Manager's Startup tab switched it off: the first octet of its StartupApproved value is odd.
    HKEY approved = nullptr;
    const BYTE off[12] = {3};
    if (::RegCreateKeyExW(HKEY_CURRENT_USER,
                          L"Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\StartupApproved\\Run", 0, nullptr,
                          0, KEY_SET_VALUE, nullptr, &approved, nullptr) == ERROR_SUCCESS) {
        ::RegSetValueExW(approved, L"qdyn-tray", 0, REG_BINARY, off, sizeof off);
        ::RegCloseKey(approved);
    }
    check(!autostart->isEnabled(), "switched off in Task Manager, it counts as off");
    result = autostart->setEnabled(true, tray);
    check(result.ok() && autostart->isEnabled(), "switching it on again clears Task Manager's switch");
    result = autostart->setEnabled(false, tray);
    check(result.ok() && !autostart->isEnabled() && runValue() == L"-", "switching it off removes the Run value");
    result = autostart->setEnabled(false, tray);
    check(result.ok(), "switching it off twice is no error");
    result = autostart->setEnabled(true, "qdyn-tray.exe");
    check(!result.ok(), "a relative program path is refused");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "--serve") return serve(argv[2]);
    if (argc < 3) {
        std::fprintf(stderr, "usage: runtime_test.exe CHILD_EXE SCRATCH_DIR [RESOLVER...]\n");
        return 100;
    }
    const std::string child = argv[1];
    const std::string scratch = argv[2];
    argvRoundTrips(child);
    exitCodesAndOutput(child);
    timeoutsKillTheWholeJob(child, scratch);
    environmentReachesTheChild(child);
    concurrentCommandsKeepTheirPipes(child);
    interfaces();
    resolvers(std::vector<std::string>(argv + 3, argv + argc));
    windowsService(scratch);
    startAtLogin();
    qdyn::windows_test::checkPrivateFiles(scratch);
    qdyn::windows_test::checkServiceFiles(scratch);
    qdyn::windows_test::checkServerFiles(scratch);
    std::printf("%d failed\n", qdyn::windows_test::failures);
    return qdyn::windows_test::failures;
}
