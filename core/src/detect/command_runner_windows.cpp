// runCommand on Windows: CreateProcessW with the command line quoted from argv (no shell; batch
// files refused, windows_command_line.hpp), stdin from NUL, stdout and stderr through pipes that
// only this child inherits (PROC_THREAD_ATTRIBUTE_HANDLE_LIST), and the child started suspended
// inside a job object, so a timeout, too much output or the end of the run kills whatever it
// started too. One thread drains each pipe; the caller's thread waits with the deadline.
#include "qdyn/windows_text.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "command_runner.hpp"
#include "qdyn/windows_command_line.hpp"

namespace qdyn::detect {

namespace {

constexpr std::size_t kErrHeadBytes = 256;
// How long the readers may take to see the end of their pipes once the job is gone.
constexpr DWORD kReaderGraceMs = 2000;

class Handle {
public:
    Handle() = default;
    explicit Handle(HANDLE handle) : m_handle(handle == INVALID_HANDLE_VALUE ? nullptr : handle) {}
    ~Handle() { reset(); }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Handle(Handle&& other) noexcept : m_handle(std::exchange(other.m_handle, nullptr)) {}
    Handle& operator=(Handle&& other) noexcept {
        if (this != &other) reset(std::exchange(other.m_handle, nullptr));
        return *this;
    }
    [[nodiscard]] HANDLE get() const noexcept { return m_handle; }
    [[nodiscard]] explicit operator bool() const noexcept { return m_handle != nullptr; }
    void reset(HANDLE handle = nullptr) noexcept {
        if (m_handle != nullptr) ::CloseHandle(m_handle);
        m_handle = handle == INVALID_HANDLE_VALUE ? nullptr : handle;
    }

private:
    HANDLE m_handle = nullptr;
};

Error lastError(const std::string& what) { return makeError(what + ": " + systemErrorText(::GetLastError())); }

// A pipe whose write end the child inherits; the read end stays with us.
bool makePipe(Handle& readEnd, Handle& writeEnd) {
    SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE read = nullptr;
    HANDLE write = nullptr;
    if (::CreatePipe(&read, &write, &inheritable, 0) == FALSE) return false;
    readEnd.reset(read);
    writeEnd.reset(write);
    return ::SetHandleInformation(read, HANDLE_FLAG_INHERIT, 0) != FALSE;
}

// What one reader thread owns: shared with the caller, so a reader that does not finish in time
// (a pipe held open by a process outside the job) can be left behind without dangling.
struct PipeReader {
    Handle pipe;
    Handle job;  // its own handle: stdout's reader ends the job when the output is too long
    std::size_t limit = 0;
    bool isStdout = false;
    std::string data;
    std::atomic<bool> overflowed{false};

    void run() {
        std::array<char, 4096> buffer{};
        while (true) {
            DWORD got = 0;
            if (::ReadFile(pipe.get(), buffer.data(), static_cast<DWORD>(buffer.size()), &got, nullptr) == FALSE ||
                got == 0) {
                return;  // ERROR_BROKEN_PIPE: every writer is gone
            }
            if (overflowed.load()) continue;  // draining until the job's end closes the pipe
            if (isStdout && data.size() + got > limit) {
                overflowed.store(true);
                ::TerminateJobObject(job.get(), 1);
                continue;
            }
            data.append(buffer.data(), std::min<std::size_t>(got, limit - data.size()));
        }
    }

