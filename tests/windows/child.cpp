// The program runtime_test.exe runs through runCommand on Windows (under Wine here): it reports
// the argv it was given, as both the C runtime and CommandLineToArgvW split the command line,
// and plays the commands a test needs (exit codes, output, sleeping, starting children).
//   child argv ARG...           "crt HEX" and "api HEX" lines, one per argument (UTF-8 in hex)
//   child exit N                "out" on stdout, "err" on stderr, exit code N
//   child write N | stderr N    N octets on stdout | on stderr, exit 0
//   child sleep MS              sleeps, exit 0
//   child env NAME              the variable's value, then how many variables have that name
//   child touch-after MS FILE   sleeps, then creates FILE
//   child spawn-touch MS FILE   starts "touch-after MS FILE" and sleeps 60 s
//   child orphan MS             starts "sleep MS" (holding stdout) and exits at once
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <shellapi.h>

#include <cstdio>
#include <cstdlib>
#include <cwchar>
#include <string>
#include <vector>

#include "hex_text.hpp"

namespace {

// The argument as UTF-8, in hex.
std::string hex(const wchar_t* wide) {
    std::string utf8;
    const int length = ::WideCharToMultiByte(CP_UTF8, 0, wide, -1, nullptr, 0, nullptr, nullptr);
    if (length > 1) {
        utf8.resize(static_cast<std::size_t>(length - 1));
        ::WideCharToMultiByte(CP_UTF8, 0, wide, -1, utf8.data(), length, nullptr, nullptr);
    }
    return qdyn::windows_test::hexOf(utf8);
}

void writeAll(HANDLE handle, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        DWORD wrote = 0;
        const auto chunk = static_cast<DWORD>(std::min<std::size_t>(data.size() - done, 65536));
        if (::WriteFile(handle, data.data() + done, chunk, &wrote, nullptr) == FALSE) return;
        done += wrote;
    }
}

// Starts this program again with `arguments`, inheriting this one's handles (stdout included).
bool startSelf(const std::wstring& arguments) {
    wchar_t path[MAX_PATH] = {};
    ::GetModuleFileNameW(nullptr, path, MAX_PATH);
    std::wstring line = L"\"" + std::wstring(path) + L"\" " + arguments;
    STARTUPINFOW startup{};
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = ::GetStdHandle(STD_INPUT_HANDLE);
    startup.hStdOutput = ::GetStdHandle(STD_OUTPUT_HANDLE);
    startup.hStdError = ::GetStdHandle(STD_ERROR_HANDLE);
    PROCESS_INFORMATION process{};
    if (::CreateProcessW(nullptr, line.data(), nullptr, nullptr, TRUE, 0, nullptr, nullptr, &startup, &process) == FALSE) {
        return false;
    }
    ::CloseHandle(process.hThread);
    ::CloseHandle(process.hProcess);
    return true;
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
    if (argc < 2) return 100;
    const std::wstring mode = argv[1];
    const HANDLE out = ::GetStdHandle(STD_OUTPUT_HANDLE);
    const HANDLE err = ::GetStdHandle(STD_ERROR_HANDLE);
    if (mode == L"argv") {
        std::string report;
        for (int i = 2; i < argc; ++i) report += "crt " + hex(argv[i]) + "\n";
        int count = 0;
        wchar_t** parsed = ::CommandLineToArgvW(::GetCommandLineW(), &count);
        for (int i = 2; parsed != nullptr && i < count; ++i) report += "api " + hex(parsed[i]) + "\n";
        ::LocalFree(parsed);
        writeAll(out, report);
        return 0;
    }
    if (argc < 3) return 101;
    const long number = std::wcstol(argv[2], nullptr, 10);
    if (mode == L"exit") {
        writeAll(out, "out");
        writeAll(err, "err");
        return static_cast<int>(number);
    }
    if (mode == L"write" || mode == L"stderr") {
        writeAll(mode == L"write" ? out : err, std::string(static_cast<std::size_t>(number), 'x'));
        return 0;
    }
    if (mode == L"sleep") {
        ::Sleep(static_cast<DWORD>(number));
        return 0;
    }
    if (mode == L"env") {
        wchar_t value[512] = {};
        const DWORD length = ::GetEnvironmentVariableW(argv[2], value, 512);
        std::string report = (length > 0 ? hex(value) : std::string("-")) + "\n";
        int same = 0;
        wchar_t* strings = ::GetEnvironmentStringsW();
        const std::size_t nameLength = std::wcslen(argv[2]);
        for (const wchar_t* entry = strings; entry != nullptr && *entry != L'\0'; entry += std::wcslen(entry) + 1) {
            if (std::wcslen(entry) > nameLength && entry[nameLength] == L'=' &&
                ::CompareStringOrdinal(entry, static_cast<int>(nameLength), argv[2], static_cast<int>(nameLength),
                                       TRUE) == CSTR_EQUAL) {
                ++same;
            }
        }
        ::FreeEnvironmentStringsW(strings);
        writeAll(out, report + std::to_string(same) + "\n");
        return 0;
    }
    if (mode == L"touch-after" && argc >= 4) {
        ::Sleep(static_cast<DWORD>(number));
        const HANDLE file = ::CreateFileW(argv[3], GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
        if (file != INVALID_HANDLE_VALUE) ::CloseHandle(file);
        return 0;
    }
    if (mode == L"spawn-touch" && argc >= 4) {
        if (!startSelf(L"touch-after " + std::wstring(argv[2]) + L" \"" + argv[3] + L"\"")) return 102;
        ::Sleep(60000);
        return 0;
    }
    if (mode == L"orphan") {
        return startSelf(L"sleep " + std::wstring(argv[2])) ? 0 : 103;
    }
    return 104;
}
