// The provider catalog: DDNS services as rows of data over the protocol implementations, so a
// profile can say `provider = "dynu"` instead of spelling out a server, a path and an IPv6
// convention. A provider is never a class (DESIGN.md, "Providers are data").
#pragma once

#include <span>
#include <string_view>

namespace qdyn::providers {

struct Provider {
    std::string_view name;         // what a profile names: lower case, [a-z0-9-] ("dyn", "noip", "he")
    std::string_view title;        // "Dyn (Oracle)", for listings
    std::string_view protocol;     // a protocol registry name ("dyndns2", "custom", ...)
    std::string_view server;       // base URL with scheme ("https://members.dyndns.org")
    std::string_view path;         // request path, or a URL template for "custom"; empty: protocol default
    std::string_view ipv6;         // dyndns2 IPv6 convention: "comma", "myipv6", "separate"; empty: none/default
    std::string_view notes;        // one line: what the username/password are, quirks
};

// Every provider, sorted by name. The list a test checks and `qdyn providers` prints.
std::span<const Provider> catalog();
// The provider of that exact name (case-insensitive), or null.
const Provider* findProvider(std::string_view name);

}  // namespace qdyn::providers
