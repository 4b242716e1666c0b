// Start at login on Windows: the value "qdyn-tray" under
// HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run, through the Win32 registry
// API (no Qt here, so the mingw cross-compile test builds this file on its own).
#include "qdyn/windows_text.hpp"  // <windows.h>, lean, and the system's error texts

#include <array>
#include <string>

#include "autostart.hpp"

namespace qdyn::gui {
namespace {

constexpr const wchar_t* kRunKey = L"Software\\Microsoft\\Windows\\CurrentVersion\\Run";
// Where Task Manager's Startup tab records its on/off switch for a Run value.
constexpr const wchar_t* kApprovedKey = L"Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\StartupApproved\\Run";
constexpr const wchar_t* kValueName = L"qdyn-tray";

// The system's words for a registry call's status.
std::string systemMessage(LSTATUS status) { return systemErrorText(static_cast<DWORD>(status)); }

// An open registry key, closed with its owner.
class RegistryKey {
public:
    RegistryKey() = default;
    RegistryKey(const RegistryKey&) = delete;
    RegistryKey& operator=(const RegistryKey&) = delete;
    ~RegistryKey() {
        if (m_key != nullptr) RegCloseKey(m_key);
    }
    HKEY* out() { return &m_key; }
    [[nodiscard]] HKEY get() const { return m_key; }

private:
    HKEY m_key = nullptr;
};

// Removes one value; a key or value that is not there is already the wanted state.
LSTATUS deleteValue(const wchar_t* keyPath) {
    RegistryKey key;
    LSTATUS status = RegOpenKeyExW(HKEY_CURRENT_USER, keyPath, 0, KEY_SET_VALUE, key.out());
    if (status == ERROR_FILE_NOT_FOUND) return ERROR_SUCCESS;
    if (status != ERROR_SUCCESS) return status;
    status = RegDeleteValueW(key.get(), kValueName);
    return status == ERROR_FILE_NOT_FOUND ? ERROR_SUCCESS : status;
}

class RunKeyAutostart final : public Autostart {
public:
    [[nodiscard]] bool isEnabled() const override {
        if (RegGetValueW(HKEY_CURRENT_USER, kRunKey, kValueName, RRF_RT_REG_SZ, nullptr, nullptr, nullptr) !=
            ERROR_SUCCESS) {
            return false;
        }
        // Switched off in Task Manager: the value's first byte is odd (2 on, 3 off).
        std::array<BYTE, 16> approved{};
        DWORD size = static_cast<DWORD>(approved.size());
        const LSTATUS status = RegGetValueW(HKEY_CURRENT_USER, kApprovedKey, kValueName, RRF_RT_REG_BINARY, nullptr,
                                            approved.data(), &size);
        return !(status == ERROR_SUCCESS && size >= 1 && (approved[0] & 1U) != 0);
    }

    Result<void> setEnabled(bool enabled, const std::filesystem::path& executable) override {
        if (!enabled) {
            const LSTATUS status = deleteValue(kRunKey);
            if (status != ERROR_SUCCESS) return makeError("cannot remove the Run value: " + systemMessage(status));
            return {};
        }
        if (!executable.is_absolute()) return makeError("start at login needs an absolute program path");
        const std::wstring path = executable.wstring();
        if (path.find(L'"') != std::wstring::npos) return makeError("the program path holds a quote");
        // Quoted, or a path with spaces would be split at the first one.
        const std::wstring command = L"\"" + path + L"\"";
        RegistryKey key;
        LSTATUS status = RegCreateKeyExW(HKEY_CURRENT_USER, kRunKey, 0, nullptr, REG_OPTION_NON_VOLATILE, KEY_SET_VALUE,
                                         nullptr, key.out(), nullptr);
        if (status != ERROR_SUCCESS) return makeError("cannot open the Run key: " + systemMessage(status));
        const auto bytes = static_cast<DWORD>((command.size() + 1) * sizeof(wchar_t));
        status =
            RegSetValueExW(key.get(), kValueName, 0, REG_SZ, reinterpret_cast<const BYTE*>(command.c_str()), bytes);
        if (status != ERROR_SUCCESS) return makeError("cannot write the Run value: " + systemMessage(status));
        // The user asked for it here, so an old "off" from Task Manager no longer applies.
        status = deleteValue(kApprovedKey);
        if (status != ERROR_SUCCESS) return makeError("cannot clear Task Manager's switch: " + systemMessage(status));
        return {};
    }

    [[nodiscard]] std::string location() const override {
        return "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run (value qdyn-tray)";
    }
};

}  // namespace

std::unique_ptr<Autostart> makeAutostart() {
    return std::make_unique<RunKeyAutostart>();
}

}  // namespace qdyn::gui
