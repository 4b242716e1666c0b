// The text of the XDG autostart entry and the LaunchAgent plist (see autostart_files.hpp).
#include "autostart_files.hpp"

#if !defined(_WIN32)
#include <pwd.h>
#include <unistd.h>
#endif

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <system_error>

#include "qdyn/config/profile_writer.hpp"

namespace qdyn::gui {
namespace {

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. Desktop files and
// plists are UTF-8, and a validator rejects a file that is not.
bool isUtf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<std::uint8_t>(text[i]);
        std::size_t length = 0;
        std::uint32_t code = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        }
        if ((lead & 0xE0U) == 0xC0U) {
            length = 2;
            code = lead & 0x1FU;
        } else if ((lead & 0xF0U) == 0xE0U) {
            length = 3;
            code = lead & 0x0FU;
        } else if ((lead & 0xF8U) == 0xF0U) {
            length = 4;
            code = lead & 0x07U;
        } else {
            return false;
        }
        if (i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<std::uint8_t>(text[i + k]);
            if ((next & 0xC0U) != 0x80U) return false;
            code = (code << 6U) | (next & 0x3FU);
        }
        constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        i += length;
    }
    return true;
}

bool hasControlCharacter(std::string_view text) {
    for (const char c : text) {
        const auto byte = static_cast<std::uint8_t>(c);
        if (byte < 0x20 || byte == 0x7F) return true;
    }
    return false;
}

// A program path both files can carry: absolute (autostart runs with an unknown working
// directory and PATH), UTF-8, and without control characters (a newline would end the key).
Result<std::string> programPath(const std::filesystem::path& executable) {
    const std::u8string raw = executable.u8string();
    std::string path(raw.begin(), raw.end());
    if (path.empty()) return makeError("start at login needs the program's path; none was given");
    if (!executable.is_absolute()) return makeError("start at login needs an absolute program path, not " + path);
    if (!isUtf8(path)) return makeError("the program path is not valid UTF-8, so no autostart entry can name it");
    if (hasControlCharacter(path)) return makeError("the program path holds a control character: " + path);
    return path;
}

// The Desktop Entry Specification's reserved characters for Exec arguments.
constexpr std::string_view kExecReserved = " \t\n\"'\\><~`$&;*?#()|";

}  // namespace

Result<std::string> desktopExecArgument(std::string_view argument) {
    if (argument.empty()) return makeError("an empty Exec argument cannot be written");
    if (!isUtf8(argument)) return makeError("an Exec argument must be UTF-8");
    if (hasControlCharacter(argument)) return makeError("an Exec argument cannot hold control characters");
    const bool quote = argument.find_first_of(kExecReserved) != std::string_view::npos;
    std::string quoted;
    if (quote) quoted += '"';
    for (const char c : argument) {
        if (c == '%') {
            quoted += "%%";  // a lone % would start a field code such as %f
            continue;
        }
        if (quote && (c == '"' || c == '`' || c == '$' || c == '\\')) quoted += '\\';
        quoted += c;
    }
    if (quote) quoted += '"';
    // Exec is also a string value, whose own escaping is undone first: every backslash the
    // quoting needs must itself be escaped.
    std::string value;
    for (const char c : quoted) {
        if (c == '\\') value += '\\';
        value += c;
    }
    return value;
}

Result<std::string> autostartDesktopEntry(const std::filesystem::path& executable) {
    auto path = programPath(executable);
    if (!path) return path.error();
    auto exec = desktopExecArgument(*path);
    if (!exec) return exec.error();
    std::string text;
    text += "[Desktop Entry]\n";
    text += "Type=Application\n";
    text += "Name=qdyn\n";
    text += "Comment=Keep your DNS names pointed at this machine's changing address\n";
    text += "Exec=" + *exec + "\n";
    text += "Icon=" + std::string(kAppId) + "\n";
    text += "Terminal=false\n";
    text += "X-GNOME-Autostart-enabled=true\n";
    return text;
}

bool desktopEntrySwitchedOff(std::string_view text) {
    bool inMainGroup = false;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        if (line.front() == '[') {
            inMainGroup = line == "[Desktop Entry]";
            continue;
        }
        if (!inMainGroup) continue;
        const std::size_t equals = line.find('=');
        if (equals == std::string_view::npos) continue;
        const auto trim = [](std::string_view part) {
            while (!part.empty() && (part.front() == ' ' || part.front() == '\t'))
                part.remove_prefix(1);
            while (!part.empty() && (part.back() == ' ' || part.back() == '\t'))
                part.remove_suffix(1);
            return part;
        };
        const std::string_view key = trim(line.substr(0, equals));
        const std::string_view value = trim(line.substr(equals + 1));
        if (key == "Hidden" && value == "true") return true;
        if (key == "X-GNOME-Autostart-enabled" && value == "false") return true;
    }
    return false;
}

std::string xmlEscape(std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                escaped += "&amp;";
                break;
            case '<':
                escaped += "&lt;";
                break;
            case '>':
                escaped += "&gt;";
                break;
            case '"':
                escaped += "&quot;";
                break;
            case '\'':
                escaped += "&apos;";
                break;
            default:
                escaped += c;
        }
    }
    return escaped;
}

Result<std::string> launchAgentPlist(const std::filesystem::path& executable) {
    auto path = programPath(executable);
    if (!path) return path.error();
    std::string text;
    text += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    text +=
        "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
        "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n";
    text += "<plist version=\"1.0\">\n";
    text += "<dict>\n";
    text += "\t<key>Label</key>\n";
    text += "\t<string>" + std::string(kAppId) + "</string>\n";
    text += "\t<key>ProgramArguments</key>\n";
    text += "\t<array>\n";
    text += "\t\t<string>" + xmlEscape(*path) + "</string>\n";
    text += "\t</array>\n";
    text += "\t<key>RunAtLoad</key>\n";
    text += "\t<true/>\n";
    // Only in a graphical login: a tray app has nothing to do in an ssh session.
    text += "\t<key>LimitLoadToSessionType</key>\n";
    text += "\t<string>Aqua</string>\n";
    text += "\t<key>ProcessType</key>\n";
    text += "\t<string>Interactive</string>\n";
    text += "</dict>\n";
    text += "</plist>\n";
    return text;
}

Result<void> applyAutostartFile(const std::filesystem::path& file, bool enabled, const Result<std::string>& text,
                                const std::string& noFolder) {
    if (file.empty()) return makeError(noFolder);
    std::error_code error;
    if (!enabled) {
        std::filesystem::remove(file, error);
        if (error) return makeError("cannot remove " + file.string() + ": " + error.message());
        return {};
    }
    if (!text) return text.error();
    std::filesystem::create_directories(file.parent_path(), error);
    if (error) return makeError("cannot create " + file.parent_path().string() + ": " + error.message());
    return config::writeFileAtomically(file, *text, std::nullopt, 0644U);
}

#if !defined(_WIN32)
std::filesystem::path homeDirectory() {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
    if (const passwd* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_dir != nullptr) {
        return entry->pw_dir;
    }
    return {};
}
#endif

}  // namespace qdyn::gui
