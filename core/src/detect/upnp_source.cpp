// The UPnP IGD source over miniupnpc: discovery (or the given root description), the checks on
// what the description offers, then one SOAP GetExternalIPAddress whose answer is read strictly.
// miniupnpc is touched in this file only.
//
// The SOAP call goes through simpleUPnPcommand rather than UPNP_GetExternalIPAddress: the
// latter copies at most 15 characters of the value, so "192.168.100.1001" would come back as
// the valid "192.168.100.100"; and it keeps only the first of two values.
#include "qdyn/detect/upnp_source.hpp"

#include <utility>

#if defined(QDYN_HAVE_MINIUPNPC)
#include <miniupnpc/miniupnpc.h>
#include <miniupnpc/upnpreplyparse.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <type_traits>
#endif

namespace qdyn::detect {

namespace {

#if defined(QDYN_HAVE_MINIUPNPC)

constexpr std::string_view kIpConnection = "urn:schemas-upnp-org:service:WANIPConnection:";
constexpr std::string_view kPppConnection = "urn:schemas-upnp-org:service:WANPPPConnection:";
constexpr const char* kIgdDevice = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";

struct DevlistFree {
    void operator()(UPNPDev* list) const noexcept { freeUPNPDevlist(list); }
};
using Devlist = std::unique_ptr<UPNPDev, DevlistFree>;

struct MallocFree {
    void operator()(char* buffer) const noexcept { std::free(buffer); }
};

// The URLs and parsed description of one IGD; the URLs are freed on every path.
struct Igd {
    Igd() {
        std::memset(&urls, 0, sizeof urls);
        std::memset(&data, 0, sizeof data);
    }
    ~Igd() { FreeUPNPUrls(&urls); }
    Igd(const Igd&) = delete;
    Igd& operator=(const Igd&) = delete;

    UPNPUrls urls;
    IGDdatas data;
};

// The name-value list miniupnpc's reply parser fills, cleared on every path.
struct NameValues {
    NameValues() { std::memset(&data, 0, sizeof data); }
    ~NameValues() { ClearNameValueList(&data); }
    NameValues(const NameValues&) = delete;
    NameValues& operator=(const NameValues&) = delete;

