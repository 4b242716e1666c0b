// Fuzz target: the dyndns2 reply classifier on arbitrary bodies and statuses. It must return
// exactly one outcome per host, in request order, whatever the server sends.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "qdyn/protocols/dyndns2.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const long status = 100 + (data[0] | (data[1] << 8)) % 500;
    const std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);
    static const std::vector<std::string> hosts{"a.example.test", "b.example.test", "c.example.test"};
    const qdyn::dyndns2::ReplyContext context{qdyn::IpAddress::parse("203.0.113.7"), std::nullopt, false};
    const auto outcomes = qdyn::dyndns2::classifyReply(hosts, status, body, context);
    if (outcomes.size() != hosts.size()) std::abort();
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        if (outcomes[i].host != hosts[i] || outcomes[i].code.empty()) std::abort();
    }
    return 0;
}
