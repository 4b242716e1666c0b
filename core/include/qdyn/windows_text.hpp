// What qdyn's Windows files share: <windows.h> without its min/max macros and rarely used parts,
// text between UTF-8 (qdyn's strings) and UTF-16 (the wide API functions), and the system's
// words for an error code. Windows only.
#pragma once

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace qdyn {

// UTF-8 to UTF-16; nothing for text that is not valid UTF-8 or too long for the API.
inline std::optional<std::wstring> widenStrict(std::string_view text) {
    if (text.empty()) return std::wstring();
    if (text.size() > 0x7fffffffU) return std::nullopt;
    const int size = static_cast<int>(text.size());
    const int length = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), size, nullptr, 0);
    if (length <= 0) return std::nullopt;
    std::wstring wide(static_cast<std::size_t>(length), L'\0');
    ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), size, wide.data(), length);
    return wide;
}

// UTF-8 to UTF-16, where the text is qdyn's own (names, paths it was given): empty when invalid.
inline std::wstring widen(std::string_view text) { return widenStrict(text).value_or(std::wstring()); }

// UTF-16 to UTF-8 (an unpaired surrogate becomes U+FFFD).
inline std::string narrow(std::wstring_view wide) {
    if (wide.empty() || wide.size() > 0x7fffffffU) return {};
    const int size = static_cast<int>(wide.size());
    const int length = ::WideCharToMultiByte(CP_UTF8, 0, wide.data(), size, nullptr, 0, nullptr, nullptr);
    if (length <= 0) return {};
    std::string out(static_cast<std::size_t>(length), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, wide.data(), size, out.data(), length, nullptr, nullptr);
    return out;
}

// Memory the system allocates with LocalAlloc for the caller (security descriptors, SDDL text,
// FormatMessage's buffer), freed with LocalFree.
struct LocalFreer {
    void operator()(void* memory) const { ::LocalFree(memory); }
};
using LocalMemory = std::unique_ptr<void, LocalFreer>;

// The system's text for an error code from GetLastError, without its line break.
inline std::string systemErrorText(DWORD code) {
    wchar_t* text = nullptr;
    const DWORD length = ::FormatMessageW(
        FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr, code, 0,
        reinterpret_cast<wchar_t*>(&text), 0, nullptr);
    std::string message = length > 0 && text != nullptr ? narrow(std::wstring_view(text, length)) : std::string();
    if (text != nullptr) ::LocalFree(text);
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r' || message.back() == ' ' ||
                                message.back() == '.')) {
        message.pop_back();
    }
    return message.empty() ? "error " + std::to_string(code) : message;
}

}  // namespace qdyn
