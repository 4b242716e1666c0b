// ScopedEnvironment over setenv/unsetenv, or _putenv_s on Windows (an empty value removes there).
#include "scoped_environment.hpp"

#include <cstdlib>
#include <utility>

namespace qdyn::test {

void setEnvironment(const std::string& name, const std::optional<std::string>& value) {
#ifdef _WIN32
    ::_putenv_s(name.c_str(), value ? value->c_str() : "");
#else
    if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
    } else {
        ::unsetenv(name.c_str());
    }
#endif
}

ScopedEnvironment::ScopedEnvironment(std::string name, const std::optional<std::string>& value)
    : m_name(std::move(name)) {
    if (const char* old = std::getenv(m_name.c_str())) m_old = old;
    setEnvironment(m_name, value);
}

ScopedEnvironment::~ScopedEnvironment() { setEnvironment(m_name, m_old); }

}  // namespace qdyn::test
