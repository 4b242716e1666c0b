// ScopedEnvironment: sets (or removes) one environment variable for a scope and puts back what was
// there before, on every platform (setenv/unsetenv, or _putenv_s on Windows).
#pragma once

#include <optional>
#include <string>

namespace qdyn::test {

class ScopedEnvironment {
public:
    // `value` nullopt removes the variable for the scope.
    ScopedEnvironment(std::string name, const std::optional<std::string>& value);
    ~ScopedEnvironment();
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

private:
    std::string m_name;
    std::optional<std::string> m_old;
};

// Sets or (nullopt) removes a variable of this process's environment.
void setEnvironment(const std::string& name, const std::optional<std::string>& value);

}  // namespace qdyn::test
