// toml++'s implementation, compiled once into qdyn::core instead of linked from its shared
// library: a run then maps one library fewer and, with a static C++ runtime, no shared
// libstdc++ at all (qdyn_toml in core/CMakeLists.txt is how the rest of the project includes it).
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
