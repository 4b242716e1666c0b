// What Windows needs to start a program from an argv vector, in portable code so it is tested on
// every platform: the one command line string CreateProcessW takes (quoted so that both
// CommandLineToArgvW and the C runtimes split it back into exactly that argv), and the
// environment block (inherited variables with replacements, names compared without case).
// The command runner (core/src/detect/command_runner_windows.cpp) and the service's
// registration (cli/service_host_windows.cpp) turn them into UTF-16.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "qdyn/result.hpp"

namespace qdyn {

// Windows' limit for lpCommandLine, in UTF-16 code units with the terminating NUL.
inline constexpr std::size_t kMaxWindowsCommandLine = 32767;

// The command line for `argv` (UTF-8). argv[0] is the program: quoted as a whole, it may not
// contain a double quote (no Windows file name does). Every other argument is quoted when it is
// empty or holds a space, tab, newline or quote: a quote becomes \" and the backslashes before a
// quote or before the closing quote are doubled; elsewhere backslashes stay as they are.
// An error for an empty argv, an empty program, a NUL in any argument, or a batch file (.bat or
// .cmd): CreateProcess runs those through cmd.exe, which parses the line again by its own rules
// and would make arguments into commands; run `cmd.exe /d /c SCRIPT` explicitly instead.
Result<std::string> windowsCommandLine(const std::vector<std::string>& argv);

// Appends `argument` to `line`, quoted as described above (not for argv[0]).
void appendWindowsArgument(std::string& line, std::string_view argument);

// The variables a child gets: `inherited` ("NAME=value" each, as GetEnvironmentStringsW lists
// them, including the "=C:=C:\dir" entries of the drives' current directories) with every
// entry of `replacements` taking the place of an inherited variable of the same name, compared
// without regard to ASCII case as Windows does; sorted by name the same way, which
// CreateProcessW's documentation asks of an environment block.
// An error when a replacement is not NAME=value (an empty name, no '=') or holds a NUL.
Result<std::vector<std::string>> windowsEnvironment(std::vector<std::string> inherited,
                                                    const std::vector<std::string>& replacements);

}  // namespace qdyn
