// The DNS echo source: names whose authoritative server answers with the querier's address
// (OpenDNS myip.opendns.com, Google's o-o.myaddr.l.google.com TXT, Cloudflare's CH TXT
// whoami.cloudflare, qdyn-server's [dns] whoami), asked directly with qdyn's own DNS client.
// Only a direct query works: through a resolver the answer would be the resolver's address.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/detect/source.hpp"
#include "qdyn/dns/message.hpp"
#include "qdyn/dns/transport.hpp"

namespace qdyn::detect {

enum class DnsEchoAnswer : std::uint8_t {
    AddressRecord,  // A when asked for IPv4, AAAA for IPv6
    Txt,            // one TXT record holding the address as text
};

struct DnsEchoQuery {
    std::string label;  // for people: "OpenDNS"
    std::string name;   // the name asked
    std::uint16_t klass = dns::rrclass::Internet;
    DnsEchoAnswer answer = DnsEchoAnswer::AddressRecord;
    // The server to ask for each family: the query must travel over the family asked about.
    std::vector<dns::ServerAddress> servers;
};

// OpenDNS, Google and Cloudflare with their servers' addresses, as data; tests never use them.
std::span<const DnsEchoQuery> dnsEchoPresets();

// The one address a reply gives for `question`. An Error for a failure rcode, a truncated
// reply, no record of the question's name, class and type, a record that is not an address,
// two different addresses, or an address of the other family.
Result<IpAddress> addressFromEchoReply(const dns::Message& reply, const dns::Question& question, AddressFamily family);

struct DnsEchoOptions {
    DnsEchoQuery query;
    dns::QueryOptions transport{std::chrono::milliseconds(1500), 2};
};

class DnsEchoSource final : public AddressSource {
public:
    explicit DnsEchoSource(DnsEchoOptions options);

    [[nodiscard]] std::string_view kind() const override { return "dns"; }
    [[nodiscard]] std::string describe() const override;
    // Over UDP to the server of `family`: replies with a wrong id or question, or from another
    // address or port, are ignored by the transport until the timeout.
    Result<std::vector<Candidate>> detect(AddressFamily family) override;

private:
    DnsEchoOptions m_options;
};

}  // namespace qdyn::detect
