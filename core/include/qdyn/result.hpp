// Result<T>: an expected failure carried as a value, with a message meant for a human.
// Exceptions are kept for the truly exceptional; everything from the network, a file or a
// user that can go wrong comes back as a Result.
#pragma once

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace qdyn {

struct Error {
    std::string message;
};

inline Error makeError(std::string message) { return Error{std::move(message)}; }

namespace detail {
// Reading the value of a failed Result is a programming error: stop with the reason instead of
// running on with garbage, in every build type.
[[noreturn]] inline void valueOfFailedResult(const std::string& message) {
    std::fprintf(stderr, "qdyn: value() of a failed Result: %s\n", message.c_str());
    std::abort();
}
}  // namespace detail

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(Error error) : m_value(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const noexcept { return m_value.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { check(); return std::get<0>(m_value); }
    const T& value() const& { check(); return std::get<0>(m_value); }
    T&& value() && { check(); return std::get<0>(std::move(m_value)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    [[nodiscard]] const Error& error() const { assert(!ok()); return std::get<1>(m_value); }
    [[nodiscard]] const std::string& message() const { return error().message; }

private:
    void check() const {
        if (!ok()) detail::valueOfFailedResult(std::get<1>(m_value).message);
    }
    std::variant<T, Error> m_value;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const noexcept { return m_ok; }
    explicit operator bool() const noexcept { return m_ok; }
    [[nodiscard]] const Error& error() const { assert(!m_ok); return m_error; }
    [[nodiscard]] const std::string& message() const { return error().message; }

private:
    Error m_error;
    bool m_ok = true;
};

}  // namespace qdyn
