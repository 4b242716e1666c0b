// InterfaceSnapshot: the interfaces and addresses at one moment, for the polling fallback, and
// the difference between two snapshots as network changes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "qdyn/ip_address.hpp"
#include "qdyn/netmon/monitor.hpp"
#include "qdyn/result.hpp"

namespace qdyn::netmon {

struct SnapshotAddress {
    std::string interfaceName;
    IpAddress address;
    std::uint8_t prefixLength = 0;
    friend auto operator<=>(const SnapshotAddress&, const SnapshotAddress&) = default;
};

struct SnapshotLink {
    std::string interfaceName;
    bool up = false;  // administratively up and running
    friend auto operator<=>(const SnapshotLink&, const SnapshotLink&) = default;
};

struct InterfaceSnapshot {
    std::vector<SnapshotAddress> addresses;
    std::vector<SnapshotLink> links;
};

// The machine's snapshot now (getifaddrs on POSIX: interface_snapshot_posix.cpp).
Result<InterfaceSnapshot> takeInterfaceSnapshot();

// Sorts and de-duplicates both lists, so snapshots compare regardless of OS order.
void normalize(InterfaceSnapshot& snapshot);

// What changed from `before` to `after` (both normalized): links first, then addresses.
std::vector<NetworkChange> diffSnapshots(const InterfaceSnapshot& before, const InterfaceSnapshot& after);

}  // namespace qdyn::netmon
