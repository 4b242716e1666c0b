// The Windows service host (service_host.hpp): the Service Control Manager's dispatcher, control
// handler and status reports around a ServiceMain, and the service's registration.
#include "qdyn/windows_text.hpp"

#include <chrono>
#include <exception>
#include <iterator>
#include <mutex>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>

#include "qdyn/windows_command_line.hpp"
#include "service_host.hpp"

namespace qdyn::cli::service {

namespace {

// An update in flight is bounded by the protocols' timeouts (tens of seconds): the manager is
// told to wait that long for the stop rather than giving up on a healthy service.
constexpr DWORD kStopWaitHintMs = 30'000;
constexpr DWORD kStartWaitHintMs = 15'000;

// "what failed: the system's words (code N)".
Error systemError(const std::string& what, DWORD code) {
    std::string message = what + ": " + systemErrorText(code) + " (code " + std::to_string(code) + ")";
    if (code == ERROR_ACCESS_DENIED) message += "; run it from an administrator's prompt";
    return makeError(std::move(message));
}

struct ServiceHandleCloser {
    void operator()(SC_HANDLE handle) const noexcept { ::CloseServiceHandle(handle); }
};
using ServiceHandle = std::unique_ptr<std::remove_pointer_t<SC_HANDLE>, ServiceHandleCloser>;

// The event log source "qdyn", which the service writes to (commands/service_notify_windows.cpp),
// described by the message table built into qdyn.exe (windows/qdyn_events.mc): without it the
// Event Viewer shows every entry as "the description for Event ID 1 cannot be found".
constexpr wchar_t kEventSourceKey[] = L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\qdyn";

Result<void> registerEventSource(const std::wstring& executable) {
    HKEY key = nullptr;
    LSTATUS status = ::RegCreateKeyExW(HKEY_LOCAL_MACHINE, kEventSourceKey, 0, nullptr, REG_OPTION_NON_VOLATILE,
                                       KEY_SET_VALUE, nullptr, &key, nullptr);
    if (status != ERROR_SUCCESS) {
        return systemError("cannot register the event log source 'qdyn'", static_cast<DWORD>(status));
    }
    const DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
    const auto pathBytes = static_cast<DWORD>((executable.size() + 1) * sizeof(wchar_t));
    status = ::RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ,
                              reinterpret_cast<const BYTE*>(executable.c_str()), pathBytes);
    if (status == ERROR_SUCCESS) {
        status = ::RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD, reinterpret_cast<const BYTE*>(&types),
                                  sizeof types);
    }
    ::RegCloseKey(key);
    if (status != ERROR_SUCCESS) {
        return systemError("cannot describe the event log source 'qdyn'", static_cast<DWORD>(status));
    }
    return {};
}

// Gone with the service; entries already logged stay (shown without their description).
void unregisterEventSource() {
    ::RegDeleteKeyW(HKEY_LOCAL_MACHINE, kEventSourceKey);
}

// What the dispatcher's ServiceMain needs: the manager passes it no context, so the one
// service of this process is described here (runAsService sets it before dispatching).
struct Host {
    std::wstring name;
    ServiceMain main;
    int exitCode = 0;
    ServiceSession session;
    std::mutex statusMutex;
    SERVICE_STATUS_HANDLE statusHandle = nullptr;
    SERVICE_STATUS status{};
};
Host* g_host = nullptr;

void reportStatus(Host& host, DWORD state, DWORD waitHintMs = 0) {
    std::lock_guard lock(host.statusMutex);
    SERVICE_STATUS& status = host.status;
    status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status.dwCurrentState = state;
    status.dwControlsAccepted =
        state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN | SERVICE_ACCEPT_PARAMCHANGE : 0;
    status.dwWaitHint = waitHintMs;
    // The checkpoint counts progress through a pending state; it is 0 in every settled one.
    status.dwCheckPoint = (state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING) ? status.dwCheckPoint + 1 : 0;
    if (state == SERVICE_STOPPED && host.exitCode != 0) {
        status.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
        status.dwServiceSpecificExitCode = static_cast<DWORD>(host.exitCode);
    } else {
        status.dwWin32ExitCode = NO_ERROR;
        status.dwServiceSpecificExitCode = 0;
    }
    if (host.statusHandle != nullptr) ::SetServiceStatus(host.statusHandle, &status);
}

