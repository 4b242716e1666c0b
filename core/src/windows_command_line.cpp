#include "qdyn/windows_command_line.hpp"

#include <algorithm>

namespace qdyn {

namespace {

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool sameName(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return upper(x) == upper(y);
           });
}

bool nameBefore(std::string_view a, std::string_view b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return static_cast<unsigned char>(upper(x)) < static_cast<unsigned char>(upper(y));
    });
}

// The name of "NAME=value"; a drive's "=C:=C:\dir" entry is named "=C:".
std::string_view variableName(std::string_view entry) {
    return entry.substr(0, entry.find('=', entry.empty() ? 0 : 1));
}

// Windows drops trailing dots and spaces from a file name: "run.bat. " is run.bat.
bool isBatchFile(std::string_view program) {
    while (!program.empty() && (program.back() == '.' || program.back() == ' ')) program.remove_suffix(1);
    if (program.size() < 4) return false;
    const std::string_view extension = program.substr(program.size() - 4);
    return sameName(extension, ".bat") || sameName(extension, ".cmd");
}

}  // namespace

void appendWindowsArgument(std::string& line, std::string_view argument) {
    if (!argument.empty() && argument.find_first_of(" \t\n\v\"") == std::string_view::npos) {
        line += argument;
        return;
    }
    line += '"';
    std::size_t backslashes = 0;
    for (const char c : argument) {
        if (c == '\\') {
            ++backslashes;
            continue;
        }
        // Backslashes are literal unless a quote follows them: then each one is doubled, and
        // the quote itself gets one more.
        line.append(c == '"' ? 2 * backslashes + 1 : backslashes, '\\');
        line += c;
        backslashes = 0;
    }
    line.append(2 * backslashes, '\\');  // before the closing quote
    line += '"';
}

Result<std::string> windowsCommandLine(const std::vector<std::string>& argv) {
    if (argv.empty() || argv.front().empty()) return makeError("no command given");
    for (const auto& argument : argv) {
        if (argument.find('\0') != std::string::npos) return makeError("an argument contains a NUL byte");
    }
    const std::string& program = argv.front();
    if (program.find('"') != std::string::npos) {
        return makeError("the program name " + program + " contains a double quote");
    }
    if (isBatchFile(program)) {
        return makeError(program +
                         " is a batch file, which Windows runs through cmd.exe with its own parsing of the "
                         "arguments; name cmd.exe and /d /c before it to run it that way");
    }
    // The program's name is read up to the closing quote, without backslash escapes.
    std::string line;
    line.reserve(program.size() + 2 + 8 * (argv.size() - 1));
    line += '"';
    line += program;
    line += '"';
    for (std::size_t i = 1; i < argv.size(); ++i) {
        line += ' ';
        appendWindowsArgument(line, argv[i]);
    }
    return line;
}

Result<std::vector<std::string>> windowsEnvironment(std::vector<std::string> inherited,
                                                    const std::vector<std::string>& replacements) {
    for (const auto& entry : replacements) {
        const std::size_t equals = entry.find('=');
        if (equals == 0 || equals == std::string::npos || entry.find('\0') != std::string::npos) {
            return makeError("an environment entry is not NAME=value");
        }
    }
    std::erase_if(inherited, [&](const std::string& entry) {
        const std::string_view name = variableName(entry);
        return std::any_of(replacements.begin(), replacements.end(),
                           [&](const std::string& replacement) { return sameName(variableName(replacement), name); });
    });
    // A name given twice among the replacements: the last one counts, as it would in a shell.
    for (auto entry = replacements.rbegin(); entry != replacements.rend(); ++entry) {
        const std::string_view name = variableName(*entry);
        const bool later = std::any_of(replacements.rbegin(), entry, [&](const std::string& other) {
            return sameName(variableName(other), name);
        });
        if (!later) inherited.push_back(*entry);
    }
    std::stable_sort(inherited.begin(), inherited.end(), [](const std::string& a, const std::string& b) {
        return nameBefore(variableName(a), variableName(b));
    });
    return inherited;
}

}  // namespace qdyn
