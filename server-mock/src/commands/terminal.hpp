// The terminal the account commands prompt on: whether stdin is one, and its echo turned off
// while a password is typed. One implementation per platform (terminal_posix.cpp,
// terminal_windows.cpp).
#pragma once

#include <memory>

namespace qdyn::server::commands {

// Whether stdin is a terminal (a console on Windows).
bool stdinIsTerminal();

// Echo off on stdin's terminal for as long as it lives; nothing when stdin is not a terminal.
class NoEcho {
public:
    NoEcho();
    ~NoEcho();
    NoEcho(const NoEcho&) = delete;
    NoEcho& operator=(const NoEcho&) = delete;

private:
    struct Saved;
    std::unique_ptr<Saved> m_saved;  // empty when echo was left alone
};

}  // namespace qdyn::server::commands
