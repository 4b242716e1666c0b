// The UPnP IGD source: asks the router's WANIPConnection (or WANPPPConnection) service for its
// external address (SOAP GetExternalIPAddress) through miniupnpc where qdyn was built with it;
// the router is found by SSDP, or named by its root description URL (no multicast then).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/detect/source.hpp"

namespace qdyn::detect {

struct UpnpOptions {
    // The IGD's root description, e.g. "http://192.0.2.1:5000/rootDesc.xml". Empty: SSDP
    // discovery on the local network.
    std::string rootDescriptionUrl;
    // How long SSDP waits for devices to answer (only without a URL; at least one second, as
    // miniupnpc's MX is whole seconds). The HTTP steps after it are bounded by miniupnpc
    // itself: a few seconds for each connect and each receive.
    std::chrono::milliseconds discoveryTimeout{2000};
};

// Whether this build has miniupnpc. Without it the source still exists, and every detect() is
// an Error saying so (never an empty answer that would look like "no address").
bool upnpAvailable() noexcept;

// The address in the body of a GetExternalIPAddress answer, read with miniupnpc's parser:
// exactly one NewExternalIPAddress holding one IPv4 address and no UPnP error. An Error says
// what came instead (the fault's errorCode and errorDescription, no or two addresses, an empty
// value, text that is not an IPv4 address). Without miniupnpc: always an Error.
Result<IpAddress> parseExternalIpAnswer(std::string_view body);

class UpnpSource final : public AddressSource {
public:
    explicit UpnpSource(UpnpOptions options);

    [[nodiscard]] std::string_view kind() const override { return "upnp"; }
    [[nodiscard]] std::string describe() const override;
    // IPv4 only (WANIPConnection:1 carries IPv4): an IPv6 request is an Error without any
    // traffic. A description without a WAN connection service, a control URL on another host
    // than the description, a SOAP fault or a malformed answer is an Error naming it.
    Result<std::vector<Candidate>> detect(AddressFamily family) override;

private:
    UpnpOptions m_options;
};

}  // namespace qdyn::detect
