// The provider catalog as one sorted table. Endpoints and IPv6 conventions come from each
// provider's published update documentation (the sources are listed in the README's provider
// section); a provider that changes its API changes one row here.
#include "qdyn/providers/catalog.hpp"

#include <algorithm>
#include <array>

namespace qdyn::providers {

namespace {

// Self-hosted rows leave the server empty: only the profile knows where the user's server runs.
constexpr std::array kProviders{
    Provider{"desec", "deSEC (dedyn.io)", "dyndns2", "https://update.dedyn.io", "", "myipv6",
             "username = the domain name (e.g. example.dedyn.io), password = a deSEC token; an update that names "
             "only one family clears the other's record, so both go in one request; update6.dedyn.io forces IPv6"},
    Provider{"dnsomatic", "DNS-O-Matic (OpenDNS)", "dyndns2", "https://updates.dnsomatic.com", "", "",
             "username/password = the DNS-O-Matic (OpenDNS) account; hostname all.dnsomatic.com updates every "
             "linked service; IPv4 only"},
    Provider{"dyn", "Dyn (Oracle)", "dyndns2", "https://members.dyndns.org", "", "separate",
             "username = the Dyn account name, password = its updater client key (or the account password on "
             "legacy accounts); the original dyndns2 reference; one address per request"},
    Provider{"dynonym", "dynonym (self-hosted)", "dynonym", "", "", "",
             "server = your dynonym instance; username/password = a dynonym user granted the domain "
             "(HTTP Basic, GET /dns/update)"},
    Provider{"dynu", "Dynu", "dyndns2", "https://api.dynu.com", "", "myipv6",
             "username = the Dynu account name, password = the account password (or its MD5/SHA-256 hex, or an "
             "IP-update password); IPv6 travels in myipv6"},
    Provider{"dynv6", "dynv6", "dyndns2", "https://dynv6.com", "", "",
             "username is ignored (e.g. none), password = the zone's HTTP token; the dyndns2 endpoint updates "
             "only the zone's IPv4 address (for IPv6 use provider dynv6-api)"},
    Provider{"dynv6-api", "dynv6 (update API, IPv4 and IPv6)", "custom", "https://dynv6.com",
             "/api/update?zone=<domain>&token=<pass>&ipv4=<ipaddr>&ipv6=<ip6addr>", "",
             "username is unused, password = the zone's HTTP token (sent in the URL, as dynv6 requires); an "
             "address left out keeps its record, so give both (detected or --address)"},
    Provider{"gnudip", "GnuDIP (self-hosted)", "gnudip", "", "", "",
             "server = your GnuDIP server; the name updated is username.domain; salted MD5 login, IPv4 only"},
    Provider{"he", "Hurricane Electric (dns.he.net)", "dyndns2", "https://dyn.dns.he.net", "", "separate",
             "username = the record's hostname, password = that record's DDNS key (set per record on "
             "dns.he.net); A and AAAA are updated by separate requests"},
    Provider{"minidns", "miniDNS (self-hosted)", "minidns", "", "", "",
             "server = your miniDNS server; username/password = the miniDNS account (HTTP GET /areg.php, "
             "credentials in the query)"},
    Provider{"nanodnsd", "nanodnsd (self-hosted)", "nanodnsd", "", "", "",
             "server = your nanodnsd; password = the host's token (the username is ignored); a family left out "
             "removes its record"},
    Provider{"noip", "No-IP", "dyndns2", "https://dynupdate.no-ip.com", "", "comma",
             "username = the No-IP account email or username (or a DDNS key's username), password = its "
             "password; both families in myip=v4,v6"},
    Provider{"nsupdate-info", "nsupdate.info", "dyndns2", "https://nsupdate.info", "", "separate",
             "username = the host's FQDN, password = that host's update secret; IPv4 and IPv6 are independent "
             "updates; ipv4.nsupdate.info / ipv6.nsupdate.info force the family when no address is sent"},
    Provider{"ovh", "OVH DynHost", "dyndns2", "https://www.ovh.com", "", "separate",
             "username = the DynHost identifier (domain.tld-suffix), password = its password; the DynHost "
             "record must exist in the OVH zone first"},
    Provider{"qdyn-server", "qdyn-server (self-hosted)", "dyndns2", "", "", "comma",
             "server = your qdyn-server's HTTP listener; username/password = an [[account]] of its config; "
             "accepts every IPv6 convention"},
    Provider{"strato", "STRATO", "dyndns2", "https://dyndns.strato.com", "", "comma",
             "username = the domain of your STRATO package (e.g. example.de), password = the DynDNS password set "
             "in the STRATO customer login; both families in myip=v4,v6"},
};

constexpr bool isNameCharacter(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

constexpr bool isValidName(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), isNameCharacter);
}

// Checked when the library compiles, so a badly placed new row never ships; the unit test
// repeats the checks with readable messages.
static_assert(std::is_sorted(kProviders.begin(), kProviders.end(),
                             [](const Provider& a, const Provider& b) { return a.name < b.name; }));
static_assert(std::adjacent_find(kProviders.begin(), kProviders.end(), [](const Provider& a, const Provider& b) {
                  return a.name == b.name;
              }) == kProviders.end());
static_assert(std::all_of(kProviders.begin(), kProviders.end(), [](const Provider& p) { return isValidName(p.name); }));

constexpr char toLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::span<const Provider> catalog() { return kProviders; }

const Provider* findProvider(std::string_view name) {
    // Names are lower case, so lower-casing the query is a case-insensitive match.
    const auto match = std::find_if(kProviders.begin(), kProviders.end(), [name](const Provider& provider) {
        return std::equal(provider.name.begin(), provider.name.end(), name.begin(), name.end(),
                          [](char stored, char asked) { return stored == toLowerAscii(asked); });
    });
    return match == kProviders.end() ? nullptr : &*match;
}

}  // namespace qdyn::providers
