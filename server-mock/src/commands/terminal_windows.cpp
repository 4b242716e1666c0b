// The terminal (terminal.hpp) on Windows: the console's input mode.
#include "qdyn/windows_text.hpp"  // <windows.h>, lean

#include "commands/terminal.hpp"

namespace qdyn::server::commands {

struct NoEcho::Saved {
    DWORD mode = 0;
};

bool stdinIsTerminal() {
    DWORD mode = 0;
    return ::GetConsoleMode(::GetStdHandle(STD_INPUT_HANDLE), &mode) != FALSE;
}

NoEcho::NoEcho() {
    auto saved = std::make_unique<Saved>();
    const HANDLE input = ::GetStdHandle(STD_INPUT_HANDLE);
    if (::GetConsoleMode(input, &saved->mode) == FALSE) return;
    if (::SetConsoleMode(input, saved->mode & ~static_cast<DWORD>(ENABLE_ECHO_INPUT)) != FALSE) m_saved = std::move(saved);
}

NoEcho::~NoEcho() {
    if (m_saved) ::SetConsoleMode(::GetStdHandle(STD_INPUT_HANDLE), m_saved->mode);
}

}  // namespace qdyn::server::commands
