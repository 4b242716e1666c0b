// InterfaceSnapshot: normalizing and comparing snapshots (platform-neutral half).
#include "interface_snapshot.hpp"

#include <algorithm>
#include <iterator>

namespace qdyn::netmon {

namespace {

template <typename T>
void sortUnique(std::vector<T>& items) {
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
}

NetworkChange addressChange(ChangeKind kind, const SnapshotAddress& entry) {
    NetworkChange change;
    change.kind = kind;
    change.interfaceName = entry.interfaceName;
    change.address = entry.address;
    change.prefixLength = entry.prefixLength;
    return change;
}

}  // namespace

void normalize(InterfaceSnapshot& snapshot) {
    sortUnique(snapshot.addresses);
    sortUnique(snapshot.links);
    // One state per link name (a list built from per-address entries names a link many times).
    std::vector<SnapshotLink> links;
    for (auto& link : snapshot.links) {
        if (!links.empty() && links.back().interfaceName == link.interfaceName) {
            links.back().up = links.back().up || link.up;
        } else {
            links.push_back(std::move(link));
        }
    }
    snapshot.links = std::move(links);
}

std::vector<NetworkChange> diffSnapshots(const InterfaceSnapshot& before, const InterfaceSnapshot& after) {
    std::vector<NetworkChange> changes;

    // Links: by name (both lists are sorted by name first, and a name appears once per state).
    auto oldLink = before.links.begin();
    auto newLink = after.links.begin();
    while (oldLink != before.links.end() || newLink != after.links.end()) {
        NetworkChange change;
        if (newLink == after.links.end() ||
            (oldLink != before.links.end() && oldLink->interfaceName < newLink->interfaceName)) {
            change.kind = ChangeKind::LinkRemoved;
            change.interfaceName = (oldLink++)->interfaceName;
        } else if (oldLink == before.links.end() || newLink->interfaceName < oldLink->interfaceName) {
            if (!newLink->up) {
                ++newLink;
                continue;
            }  // a new link that is down changes nothing yet
            change.kind = ChangeKind::LinkUp;
            change.interfaceName = (newLink++)->interfaceName;
        } else {
            const bool wasUp = oldLink->up;
            const bool isUp = newLink->up;
            change.interfaceName = newLink->interfaceName;
            ++oldLink;
            ++newLink;
            if (wasUp == isUp) continue;
            change.kind = isUp ? ChangeKind::LinkUp : ChangeKind::LinkDown;
        }
        changes.push_back(std::move(change));
    }

    std::vector<SnapshotAddress> gone;
    std::vector<SnapshotAddress> added;
    std::set_difference(before.addresses.begin(), before.addresses.end(), after.addresses.begin(),
                        after.addresses.end(), std::back_inserter(gone));
    std::set_difference(after.addresses.begin(), after.addresses.end(), before.addresses.begin(),
                        before.addresses.end(), std::back_inserter(added));
    for (const auto& entry : gone)
        changes.push_back(addressChange(ChangeKind::AddressRemoved, entry));
    for (const auto& entry : added)
        changes.push_back(addressChange(ChangeKind::AddressAdded, entry));
    return changes;
}

}  // namespace qdyn::netmon