    static DWORD WINAPI start(LPVOID parameter) {
        const std::unique_ptr<std::shared_ptr<PipeReader>> self(static_cast<std::shared_ptr<PipeReader>*>(parameter));
        (*self)->run();
        return 0;
    }
};

Result<Handle> startReader(const std::shared_ptr<PipeReader>& reader) {
    auto* parameter = new std::shared_ptr<PipeReader>(reader);
    HANDLE thread = ::CreateThread(nullptr, 64 * 1024, &PipeReader::start, parameter, 0, nullptr);
    if (thread == nullptr) {
        delete parameter;
        return lastError("CreateThread");
    }
    return Handle(thread);
}

// The child's environment block: the inherited variables with `environment` replacing any of the
// same name, UTF-16, each NUL-terminated, the whole ending in a second NUL.
Result<std::wstring> environmentBlock(const std::vector<std::string>& environment) {
    std::vector<std::string> inherited;
    if (wchar_t* strings = ::GetEnvironmentStringsW(); strings != nullptr) {
        for (const wchar_t* entry = strings; *entry != L'\0'; entry += std::wstring_view(entry).size() + 1) {
            inherited.push_back(narrow(entry));
        }
        ::FreeEnvironmentStringsW(strings);
    }
    auto merged = windowsEnvironment(std::move(inherited), environment);
    if (!merged) return merged.error();
    std::wstring block;
    for (const auto& entry : *merged) {
        const auto wide = widenStrict(entry);
        if (!wide) continue;  // not valid UTF-8: an inherited variable that did not survive the trip
        block += *wide;
        block += L'\0';
    }
    if (block.empty()) block += L'\0';
    block += L'\0';
    return block;
}

DWORD millisecondsUntil(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return left.count() <= 0 ? 0 : static_cast<DWORD>(std::min<long long>(left.count(), INFINITE - 1));
}

}  // namespace

Result<CommandRun> runCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                              std::size_t maxOutputBytes, const std::vector<std::string>& environment) {
    auto line = windowsCommandLine(argv);
    if (!line) return line.error();
    auto wideLine = widenStrict(*line);
    if (!wideLine) return makeError("the command line is not valid UTF-8");
    if (wideLine->size() >= kMaxWindowsCommandLine) {
        return makeError("the command line is longer than Windows allows (32767 characters)");
    }
    std::wstring block;
    if (!environment.empty()) {
        auto built = environmentBlock(environment);
        if (!built) return built.error();
        block = std::move(*built);
    }

    auto out = std::make_shared<PipeReader>();
    auto err = std::make_shared<PipeReader>();
    Handle outWrite;
    Handle errWrite;
    if (!makePipe(out->pipe, outWrite) || !makePipe(err->pipe, errWrite)) return lastError("CreatePipe");
    SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    Handle nul(::CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, &inheritable, OPEN_EXISTING,
                             FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!nul) return lastError("cannot open NUL");

    Handle job(::CreateJobObjectW(nullptr, nullptr));
    if (!job) return lastError("CreateJobObject");
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    if (::SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits, sizeof limits) == FALSE) {
        return lastError("SetInformationJobObject");
    }

    // Only these three handles reach the child, whatever else this process has open.
    std::array<HANDLE, 3> inherited{nul.get(), outWrite.get(), errWrite.get()};
    SIZE_T attributeSize = 0;
    ::InitializeProcThreadAttributeList(nullptr, 1, 0, &attributeSize);
    std::vector<std::max_align_t> attributeStorage(attributeSize / sizeof(std::max_align_t) + 1);
    auto* attributes = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attributeStorage.data());
    if (::InitializeProcThreadAttributeList(attributes, 1, 0, &attributeSize) == FALSE) {
        return lastError("InitializeProcThreadAttributeList");
    }
    const std::unique_ptr<std::remove_pointer_t<LPPROC_THREAD_ATTRIBUTE_LIST>, decltype(&::DeleteProcThreadAttributeList)>
        attributesGuard(attributes, &::DeleteProcThreadAttributeList);
    if (::UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, inherited.data(),
                                    sizeof inherited, nullptr, nullptr) == FALSE) {
        return lastError("UpdateProcThreadAttribute");
    }
    STARTUPINFOEXW startup{};
    startup.StartupInfo.cb = sizeof startup;
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = nul.get();
    startup.StartupInfo.hStdOutput = outWrite.get();
    startup.StartupInfo.hStdError = errWrite.get();
    startup.lpAttributeList = attributes;

    PROCESS_INFORMATION process{};
    const DWORD flags = EXTENDED_STARTUPINFO_PRESENT | CREATE_UNICODE_ENVIRONMENT | CREATE_SUSPENDED | CREATE_NO_WINDOW;
    if (::CreateProcessW(nullptr, wideLine->data(), nullptr, nullptr, TRUE, flags, block.empty() ? nullptr : block.data(),
                         nullptr, &startup.StartupInfo, &process) == FALSE) {
        return lastError("cannot run " + argv.front());
    }
    const Handle child(process.hProcess);
    const Handle mainThread(process.hThread);
    // In the job before it runs a single instruction, so nothing it starts can escape the job.
    if (::AssignProcessToJobObject(job.get(), child.get()) == FALSE) {
        const Error error = lastError("AssignProcessToJobObject");
        ::TerminateProcess(child.get(), 1);
        return error;
    }
    outWrite.reset();
    errWrite.reset();
    nul.reset();

    out->isStdout = true;
    out->limit = maxOutputBytes;
    err->limit = kErrHeadBytes;
    HANDLE jobCopy = nullptr;
    if (::DuplicateHandle(::GetCurrentProcess(), job.get(), ::GetCurrentProcess(), &jobCopy, 0, FALSE,
                          DUPLICATE_SAME_ACCESS) == FALSE) {
        const Error error = lastError("DuplicateHandle");
        ::TerminateJobObject(job.get(), 1);
        return error;
    }
    out->job.reset(jobCopy);
    auto outThread = startReader(out);
    auto errThread = outThread ? startReader(err) : Result<Handle>(outThread.error());
    if (!outThread || !errThread) {
        ::TerminateJobObject(job.get(), 1);
        if (outThread) ::WaitForSingleObject(outThread->get(), kReaderGraceMs);
        return errThread.error();
    }
    ::ResumeThread(mainThread.get());

    // Both pipes closed, then the process gone, all before the deadline; as on POSIX, output
    // left open by something the command started counts against its time.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::array<HANDLE, 2> readers{outThread->get(), errThread->get()};
    // WAIT_OBJECT_0 (0) or + 1 mean both readers ended; a timeout or a failed wait does not.
    bool timedOut = ::WaitForMultipleObjects(2, readers.data(), TRUE, millisecondsUntil(deadline)) > WAIT_OBJECT_0 + 1;
    if (!timedOut && !out->overflowed.load()) {
        timedOut = ::WaitForSingleObject(child.get(), millisecondsUntil(deadline)) != WAIT_OBJECT_0;
    }
    // Whatever the command left running goes with the job (POSIX kills the process group).
    ::TerminateJobObject(job.get(), 1);
    if (::WaitForMultipleObjects(2, readers.data(), TRUE, kReaderGraceMs) == WAIT_TIMEOUT) {
        ::CancelSynchronousIo(readers[0]);
        ::CancelSynchronousIo(readers[1]);
    }
    if (timedOut) return makeError(argv.front() + " did not finish within " + std::to_string(timeout.count()) + " ms");
    if (out->overflowed.load()) {
        return makeError(argv.front() + " wrote more than " + std::to_string(maxOutputBytes) + " bytes to stdout");
    }
    ::WaitForSingleObject(child.get(), INFINITE);  // ended above, at the latest by the job
    DWORD exitCode = 0;
    ::GetExitCodeProcess(child.get(), &exitCode);
    CommandRun run;
    run.exitCode = static_cast<int>(exitCode);
    // The readers are done (both waits above succeeded), so their buffers are ours now.
    run.out = std::move(out->data);
    run.errHead = std::move(err->data);
    return run;
}

}  // namespace qdyn::detect