DWORD WINAPI controlHandler(DWORD control, DWORD /*eventType*/, LPVOID /*eventData*/, LPVOID context) {
    auto& host = *static_cast<Host*>(context);
    switch (control) {
        case SERVICE_CONTROL_STOP:
        case SERVICE_CONTROL_SHUTDOWN:
            reportStatus(host, SERVICE_STOP_PENDING, kStopWaitHintMs);
            host.session.requestStop();
            return NO_ERROR;
        case SERVICE_CONTROL_PARAMCHANGE:
            host.session.requestReload();
            return NO_ERROR;
        case SERVICE_CONTROL_INTERROGATE:
            return NO_ERROR;
        default:
            return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

void WINAPI serviceMain(DWORD /*argc*/, LPWSTR* /*argv*/) {
    Host& host = *g_host;
    host.statusHandle = ::RegisterServiceCtrlHandlerExW(host.name.c_str(), controlHandler, &host);
    if (host.statusHandle == nullptr) return;
    reportStatus(host, SERVICE_START_PENDING, kStartWaitHintMs);
    host.session.setReporters([&host] { reportStatus(host, SERVICE_RUNNING); },
                              [&host] { reportStatus(host, SERVICE_STOP_PENDING, kStopWaitHintMs); });
    try {
        host.exitCode = host.main(host.session);
    } catch (const std::exception&) {
        host.exitCode = 1;
    }
    // After STOPPED the manager may end the process at any moment: nothing may follow but return.
    reportStatus(host, SERVICE_STOPPED);
}

bool setConfig(SC_HANDLE service, DWORD level, void* info) {
    return ::ChangeServiceConfig2W(service, level, info) != FALSE;
}

// A refinement every Windows since Vista knows; a manager that does not (Wine's, which answers
// ERROR_INVALID_LEVEL) keeps its default, and the service still runs.
bool setRefinement(SC_HANDLE service, DWORD level, void* info) {
    return setConfig(service, level, info) || ::GetLastError() == ERROR_INVALID_LEVEL;
}

}  // namespace

Result<int> runAsService(const std::string& name, ServiceMain main) {
    Host host;
    host.name = widen(name);
    host.main = std::move(main);
    g_host = &host;
    SERVICE_TABLE_ENTRYW table[] = {{host.name.data(), serviceMain}, {nullptr, nullptr}};
    const BOOL dispatched = ::StartServiceCtrlDispatcherW(table);
    const DWORD error = ::GetLastError();
    g_host = nullptr;
    if (dispatched == FALSE) {
        if (error == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
            return makeError("not started by the Service Control Manager: '--service' is for the service that "
                             "'qdyn service install' registers (start it with 'sc start " + name +
                             "'); run 'qdyn run' without it in a console");
        }
        return systemError("cannot connect to the Service Control Manager", error);
    }
    return host.exitCode;
}

Result<void> installService(const ServiceSpec& spec) {
    ServiceHandle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT | SC_MANAGER_CREATE_SERVICE));
    if (!manager) return systemError("cannot open the Service Control Manager", ::GetLastError());

    std::wstring executable = widen(spec.executable);
    if (executable.empty()) {
        // The running qdyn.exe, wherever the installer put it.
        executable.resize(32'768);
        const DWORD length = ::GetModuleFileNameW(nullptr, executable.data(), static_cast<DWORD>(executable.size()));
        if (length == 0 || length >= executable.size()) return systemError("cannot find qdyn's own path", ::GetLastError());
        executable.resize(length);
    }
    // The service's command line, quoted the way CommandLineToArgvW splits it back.
    std::vector<std::string> argv{narrow(executable)};
    argv.insert(argv.end(), spec.arguments.begin(), spec.arguments.end());
    const auto quoted = windowsCommandLine(argv);
    if (!quoted) return makeError("cannot register the service: " + quoted.message());
    const std::wstring commandLine = widen(*quoted);
    // LocalService: no rights on the machine beyond an ordinary user's, and anonymous on the
    // network, which is all an HTTPS or DNS update needs.
    const std::wstring account = spec.account.empty() ? L"NT AUTHORITY\\LocalService" : widen(spec.account);
    const std::wstring displayName = widen(spec.displayName);
    // The service needs TCP/IP; it starts after the driver (a double-NUL-terminated list).
    static constexpr wchar_t kDependencies[] = L"Tcpip\0";
    ServiceHandle service(::CreateServiceW(manager.get(), widen(spec.name).c_str(), displayName.c_str(),
                                           SERVICE_CHANGE_CONFIG | SERVICE_START | SERVICE_QUERY_STATUS,
                                           SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                                           commandLine.c_str(), nullptr, nullptr, kDependencies, account.c_str(), nullptr));
    if (!service) {
        const DWORD error = ::GetLastError();
        if (error == ERROR_SERVICE_EXISTS) {
            return makeError("the service '" + spec.name + "' is installed already ('qdyn service uninstall' removes it)");
        }
        return systemError("cannot create the service '" + spec.name + "'", error);
    }

    std::wstring description = widen(spec.description);
    SERVICE_DESCRIPTIONW descriptionInfo{description.data()};
    // Restarted after a crash or a failed exit: after 5 s, 30 s, then every minute; the count
    // starts over after a day without failures.
    SC_ACTION actions[] = {{SC_ACTION_RESTART, 5'000}, {SC_ACTION_RESTART, 30'000}, {SC_ACTION_RESTART, 60'000}};
    SERVICE_FAILURE_ACTIONSW failureActions{};
    failureActions.dwResetPeriod = 24 * 60 * 60;
    failureActions.cActions = static_cast<DWORD>(std::size(actions));
    failureActions.lpsaActions = actions;
    // A non-zero exit code (a network failure at start, say) counts as a failure too, not only a crash.
    SERVICE_FAILURE_ACTIONS_FLAG failureOnExit{TRUE};
    // Started a little after the automatic services, when the network is usually up.
    SERVICE_DELAYED_AUTO_START_INFO delayed{TRUE};
    // Half a service is worse than none: whatever fails from here undoes the registration.
    const auto undone = [&](Error error) -> Result<void> {
        ServiceHandle removable(::OpenServiceW(manager.get(), widen(spec.name).c_str(), DELETE));
        if (removable) ::DeleteService(removable.get());
        return error;
    };
    if (!setConfig(service.get(), SERVICE_CONFIG_DESCRIPTION, &descriptionInfo) ||
        !setConfig(service.get(), SERVICE_CONFIG_FAILURE_ACTIONS, &failureActions) ||
        !setRefinement(service.get(), SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, &failureOnExit) ||
        !setRefinement(service.get(), SERVICE_CONFIG_DELAYED_AUTO_START_INFO, &delayed)) {
        return undone(systemError("cannot configure the service '" + spec.name + "'", ::GetLastError()));
    }
    if (auto described = registerEventSource(executable); !described) return undone(described.error());
    return {};
}

Result<void> uninstallService(const std::string& name) {
    ServiceHandle manager(::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
    if (!manager) return systemError("cannot open the Service Control Manager", ::GetLastError());
    ServiceHandle service(::OpenServiceW(manager.get(), widen(name).c_str(), SERVICE_STOP | SERVICE_QUERY_STATUS | DELETE));
    if (!service) {
        const DWORD error = ::GetLastError();
        if (error == ERROR_SERVICE_DOES_NOT_EXIST) {
            unregisterEventSource();  // left by an earlier, interrupted uninstall
            return makeError("no service '" + name + "' is installed");
        }
        return systemError("cannot open the service '" + name + "'", error);
    }

    // Stopped first, so that the binary can be replaced or removed as soon as this returns.
    SERVICE_STATUS status{};
    if (::ControlService(service.get(), SERVICE_CONTROL_STOP, &status) != FALSE) {
        for (int waited = 0; waited < 60 && status.dwCurrentState != SERVICE_STOPPED; ++waited) {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            if (::QueryServiceStatus(service.get(), &status) == FALSE) break;
        }
    } else if (const DWORD error = ::GetLastError(); error != ERROR_SERVICE_NOT_ACTIVE) {
        return systemError("cannot stop the service '" + name + "'", error);
    }
    if (::DeleteService(service.get()) == FALSE) {
        const DWORD error = ::GetLastError();
        if (error != ERROR_SERVICE_MARKED_FOR_DELETE) return systemError("cannot remove the service '" + name + "'", error);
    }
    unregisterEventSource();
    return {};
}

}  // namespace qdyn::cli::service
