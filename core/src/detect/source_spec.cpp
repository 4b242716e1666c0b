// Turning "kind:argument" texts into sources (the grammar is in source_spec.hpp).
#include "qdyn/detect/source_spec.hpp"

#include <charconv>
#include <string>

#include "qdyn/detect/command_source.hpp"
#include "qdyn/detect/dns_echo_source.hpp"
#include "qdyn/detect/file_source.hpp"
#include "qdyn/detect/http_echo_source.hpp"
#include "qdyn/detect/interface_source.hpp"
#include "qdyn/detect/myip_source.hpp"
#include "qdyn/detect/natpmp_source.hpp"
#include "qdyn/detect/static_source.hpp"
#include "qdyn/detect/stun_source.hpp"
#include "qdyn/detect/upnp_source.hpp"
#include "qdyn/protocols/http_update.hpp"

namespace qdyn::detect {

namespace {

using Sources = std::vector<std::shared_ptr<AddressSource>>;

// "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT".
struct HostPort {
    std::string host;
    std::optional<std::uint16_t> port;
};

Result<HostPort> hostPort(std::string_view text, std::string_view what) {
    HostPort out;
    std::string_view rest;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return makeError(std::string(what) + ": missing ']' in \"" + std::string(text) + "\"");
        out.host = std::string(text.substr(1, close - 1));
        rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return makeError(std::string(what) + ": junk after ']'");
    } else {
        const auto colon = text.find(':');
        // A bare IPv6 address has several colons: it is all host.
        if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
            out.host = std::string(text.substr(0, colon));
            rest = text.substr(colon);
        } else {
            out.host = std::string(text);
        }
    }
    if (out.host.empty()) return makeError(std::string(what) + ": no host");
    if (!rest.empty()) {
        const auto digits = rest.substr(1);
        unsigned value = 0;
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (error != std::errc{} || end != digits.data() + digits.size() || value == 0 || value > 65535) {
            return makeError(std::string(what) + ": bad port \"" + std::string(digits) + "\"");
        }
        out.port = static_cast<std::uint16_t>(value);
    }
    return out;
}

Result<Sources> httpSources(std::string_view kind, std::string_view url) {
    HttpEchoOptions options;
    if (url.empty()) {
        if (kind != "http") return makeError(std::string(kind) + " needs a URL");
        return Sources{std::make_shared<HttpEchoSource>(std::move(options))};
    }
    if (!url.starts_with("http://") && !url.starts_with("https://")) {
        return makeError(std::string(kind) + ": the URL must start with http:// or https://");
    }
    const EchoFormat format = kind == "http-json" ? EchoFormat::Json
                              : kind == "checkip" ? EchoFormat::CheckipHtml
                                                  : EchoFormat::PlainText;
    options.services = {HttpEchoService{std::string(url), format, true, true}};
    return Sources{std::make_shared<HttpEchoSource>(std::move(options))};
}

Result<Sources> dnsSources(std::string_view argument) {
    Sources out;
    if (argument.empty()) {
        for (const auto& preset : dnsEchoPresets()) out.push_back(std::make_shared<DnsEchoSource>(DnsEchoOptions{preset, {}}));
        return out;
    }
    for (const auto& preset : dnsEchoPresets()) {
        if (httpupdate::equalsIgnoringCase(preset.label, argument)) {
            out.push_back(std::make_shared<DnsEchoSource>(DnsEchoOptions{preset, {}}));
            return out;
        }
    }
    // SERVER[:PORT]/NAME[/txt]
    const auto slash = argument.find('/');
    if (slash == std::string_view::npos) {
        return makeError("dns: \"" + std::string(argument) + "\" is neither opendns, google, cloudflare nor SERVER/NAME");
    }
    auto where = hostPort(argument.substr(0, slash), "dns");
    if (!where) return where.error();
    const auto server = IpAddress::parse(where->host);
    if (!server) return makeError("dns: the server must be an address (got \"" + where->host + "\")");
    std::string_view name = argument.substr(slash + 1);
    DnsEchoQuery query;
    query.label = std::string(argument);
    if (const auto txt = name.rfind("/txt"); txt != std::string_view::npos && txt + 4 == name.size()) {
        query.answer = DnsEchoAnswer::Txt;
        name = name.substr(0, txt);
    }
    if (name.empty()) return makeError("dns: no name to ask");
    query.name = std::string(name);
    query.servers = {dns::ServerAddress{*server, where->port.value_or(53)}};
    out.push_back(std::make_shared<DnsEchoSource>(DnsEchoOptions{std::move(query), {}}));
    return out;
}

