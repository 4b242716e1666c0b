// NetworkChange as text, for logs.
#include "qdyn/netmon/monitor.hpp"

namespace qdyn::netmon {

std::string_view toString(ChangeKind kind) noexcept {
    switch (kind) {
        case ChangeKind::AddressAdded:
            return "address-added";
        case ChangeKind::AddressRemoved:
            return "address-removed";
        case ChangeKind::LinkUp:
            return "link-up";
        case ChangeKind::LinkDown:
            return "link-down";
        case ChangeKind::LinkRemoved:
            return "link-removed";
        case ChangeKind::DefaultRouteChanged:
            return "default-route";
        case ChangeKind::Wake:
            return "wake";
        case ChangeKind::EventsLost:
            return "events-lost";
    }
    return "unknown";
}

std::string toString(const NetworkChange& change) {
    std::string text(toString(change.kind));
    if (!change.interfaceName.empty()) {
        text += ' ';
        text += change.interfaceName;
    } else if (change.interfaceIndex != 0) {
        text += " if#" + std::to_string(change.interfaceIndex);
    }
    if (change.address) {
        text += ' ';
        text += change.address->toString();
        if (change.kind == ChangeKind::AddressAdded || change.kind == ChangeKind::AddressRemoved) {
            text += '/' + std::to_string(change.prefixLength);
        }
    }
    if (!change.detail.empty()) text += " (" + change.detail + ")";
    return text;
}

}  // namespace qdyn::netmon
