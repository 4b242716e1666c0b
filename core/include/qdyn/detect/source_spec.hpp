// Sources named in text, as `qdyn detect --source` takes them (and profiles will):
//   interface[:NAME]           the local interfaces (all, or one)
//   static:ADDRESS             a fixed address
//   file:PATH                  the first address line of a file
//   command:PROGRAM [ARG ...]  a program's first output line; split at blanks, never a shell
//   http[:URL]                 an echo service answering with the plain address (no URL: the
//                              known public services); http-json:URL for {"ip":"A"},
//                              checkip:URL for the checkip.dyndns page
//   dns[:PRESET]               opendns, google or cloudflare (none: all three in turn), or
//   dns:SERVER[:PORT]/NAME[/txt]  a name whose server answers A/AAAA (or TXT) with the querier
//   stun[:HOST[:PORT]]         a STUN server (none: the known public ones in turn)
//   myip:HOST[:PORT]           miniDNS's myip service (UDP 9121)
//   upnp[:ROOT-DESC-URL]       the router's UPnP IGD (no URL: found by SSDP), IPv4 only
//   natpmp[:GATEWAY]           the router's NAT-PMP (no gateway: the default one), IPv4 only
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "qdyn/detect/source.hpp"
#include "qdyn/result.hpp"

namespace qdyn::detect {

// The source(s) one spec names; an Error says what is wrong with it. Presets that stand for a
// list ("http", "dns", "stun") give one source each, in the order they are tried.
Result<std::vector<std::shared_ptr<AddressSource>>> sourcesFromSpec(std::string_view spec);

// What `qdyn detect` asks when no source is named: the local interfaces, then STUN, DNS and
// HTTP echo services on the internet (not the router: source_spec.cpp says why).
std::vector<std::string_view> defaultSourceSpecs();

}  // namespace qdyn::detect