Result<Sources> stunSources(std::string_view argument) {
    Sources out;
    if (argument.empty()) {
        for (const auto& server : defaultStunServers()) out.push_back(std::make_shared<StunSource>(StunOptions{server}));
        return out;
    }
    auto where = hostPort(argument, "stun");
    if (!where) return where.error();
    StunOptions options;
    options.server = StunServer{where->host, where->port.value_or(3478)};
    out.push_back(std::make_shared<StunSource>(options));
    return out;
}

Result<Sources> myipSources(std::string_view argument) {
    if (argument.empty()) return makeError("myip needs a server (myip:HOST[:PORT])");
    auto where = hostPort(argument, "myip");
    if (!where) return where.error();
    MyipOptions options;
    options.host = where->host;
    options.port = where->port.value_or(kMyipPort);
    return Sources{std::make_shared<MyipSource>(options)};
}

Result<Sources> upnpSources(std::string_view argument) {
    UpnpOptions options;
    if (!argument.empty()) {
        // miniupnpc speaks plain HTTP only, as IGDs do.
        if (!argument.starts_with("http://") || argument.size() == 7) {
            return makeError("upnp: the root description URL must start with http:// (upnp:http://HOST:PORT/PATH)");
        }
        options.rootDescriptionUrl = std::string(argument);
    }
    return Sources{std::make_shared<UpnpSource>(std::move(options))};
}

Result<Sources> natpmpSources(std::string_view argument) {
    NatpmpOptions options;
    if (!argument.empty()) {
        const auto gateway = IpAddress::parse(argument);
        if (!gateway || !gateway->isV4()) {
            return makeError("natpmp: the gateway must be an IPv4 address (got \"" + std::string(argument) + "\")");
        }
        options.gateway = *gateway;
    }
    return Sources{std::make_shared<NatpmpSource>(options)};
}

Result<Sources> commandSources(std::string_view argument) {
    CommandOptions options;
    std::size_t at = 0;
    while (at < argument.size()) {
        while (at < argument.size() && (argument[at] == ' ' || argument[at] == '\t')) ++at;
        const auto start = at;
        while (at < argument.size() && argument[at] != ' ' && argument[at] != '\t') ++at;
        if (at > start) options.argv.emplace_back(argument.substr(start, at - start));
    }
    if (options.argv.empty()) return makeError("command needs a program (command:PROGRAM [ARG ...])");
    return Sources{makeCommandSource(std::move(options))};
}

}  // namespace

Result<std::vector<std::shared_ptr<AddressSource>>> sourcesFromSpec(std::string_view spec) {
    const auto colon = spec.find(':');
    const std::string_view kind = spec.substr(0, colon);
    const std::string_view argument = colon == std::string_view::npos ? std::string_view() : spec.substr(colon + 1);
    if (colon != std::string_view::npos && argument.empty()) return makeError("\"" + std::string(spec) + "\": nothing after ':'");
    if (kind == "interface") return Sources{makeInterfaceSource(InterfaceOptions{std::string(argument)})};
    if (kind == "static") {
        const auto address = IpAddress::parse(argument);
        if (!address) return makeError("static: \"" + std::string(argument) + "\" is not an address");
        return Sources{makeStaticSource(*address)};
    }
    if (kind == "file") {
        if (argument.empty()) return makeError("file needs a path (file:PATH)");
        return Sources{makeFileSource(std::string(argument))};
    }
    if (kind == "command") return commandSources(argument);
    if (kind == "http" || kind == "http-json" || kind == "checkip") return httpSources(kind, argument);
    if (kind == "dns") return dnsSources(argument);
    if (kind == "stun") return stunSources(argument);
    if (kind == "myip") return myipSources(argument);
    if (kind == "upnp") return upnpSources(argument);
    if (kind == "natpmp") return natpmpSources(argument);
    return makeError("unknown source \"" + std::string(kind) +
                     "\" (interface, static, file, command, http, http-json, checkip, dns, stun, myip, upnp, natpmp)");
}

// The router sources (upnp, natpmp) are left out on purpose: the defaults go from what this
// machine knows to what the internet sees, and the router sits in between with an answer that
// is wrong behind a second NAT (CGNAT, a provider's box in front): it reports its own WAN side.
// Most routers also have both protocols switched off, so asking them would cost every default
// run an SSDP wait and a NAT-PMP timeout for nothing. A profile names them when its router
// speaks them.
std::vector<std::string_view> defaultSourceSpecs() { return {"interface", "stun", "dns", "http"}; }

}  // namespace qdyn::detect
