// qdyn-server's UPnP IGD echo ([http] igd = true): a root device description (an
// InternetGatewayDevice:1 holding one WANIPConnection:1 service), the service's description, and
// its SOAP control URL answering GetExternalIPAddress with the address the request came from,
// so the UPnP source (miniupnpc) is tested against a real server. Only what that action needs is
// there: no SSDP, no eventing, no port mappings.
//
// The action is read from the SOAPACTION header, exactly "urn:...:WANIPConnection:1#ACTION"
// (quoted or not), as IGDs do; any other action or service, or no header, is UPnP error 401
// Invalid Action; an IPv6 peer gets 501 Action Failed (the service carries IPv4 only).
#pragma once

#include <optional>
#include <string_view>

#include "qdyn_server/http_message.hpp"

namespace qdyn::server::igd {

inline constexpr std::string_view kDescriptionPath = "/igd/rootDesc.xml";
inline constexpr std::string_view kServiceDescriptionPath = "/igd/WANIPConn1.xml";
inline constexpr std::string_view kControlPath = "/igd/control/WANIPConn1";
inline constexpr std::string_view kServiceType = "urn:schemas-upnp-org:service:WANIPConnection:1";

HttpReply rootDescription(const HttpRequestInfo& request);     // GET kDescriptionPath
HttpReply serviceDescription(const HttpRequestInfo& request);  // GET kServiceDescriptionPath
HttpReply control(const HttpRequestInfo& request);             // POST kControlPath

// The action a SOAPACTION header names for kServiceType ("GetExternalIPAddress"), or nullopt
// when it names another service, is malformed, or is empty.
std::optional<std::string_view> soapActionFor(std::string_view header);

}  // namespace qdyn::server::igd
