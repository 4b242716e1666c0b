// UpdateProtocol: the one interface every update protocol implements. A protocol owns only the
// wire; when to update, backoff and stopping belong to the agent.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn/protocols/outcome.hpp"

namespace qdyn {

struct UpdateRequest {
    std::vector<std::string> hosts;
    // Absent: let the server take the connecting address, where the protocol allows that.
    std::optional<IpAddress> ipv4;
    std::optional<IpAddress> ipv6;
};

class UpdateProtocol {
public:
    virtual ~UpdateProtocol() = default;
    [[nodiscard]] virtual std::string_view name() const = 0;
    // Exactly one outcome per requested host, in request order. Never throws for network or
    // server trouble: that is an outcome (RetryLater) too.
    virtual std::vector<HostOutcome> update(const UpdateRequest& request) = 0;
    // What update() would send, one line per request, secrets left out (for --dry-run).
    [[nodiscard]] virtual std::vector<std::string> describe(const UpdateRequest& request) const = 0;
};

}  // namespace qdyn
