// Fuzz target: how the verifier reads DNS replies from resolvers and authoritative servers (the
// zone from an SOA answer, the NS names, glue, the host's addresses through one CNAME). Any
// bytes that decode as a message are read without crashing, and what comes out keeps its caps
// and its promises (owners and families as asked).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "authority_discovery.hpp"
#include "qdyn/dns/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace dns = qdyn::dns;
    namespace detail = qdyn::agent::detail;
    const auto message = dns::decodeMessage(std::span<const std::uint8_t>(data, size));
    if (!message) return 0;
    // The names asked about are those of the message's own question, when it has one, so that
    // mutations reach the code paths where owners match.
    const dns::Name host = message->questions.empty() ? dns::Name::parse("home.dyn.example.test").value()
                                                      : message->questions.front().name;

    if (const auto zone = detail::zoneFromSoaReply(host, *message)) {
        if (zone->isRoot() || !host.isSubdomainOf(*zone)) std::abort();
    }
    const auto names = detail::nameServersFromReply(host, *message, 8);
    if (names.size() > 8) std::abort();
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i].isRoot() || std::count(names.begin(), names.end(), names[i]) != 1) std::abort();
        (void)detail::addressesOf(names[i], dns::rrtype::A, message->additional);
    }
    for (const std::uint16_t type : {dns::rrtype::A, dns::rrtype::AAAA}) {
        const auto found = detail::answerAddresses(host, type, *message);
        for (const auto& address : found.addresses) {
            if (address.isV4() != (type == dns::rrtype::A)) std::abort();
        }
        if (!std::is_sorted(found.addresses.begin(), found.addresses.end()) ||
            std::adjacent_find(found.addresses.begin(), found.addresses.end()) != found.addresses.end()) {
            std::abort();
        }
        if (found.unresolvedAlias && !found.alias) std::abort();
        (void)detail::displayName(host);
    }
    return 0;
}
