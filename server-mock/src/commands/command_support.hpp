// What the account and tsig-key commands share: exit codes, failures as values, the streams they
// talk through, and the secrets they make or read.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "qdyn/result.hpp"

namespace qdyn::server::commands {

inline constexpr int kExitOk = 0;
inline constexpr int kExitIoError = 1;  // a file could not be read or written
inline constexpr int kExitInvalid = 2;  // bad command line, or the change would not validate

inline constexpr std::string_view kApplyHint = "send SIGHUP to qdyn-server (systemctl reload qdyn-server) to apply";

// The footer of a command's --help: what it does beyond the option list, and how to apply it.
std::string commandFooter(std::string_view what);

struct Failure {
    int exitCode = kExitInvalid;
    std::string message;
};

inline Failure invalid(std::string message) {
    return Failure{kExitInvalid, std::move(message)};
}
inline Failure ioError(std::string message) {
    return Failure{kExitIoError, std::move(message)};
}

// A value or the Failure (with its exit code) that stands in for it.
template <typename T>
class Outcome {
public:
    Outcome(T value) : m_value(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Outcome(Failure failure)
        : m_value(std::in_place_index<1>, std::move(failure)) {}  // NOLINT(google-explicit-constructor)

    explicit operator bool() const noexcept { return m_value.index() == 0; }
    T& operator*() { return std::get<0>(m_value); }
    T* operator->() { return &std::get<0>(m_value); }
    [[nodiscard]] const Failure& failure() const { return std::get<1>(m_value); }

private:
    std::variant<T, Failure> m_value;
};

struct CommandIo {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
    bool interactive = false;  // stdin is a terminal: prompt, and do not echo what is typed
};

// Prints "qdyn-server: MESSAGE" and returns the failure's exit code.
int report(CommandIo& io, const Failure& failure);

// Left-aligned columns two spaces apart; the first row is the heading.
void printTable(CommandIo& io, const std::vector<std::vector<std::string>>& rows);

// --password-stdin: the first line of stdin (a final CR or LF dropped), non-empty, at most
// kMaxPasswordSize octets. On a terminal it prompts on stderr with echo off.
inline constexpr std::size_t kMaxPasswordSize = 1024;
Outcome<std::string> readPassword(CommandIo& io);

// A password for people to paste: 24 characters from [A-Za-z0-9] (about 143 bits), nothing
// that needs quoting in a URL, a shell or a router's web form.
Result<std::string> randomPassword();

// `octets` random octets in base64, as TSIG secrets are written.
Result<std::string> randomSecretBase64(std::size_t octets);

}  // namespace qdyn::server::commands
