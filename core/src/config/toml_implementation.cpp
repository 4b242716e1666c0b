// toml++'s implementation, compiled once into qdyn::core instead of linked from its shared
// library: a run then maps one library fewer and, with a static C++ runtime, no shared
// libstdc++ at all (qdyn_toml in core/CMakeLists.txt is how the rest of the project includes it).
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>

// toml++ 3.3's answer for these was __builtin_unreachable(), undefined behaviour on a config file
// with such a character between tokens; the headers qdyn compiles against answer false
// (cmake/toml_headers.cmake). In a constant expression the old answer does not compile.
static_assert(!toml::impl::is_non_ascii_horizontal_whitespace(U'\u00A7'));
static_assert(!toml::impl::is_non_ascii_horizontal_whitespace(U'\u032A'));
static_assert(!toml::impl::is_non_ascii_horizontal_whitespace(U'\uFEDF'));
static_assert(toml::impl::is_non_ascii_horizontal_whitespace(U'\u00A0'));
