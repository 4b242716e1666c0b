// Fuzz target: the SOAP side of the UPnP IGD echo, both ends. The input's first line is the
// SOAPACTION header, the rest the body: qdyn-server's control handler answers 200 only for
// exactly GetExternalIPAddress of WANIPConnection:1 from an IPv4 peer, with that peer's
// address, and a 401 or 501 fault otherwise; miniupnpc's reader in the client (where built
// with it) reads every answer back to the same address or fault code. The raw input also goes
// through the client's reader: what it accepts is one IPv4 address.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/igd_handler.hpp"
#include "qdyn/detect/upnp_source.hpp"

namespace igd = qdyn::server::igd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const std::string_view header = input.substr(0, newline);
    const std::string_view body = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    static const auto v4 = qdyn::IpAddress::parse("203.0.113.70").value();
    static const auto v6 = qdyn::IpAddress::parse("2001:db8::70").value();

    const auto action = igd::soapActionFor(header);
    if (action && (action->empty() || header.find(igd::kServiceType) == std::string_view::npos)) std::abort();
    for (const auto& peer : {v4, v6}) {
        qdyn::server::HttpRequestInfo request;
        request.method = "POST";
        request.target = std::string(igd::kControlPath);
        request.soapAction = std::string(header);
        request.body = std::string(body);
        request.peer = peer;
        const auto reply = igd::control(request);
        const bool asked = action && *action == "GetExternalIPAddress";
        if ((reply.status == 200) != (asked && peer.isV4())) std::abort();
        if (reply.status != 200 && reply.status != 500) std::abort();
        if (reply.status == 500 && reply.body.find(asked ? "<errorCode>501<" : "<errorCode>401<") == std::string::npos)
            std::abort();
        if (qdyn::detect::upnpAvailable()) {
            const auto read = qdyn::detect::parseExternalIpAnswer(reply.body);
            if (reply.status == 200 && (!read || *read != peer)) std::abort();
            if (reply.status == 500 && read) std::abort();
        }
    }

    if (const auto address = qdyn::detect::parseExternalIpAnswer(input)) {
        if (!address->isV4()) std::abort();
        if (input.find(address->toString()) == std::string_view::npos) std::abort();
    } else if (address.message().empty()) {
        std::abort();
    }
    return 0;
}
