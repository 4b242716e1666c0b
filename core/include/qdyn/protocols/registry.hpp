// The protocol registry: one explicit list of every update protocol qdyn speaks, and the
// factory that turns a profile into a ready client. Explicit, because static
// self-registration is silently dropped by static libraries.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "qdyn/config/profile.hpp"
#include "qdyn/protocols/protocol.hpp"
#include "qdyn/result.hpp"

namespace qdyn {

struct ProtocolEntry {
    std::string_view name;
    std::string_view summary;
    // URL schemes the server may use, space-separated; the first is assumed for a bare host
    // ("https http": a bare host means HTTPS; "dns": a bare address means DNS port 53).
    std::string_view schemes;
    Result<std::unique_ptr<UpdateProtocol>> (*make)(const config::Profile& profile);
};

// Whether `scheme` ("https") is one of the entry's schemes.
bool acceptsScheme(const ProtocolEntry& entry, std::string_view scheme);
// The entry's schemes for a message: "https:// or http://".
std::string schemeList(const ProtocolEntry& entry);

std::span<const ProtocolEntry> protocolRegistry();
const ProtocolEntry* findProtocol(std::string_view name);
Result<std::unique_ptr<UpdateProtocol>> makeProtocol(const config::Profile& profile);

}  // namespace qdyn
