// IpHelperSource: Windows network changes from the IP Helper notifications
// (NotifyIpInterfaceChange, NotifyUnicastIpAddressChange, NotifyRouteChange2). Windows calls
// the callbacks on its own thread pool; CancelMibChangeNotify2 waits for running callbacks, so
// after stop() nothing touches the sink.
// winsock2.h must come before the IP Helper headers.
// clang-format off
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <netioapi.h>
// clang-format on

#include <array>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "change_source.hpp"

namespace qdyn::netmon {

namespace {

std::optional<IpAddress> addressOf(const SOCKADDR_INET& address) {
    if (address.si_family == AF_INET) {
        IpAddress::V4Bytes bytes{};
        std::memcpy(bytes.data(), &address.Ipv4.sin_addr, bytes.size());
        return IpAddress::fromV4(bytes);
    }
    if (address.si_family == AF_INET6) {
        IpAddress::V6Bytes bytes{};
        std::memcpy(bytes.data(), &address.Ipv6.sin6_addr, bytes.size());
        return IpAddress::fromV6(bytes);
    }
    return std::nullopt;
}

std::string nameOf(NET_IFINDEX index) {
    std::array<char, IF_MAX_STRING_SIZE + 1> name{};
    if (if_indextoname(index, name.data()) == nullptr) return {};
    return name.data();
}

class IpHelperSource final : public ChangeSource {
public:
    ~IpHelperSource() override { stop(); }

    [[nodiscard]] std::string_view name() const override { return "ip-helper"; }

    Result<void> start(ChangeSink& sink) override {
        m_sink = &sink;
        if (const auto status = NotifyIpInterfaceChange(AF_UNSPEC, &onInterface, this, FALSE, &m_interfaceHandle);
            status != NO_ERROR) {
            return fail("NotifyIpInterfaceChange", status);
        }
        if (const auto status = NotifyUnicastIpAddressChange(AF_UNSPEC, &onAddress, this, FALSE, &m_addressHandle);
            status != NO_ERROR) {
            return fail("NotifyUnicastIpAddressChange", status);
        }
        if (const auto status = NotifyRouteChange2(AF_UNSPEC, &onRoute, this, FALSE, &m_routeHandle);
            status != NO_ERROR) {
            return fail("NotifyRouteChange2", status);
        }
        return {};
    }

    void stop() override {
        for (HANDLE* handle : {&m_interfaceHandle, &m_addressHandle, &m_routeHandle}) {
            if (*handle != nullptr) CancelMibChangeNotify2(*handle);
            *handle = nullptr;
        }
    }

private:
    Result<void> fail(const char* what, DWORD status) {
        stop();
        return makeError(std::string(what) + " failed with error " + std::to_string(status));
    }

    // An interface's parameters change for many reasons (metrics, MTU); only a change of
    // "connected" per interface and family is a link change.
    static void CALLBACK onInterface(PVOID context, PMIB_IPINTERFACE_ROW row, MIB_NOTIFICATION_TYPE type) {
        auto* self = static_cast<IpHelperSource*>(context);
        if (row == nullptr || type == MibInitialNotification) return;
        NetworkChange change;
        change.interfaceIndex = row->InterfaceIndex;
        change.interfaceName = nameOf(row->InterfaceIndex);
        if (type == MibDeleteInstance) {
            change.kind = ChangeKind::LinkRemoved;
        } else {
            const bool up = row->Connected != FALSE;
            {
                const std::lock_guard lock(self->m_mutex);
                const auto [entry, inserted] = self->m_connected.try_emplace({row->InterfaceIndex, row->Family}, up);
                if (inserted ? !up : entry->second == up) return;
                entry->second = up;
            }
            change.kind = up ? ChangeKind::LinkUp : ChangeKind::LinkDown;
        }
        self->m_sink->push(std::move(change));
    }

    static void CALLBACK onAddress(PVOID context, PMIB_UNICASTIPADDRESS_ROW row, MIB_NOTIFICATION_TYPE type) {
        auto* self = static_cast<IpHelperSource*>(context);
        if (row == nullptr || type == MibInitialNotification) return;
        NetworkChange change;
        change.kind = type == MibDeleteInstance ? ChangeKind::AddressRemoved : ChangeKind::AddressAdded;
        change.interfaceIndex = row->InterfaceIndex;
        change.interfaceName = nameOf(row->InterfaceIndex);
        change.address = addressOf(row->Address);
        change.prefixLength = row->OnLinkPrefixLength;
        // A parameter change is the DAD state or a lifetime: the address may just have become
        // usable (or deprecated), which the IPv6 policy cares about.
        if (type == MibParameterNotification) change.detail = "parameters changed";
        self->m_sink->push(std::move(change));
    }

    static void CALLBACK onRoute(PVOID context, PMIB_IPFORWARD_ROW2 row, MIB_NOTIFICATION_TYPE type) {
        auto* self = static_cast<IpHelperSource*>(context);
        if (row == nullptr || type == MibInitialNotification || row->DestinationPrefix.PrefixLength != 0) return;
        NetworkChange change;
        change.kind = ChangeKind::DefaultRouteChanged;
        change.interfaceIndex = row->InterfaceIndex;
        change.interfaceName = nameOf(row->InterfaceIndex);
        change.address = addressOf(row->NextHop);
        change.detail = type == MibDeleteInstance ? "removed" : (type == MibAddInstance ? "added" : "changed");
        self->m_sink->push(std::move(change));
    }

    ChangeSink* m_sink = nullptr;
    HANDLE m_interfaceHandle = nullptr;
    HANDLE m_addressHandle = nullptr;
    HANDLE m_routeHandle = nullptr;
    std::mutex m_mutex;
    std::map<std::pair<NET_IFINDEX, ADDRESS_FAMILY>, bool> m_connected;
};

}  // namespace

std::unique_ptr<ChangeSource> makePlatformSource(const MonitorOptions& /*options*/) {
    return std::make_unique<IpHelperSource>();
}

}  // namespace qdyn::netmon
