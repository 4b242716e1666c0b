// Fuzz target: the agent's state file reader. Any bytes give a state or a warning, never a crash;
// a state read without a warning writes back to text that reads as the same state.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qdyn/agent/state_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto state = qdyn::agent::StateStore::parse(text, "fuzz.state");
    if (!state.warning().empty()) return 0;
    const std::string written = state.serialize();
    const auto again = qdyn::agent::StateStore::parse(written, "fuzz.state");
    if (!again.warning().empty() || again.serialize() != written) std::abort();
    return 0;
}
