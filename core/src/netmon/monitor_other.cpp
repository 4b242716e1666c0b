// Platforms without a notification source here (the BSDs, ...): the monitor polls.
#include "change_source.hpp"

namespace qdyn::netmon {

std::unique_ptr<ChangeSource> makePlatformSource(const MonitorOptions& /*options*/) {
    return nullptr;
}

}  // namespace qdyn::netmon