    NameValueParserData data;
};

// "http://host:port" of an absolute http URL, or "" when it is not one.
std::string_view originOf(std::string_view url) {
    constexpr std::string_view scheme = "http://";
    if (url.size() <= scheme.size() || url.substr(0, scheme.size()) != scheme) return {};
    const auto slash = url.find('/', scheme.size());
    return url.substr(0, slash);
}

// simpleUPnPcommand lost its unused first argument (a socket) in later API versions; call
// whichever this miniupnpc has. A template, so the other branch is never compiled.
template <class Command>
char* soapCall(Command* command, const char* url, const char* service, const char* action, int* size) {
    if constexpr (std::is_invocable_v<Command*, int, const char*, const char*, const char*, UPNParg*, int*>) {
        return command(-1, url, service, action, nullptr, size);
    } else {
        return command(url, service, action, nullptr, size);
    }
}

// UPNP_GetValidIGD grew the IGD's WAN address as two more arguments (API 18), with new return
// codes. The result in one form: "" when `igd` holds a connected IGD, else why not.
template <class GetValidIgd>
std::string validIgd(GetValidIgd* getValidIgd, UPNPDev* devices, Igd& igd) {
    char lanAddress[64] = {};
    if constexpr (std::is_invocable_v<GetValidIgd*, UPNPDev*, UPNPUrls*, IGDdatas*, char*, int, char*, int>) {
        char wanAddress[64] = {};
        switch (
            getValidIgd(devices, &igd.urls, &igd.data, lanAddress, sizeof lanAddress, wanAddress, sizeof wanAddress)) {
            case 1:
            case 2:
                return {};  // connected (2: with a private address, which the detector reports as such)
            case 3:
                return "the IGD reports its WAN connection down";
            case 4:
                return "UPnP devices answered, but none is an Internet Gateway Device";
            default:
                return "no Internet Gateway Device among the UPnP devices that answered";
        }
    } else {
        switch (getValidIgd(devices, &igd.urls, &igd.data, lanAddress, sizeof lanAddress)) {
            // 2: not connected, or connected with a private or reserved address (CGNAT, a second
            // NAT), which this API cannot tell apart; the IGD's own answer below decides, and the
            // detector reports a private address as behind NAT.
            case 1:
            case 2:
                return {};
            case 3:
                return "UPnP devices answered, but none is an Internet Gateway Device";
            default:
                return "no Internet Gateway Device among the UPnP devices that answered";
        }
    }
}

// Finds the IGD: the given description, or SSDP. "" on success.
std::string findIgd(const UpnpOptions& options, Igd& igd) {
    char lanAddress[64] = {};
    if (!options.rootDescriptionUrl.empty()) {
        if (UPNP_GetIGDFromUrl(options.rootDescriptionUrl.c_str(), &igd.urls, &igd.data, lanAddress,
                               sizeof lanAddress) != 1) {
            return "cannot fetch the root description";
        }
        return {};
    }
    int error = UPNPDISCOVER_SUCCESS;
    // One search type, so the wait is the delay once: upnpDiscover waits it for each of four
    // types when nothing answers. IGD:2 devices answer searches for IGD:1 too (UDA 1.1, 1.3.2).
    // miniupnpc's SSDP MX is whole seconds: below one second it waits one second anyway.
    const auto delay = static_cast<int>(std::max<std::int64_t>(options.discoveryTimeout.count(), 1000));
    const Devlist devices(upnpDiscoverDevice(kIgdDevice, delay, nullptr, nullptr, UPNP_LOCAL_PORT_ANY, 0, 2, &error));
    if (!devices) {
        if (error != UPNPDISCOVER_SUCCESS)
            return "SSDP discovery failed (miniupnpc error " + std::to_string(error) + ")";
        return "no UPnP device answered the SSDP search within " + std::to_string(delay) + " ms";
    }
    return validIgd(&UPNP_GetValidIGD, devices.get(), igd);
}

#endif  // QDYN_HAVE_MINIUPNPC

}  // namespace

bool upnpAvailable() noexcept {
#if defined(QDYN_HAVE_MINIUPNPC)
    return true;
#else
    return false;
#endif
}

Result<IpAddress> parseExternalIpAnswer(std::string_view body) {
#if defined(QDYN_HAVE_MINIUPNPC)
    // An answer is a few hundred octets; miniupnpc's parser takes an int length.
    if (body.size() > 65536) return makeError("the answer is too long (" + std::to_string(body.size()) + " octets)");
    NameValues values;
    ParseNameValue(body.data(), static_cast<int>(body.size()), &values.data);
    int addresses = 0;
    std::string address;
    const char* errorCode = nullptr;
    const char* errorDescription = nullptr;
    for (const NameValue* item = values.data.l_head; item != nullptr; item = item->l_next) {
        if (std::strcmp(item->name, "NewExternalIPAddress") == 0) {
            ++addresses;
            address = item->value;
        } else if (std::strcmp(item->name, "errorCode") == 0) {
            errorCode = item->value;
        } else if (std::strcmp(item->name, "errorDescription") == 0) {
            errorDescription = item->value;
        }
    }
    if (errorCode != nullptr) {
        return makeError(std::string("the IGD answered UPnP error ") + errorCode +
                         (errorDescription != nullptr ? std::string(" (") + errorDescription + ")" : std::string()));
    }
    if (addresses == 0) return makeError("the answer holds no NewExternalIPAddress");
    if (addresses > 1)
        return makeError("the answer holds " + std::to_string(addresses) + " NewExternalIPAddress values");
    if (address.empty()) return makeError("the IGD reports no external address (an empty NewExternalIPAddress)");
    const auto parsed = IpAddress::parse(address);
    // The value is at most 127 characters here: enough to show, never a flood.
    if (!parsed || !parsed->isV4()) return makeError("NewExternalIPAddress \"" + address + "\" is not an IPv4 address");
    // What an IGD whose WAN side is down tends to say.
    if (*parsed == IpAddress()) return makeError("the IGD reports no external address (0.0.0.0)");
    return *parsed;
#else
    (void)body;
    return makeError("qdyn was built without miniupnpc");
#endif
}

UpnpSource::UpnpSource(UpnpOptions options) : m_options(std::move(options)) {}

std::string UpnpSource::describe() const {
    return "upnp " +
           (m_options.rootDescriptionUrl.empty() ? std::string("SSDP discovery") : m_options.rootDescriptionUrl);
}

Result<std::vector<Candidate>> UpnpSource::detect(AddressFamily family) {
    if (family != AddressFamily::V4) return makeError(describe() + ": UPnP IGD (WANIPConnection:1) reports IPv4 only");
#if defined(QDYN_HAVE_MINIUPNPC)
    Igd igd;
    if (auto problem = findIgd(m_options, igd); !problem.empty()) return makeError(describe() + ": " + problem);

    const std::string_view serviceType = igd.data.first.servicetype;
    if (!serviceType.starts_with(kIpConnection) && !serviceType.starts_with(kPppConnection)) {
        return makeError(describe() + ": the description offers no WANIPConnection or WANPPPConnection service");
    }
    if (igd.data.first.controlurl[0] == '\0' || igd.urls.controlURL == nullptr) {
        return makeError(describe() + ": the " + std::string(serviceType) + " service has no control URL");
    }
    // The SOAP request goes where the description says; a description must not send it to
    // another machine than the one that served it.
    const std::string_view descriptionUrl =
        igd.urls.rootdescURL != nullptr ? std::string_view(igd.urls.rootdescURL) : m_options.rootDescriptionUrl;
    const auto origin = originOf(descriptionUrl);
    if (origin.empty() || originOf(igd.urls.controlURL) != origin) {
        return makeError(describe() + ": the control URL " + std::string(igd.urls.controlURL) +
                         " is not on the host that served the description");
    }

    int size = 0;
    const std::unique_ptr<char, MallocFree> answer(
        soapCall(&simpleUPnPcommand, igd.urls.controlURL, igd.data.first.servicetype, "GetExternalIPAddress", &size));
    if (!answer || size <= 0) {
        return makeError(describe() + ": no answer from the control URL " + std::string(igd.urls.controlURL));
    }
    auto address = parseExternalIpAnswer(std::string_view(answer.get(), static_cast<std::size_t>(size)));
    if (!address) return makeError(describe() + ": " + address.message());
    Candidate candidate;
    candidate.address = *address;
    return std::vector<Candidate>{candidate};
#else
    return makeError(describe() + ": qdyn was built without miniupnpc");
#endif
}

}  // namespace qdyn::detect
