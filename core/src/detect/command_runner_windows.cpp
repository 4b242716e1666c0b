// runCommand on Windows: not written yet. CreateProcessW with a quoted command line built from
// argv (CommandLineToArgvW rules), a job object for the timeout and pipes for the output belong
// here; until then the command source reports that it is unavailable instead of guessing.
#include "command_runner.hpp"

namespace qdyn::detect {

Result<CommandRun> runCommand(const std::vector<std::string>& /*argv*/, std::chrono::milliseconds /*timeout*/,
                              std::size_t /*maxOutputBytes*/, const std::vector<std::string>& /*environment*/) {
    return makeError("the command source is not available on Windows yet");
}

}  // namespace qdyn::detect
