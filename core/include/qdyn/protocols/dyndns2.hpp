// dyndns2 ("DynDNS-compatible") client: request building and the reply classifier.
// Wire rules: PROTOCOLS.md, section dyndns2.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/net/http_client.hpp"
#include "qdyn/protocols/protocol.hpp"
#include "qdyn/secret.hpp"

namespace qdyn::dyndns2 {

inline constexpr std::size_t kMaxHostsPerRequest = 20;

// How a provider wants both address families in one update.
enum class Ipv6Convention {
    CommaInMyip,       // myip=v4,v6 (ddclient, No-IP)
    MyipV6Parameter,   // myip=v4&myipv6=v6 (Dynu, deSEC, INWX)
    SeparateRequests,  // one request per family, one address in myip (inadyn)
};

std::optional<Ipv6Convention> parseIpv6Convention(std::string_view text);
std::string_view toString(Ipv6Convention convention) noexcept;

struct Settings {
    std::string baseUrl;              // "https://members.dyndns.org" or "http://127.0.0.1:8245"
    std::string path = "/nic/update";
    std::string username;
    Secret password;
    Ipv6Convention ipv6Convention = Ipv6Convention::CommaInMyip;
    std::chrono::milliseconds timeout{15000};
    bool verifyTls = true;
    std::string caFile;  // PEM CA bundle; empty: the system store
};

// The URL for one request: hostnames comma-joined, addresses per the convention; absent
// addresses are left out so the server uses the connecting address.
std::string buildUrl(const Settings& settings, const std::vector<std::string>& hosts,
                     const std::optional<IpAddress>& ipv4, const std::optional<IpAddress>& ipv6);

// The class of one reply code ("good", "nochg", "badauth", ...), nullopt for an unknown word.
std::optional<OutcomeClass> classifyCode(std::string_view code);

// What the client asked for, which some replies are judged against.
struct ReplyContext {
    std::optional<IpAddress> requestedIpv4;
    std::optional<IpAddress> requestedIpv6;
    bool serverOnLoopback = false;  // the connection went to 127/8 or ::1
};

// Sorts a whole reply into one outcome per host, in request order. The body is read whatever
// the HTTP status; only the first token of each line is compared, exactly.
std::vector<HostOutcome> classifyReply(const std::vector<std::string>& hosts, long httpStatus,
                                       std::string_view body, const ReplyContext& context);

class Client final : public UpdateProtocol {
public:
    explicit Client(Settings settings);
    [[nodiscard]] std::string_view name() const override { return "dyndns2"; }
    std::vector<HostOutcome> update(const UpdateRequest& request) override;
    [[nodiscard]] std::vector<std::string> describe(const UpdateRequest& request) const override;

private:
    // The requests update() sends: host chunks of at most 20, split by family when the
    // provider wants one request per family.
    struct Planned {
        std::size_t firstHost = 0;  // index of hosts[0] in the whole request
        std::vector<std::string> hosts;
        std::optional<IpAddress> ipv4;
        std::optional<IpAddress> ipv6;
    };
    [[nodiscard]] std::vector<Planned> plan(const UpdateRequest& request) const;
    std::vector<HostOutcome> send(const std::vector<std::string>& hosts, const std::optional<IpAddress>& ipv4,
                                  const std::optional<IpAddress>& ipv6);
    Settings m_settings;
    net::HttpClient m_http;
};

// "qdyn/0.1.0 (linux)": the User-Agent every qdyn HTTP request carries.
std::string userAgent();

}  // namespace qdyn::dyndns2
