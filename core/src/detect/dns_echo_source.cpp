// The DNS echo source: the presets, the query and the strict reading of its reply.
#include "qdyn/detect/dns_echo_source.hpp"

#include <utility>

namespace qdyn::detect {

namespace {

dns::ServerAddress server(std::string_view address, std::uint16_t port = 53) {
    return {IpAddress::parse(address).value(), port};
}

// The address one record gives, when it is a record of the kind asked for.
std::optional<IpAddress> recordAddress(const dns::ResourceRecord& record) {
    if (const auto* a = std::get_if<dns::AData>(&record.data)) return IpAddress::fromV4(a->address);
    if (const auto* aaaa = std::get_if<dns::AaaaData>(&record.data)) return IpAddress::fromV6(aaaa->address);
    if (const auto* txt = std::get_if<dns::TxtData>(&record.data); txt != nullptr && txt->strings.size() == 1) {
        return IpAddress::parse(txt->strings.front());
    }
    return std::nullopt;
}

}  // namespace

std::span<const DnsEchoQuery> dnsEchoPresets() {
    // resolver1.opendns.com, ns1.google.com and one.one.one.one: their published addresses.
    static const std::vector<DnsEchoQuery> presets{
        {"OpenDNS",
         "myip.opendns.com",
         dns::rrclass::Internet,
         DnsEchoAnswer::AddressRecord,
         {server("208.67.222.222"), server("2620:119:35::35")}},
        {"Google",
         "o-o.myaddr.l.google.com",
         dns::rrclass::Internet,
         DnsEchoAnswer::Txt,
         {server("216.239.32.10"), server("2001:4860:4802:32::a")}},
        {"Cloudflare",
         "whoami.cloudflare",
         dns::rrclass::CH,
         DnsEchoAnswer::Txt,
         {server("1.1.1.1"), server("2606:4700:4700::1111")}},
    };
    return presets;
}

Result<IpAddress> addressFromEchoReply(const dns::Message& reply, const dns::Question& question, AddressFamily family) {
    if (reply.header.rcode != dns::Rcode::NoError) {
        return makeError("the server answered " + std::string(dns::toString(reply.header.rcode)));
    }
    if (reply.header.tc) return makeError("the reply is truncated");
    std::optional<IpAddress> found;
    for (const auto& record : reply.answers) {
        if (!(record.name == question.name) || record.klass != question.klass || record.type != question.type) continue;
        const auto address = recordAddress(record);
        if (!address) return makeError("a " + dns::typeToString(record.type) + " record that is not one address");
        if (found && *found != *address) return makeError("two addresses in one reply");
        found = address;
    }
    if (!found) return makeError("no " + dns::typeToString(question.type) + " record for " + question.name.toString());
    if (found->family() != family) {
        return makeError("asked about " + std::string(toString(family)) + ", got " + found->toString());
    }
    return *found;
}

DnsEchoSource::DnsEchoSource(DnsEchoOptions options) : m_options(std::move(options)) {}

std::string DnsEchoSource::describe() const {
    return "dns " + m_options.query.label + " (" + m_options.query.name + ")";
}

Result<std::vector<Candidate>> DnsEchoSource::detect(AddressFamily family) {
    const auto& query = m_options.query;
    const dns::ServerAddress* target = nullptr;
    for (const auto& candidate : query.servers) {
        if (candidate.address.family() == family) {
            target = &candidate;
            break;
        }
    }
    if (target == nullptr) return makeError(describe() + ": no " + std::string(toString(family)) + " server");
    auto name = dns::Name::parse(query.name);
    if (!name) return makeError(describe() + ": " + name.message());

    std::uint16_t type = dns::rrtype::TXT;
    if (query.answer == DnsEchoAnswer::AddressRecord) {
        type = family == AddressFamily::V4 ? dns::rrtype::A : dns::rrtype::AAAA;
    }
    auto message = dns::makeQuery(*name, type);
    message.questions.front().klass = query.klass;
    auto reply = dns::exchangeUdp(*target, message, m_options.transport);
    if (!reply) return makeError(describe() + ": " + reply.message());
    auto address = addressFromEchoReply(*reply, message.questions.front(), family);
    if (!address) return makeError(describe() + ": " + address.message());
    Candidate candidate;
    candidate.address = *address;
    return std::vector<Candidate>{candidate};
}

}  // namespace qdyn::detect
