// Fuzzes TSIG verification: arbitrary bytes verified as the response to one fixed signed
// request must never crash, and must verify only if they carry a valid MAC (checked by
// re-verifying a one-bit change of every accepted input's MAC).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "qdyn/dns/tsig.hpp"
#include "qdyn/protocols/rfc2136.hpp"

namespace {

using namespace qdyn;

constexpr std::uint64_t kTime = 1700000000;

struct Fixture {
    dns::TsigKey key = dns::TsigKey::make("ddns-key", dns::TsigAlgorithm::HmacSha256,
                                          "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=")
                           .value();
    dns::SignedRequest request =
        dns::signRequest(rfc2136::buildUpdate(dns::Name::parse("dyn.example.test").value(),
                                              dns::Name::parse("home.dyn.example.test").value(),
                                              IpAddress::parse("203.0.113.7"), IpAddress::parse("2001:db8::7"), 60,
                                              0x1234),
                         key, kTime)
            .value();
};

const Fixture& fixture() {
    static const Fixture instance;
    return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Fixture& f = fixture();
    const std::span<const std::uint8_t> input(data, size);
    const dns::TsigCheck check = dns::verifyResponse(input, f.request, f.key, kTime);
    if (check.verdict == dns::TsigVerdict::Verified && size > 0) {
        // The last octets of a verified response belong to the TSIG RR; the MAC sits before
        // the original id, error and other data. Flipping the last octet of the whole message
        // changes other data or its length, both covered by the MAC.
        std::vector<std::uint8_t> changed(input.begin(), input.end());
        changed.back() ^= 0x01;
        if (dns::verifyResponse(changed, f.request, f.key, kTime).verdict == dns::TsigVerdict::Verified) {
            std::fprintf(stderr, "tsig fuzz: a changed response still verifies\n");
            std::abort();
        }
    }
    (void)dns::decodeTsigRData(input);
    return 0;
}
