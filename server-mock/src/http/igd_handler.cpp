// The IGD echo's documents and SOAP answers. The descriptions are constant: their URLs are
// relative, so a control point resolves them against wherever it fetched the description from,
// and nothing here needs to know the server's own address.
#include "http/igd_handler.hpp"

#include <algorithm>
#include <string>

namespace qdyn::server::igd {

namespace {

constexpr std::string_view kXml = "text/xml; charset=\"utf-8\"";

// A device of the tree: its type, name and UDN, and what goes inside (services or devices).
std::string device(std::string_view type, std::string_view name, std::string_view uuid, const std::string& inner) {
    return "<device><deviceType>urn:schemas-upnp-org:device:" + std::string(type) + ":1</deviceType><friendlyName>" +
           std::string(name) +
           "</friendlyName><manufacturer>qdyn</manufacturer><modelName>qdyn-server</modelName><UDN>uuid:" +
           std::string(uuid) + "</UDN>" + inner + "</device>";
}

std::string descriptionText() {
    const std::string service = "<serviceList><service><serviceType>" + std::string(kServiceType) +
                                "</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId><SCPDURL>" +
                                std::string(kServiceDescriptionPath) + "</SCPDURL><controlURL>" +
                                std::string(kControlPath) + "</controlURL><eventSubURL></eventSubURL></service>" +
                                "</serviceList>";
    // Fixed UDNs: there is one such device per server, and nothing tracks it across restarts.
    const std::string connection =
        device("WANConnectionDevice", "qdyn-server WAN connection", "5164796e-0000-4000-8000-000000000003", service);
    const std::string wan = device("WANDevice", "qdyn-server WAN", "5164796e-0000-4000-8000-000000000002",
                                   "<deviceList>" + connection + "</deviceList>");
    return "<?xml version=\"1.0\"?>\r\n<root xmlns=\"urn:schemas-upnp-org:device-1-0\"><specVersion><major>1</major>"
           "<minor>0</minor></specVersion>" +
           device("InternetGatewayDevice", "qdyn-server IGD echo", "5164796e-0000-4000-8000-000000000001",
                  "<deviceList>" + wan + "</deviceList>") +
           "</root>\r\n";
}

constexpr std::string_view kServiceDescription =
    "<?xml version=\"1.0\"?>\r\n<scpd xmlns=\"urn:schemas-upnp-org:service-1-0\"><specVersion><major>1</major>"
    "<minor>0</minor></specVersion><actionList><action><name>GetExternalIPAddress</name><argumentList><argument>"
    "<name>NewExternalIPAddress</name><direction>out</direction><relatedStateVariable>ExternalIPAddress"
    "</relatedStateVariable></argument></argumentList></action></actionList><serviceStateTable>"
    "<stateVariable sendEvents=\"no\"><name>ExternalIPAddress</name><dataType>string</dataType></stateVariable>"
    "</serviceStateTable></scpd>\r\n";

std::string envelope(const std::string& body) {
    return "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
           "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>" +
           body + "</s:Body></s:Envelope>\r\n";
}

HttpReply xmlReply(unsigned status, std::string body, std::string summary) {
    HttpReply reply;
    reply.status = status;
    reply.contentType = std::string(kXml);
    reply.body = std::move(body);
    reply.logSummary = std::move(summary);
    return reply;
}

// UPnP Device Architecture 1.0, 3.2.2: an error is HTTP 500 with a SOAP fault carrying the
// UPnPError code and description.
HttpReply fault(int code, std::string_view description) {
    auto reply = xmlReply(500,
                          envelope("<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring>"
                                   "<detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" +
                                   std::to_string(code) + "</errorCode><errorDescription>" + std::string(description) +
                                   "</errorDescription></UPnPError></detail></s:Fault>"),
                          "igd fault " + std::to_string(code));
    reply.headers.emplace_back("EXT", "");
    return reply;
}

bool actionCharacter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::optional<std::string_view> soapActionFor(std::string_view header) {
    if (header.size() >= 2 && header.front() == '"' && header.back() == '"') {
        header = header.substr(1, header.size() - 2);
    }
    const auto hash = header.find('#');
    if (hash == std::string_view::npos || header.substr(0, hash) != kServiceType) return std::nullopt;
    const auto action = header.substr(hash + 1);
    if (action.empty() || action.size() > 64 || !std::all_of(action.begin(), action.end(), actionCharacter)) {
        return std::nullopt;
    }
    return action;
}

HttpReply rootDescription(const HttpRequestInfo&) {
    static const std::string text = descriptionText();
    return xmlReply(200, text, "igd description");
}

HttpReply serviceDescription(const HttpRequestInfo&) {
    return xmlReply(200, std::string(kServiceDescription), "igd service description");
}

HttpReply control(const HttpRequestInfo& request) {
    const auto action = soapActionFor(request.soapAction);
    if (!action || *action != "GetExternalIPAddress") return fault(401, "Invalid Action");
    if (!request.peer.isV4()) return fault(501, "Action Failed");
    auto reply = xmlReply(200,
                          envelope("<u:GetExternalIPAddressResponse xmlns:u=\"" + std::string(kServiceType) +
                                   "\"><NewExternalIPAddress>" + request.peer.toString() +
                                   "</NewExternalIPAddress></u:GetExternalIPAddressResponse>"),
                          "igd GetExternalIPAddress");
    reply.headers.emplace_back("EXT", "");
    return reply;
}

}  // namespace qdyn::server::igd
