// The terminal (terminal.hpp) on POSIX: isatty and termios.
#include "commands/terminal.hpp"

#include <termios.h>
#include <unistd.h>

namespace qdyn::server::commands {

struct NoEcho::Saved {
    termios settings{};
};

bool stdinIsTerminal() { return ::isatty(STDIN_FILENO) == 1; }

NoEcho::NoEcho() {
    auto saved = std::make_unique<Saved>();
    if (::tcgetattr(STDIN_FILENO, &saved->settings) != 0) return;
    termios quiet = saved->settings;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    if (::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0) m_saved = std::move(saved);
}

NoEcho::~NoEcho() {
    if (m_saved) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &m_saved->settings);
}

}  // namespace qdyn::server::commands
