// Fuzzes the server side of TSIG: arbitrary bytes verified as a request against a small key
// ring must never crash, and every answer the server builds must be what the client side
// expects: a signed answer verifies for the key that verified the request, an unsigned error
// carries an empty MAC, and a verified request stops verifying when its last octet changes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <variant>
#include <vector>

#include "qdyn/dns/tsig.hpp"
#include "qdyn/dns/tsig_server.hpp"

namespace {

using namespace qdyn;

constexpr std::uint64_t kTime = 1700000000;
// "qdyn-test-key-0123456789abcdef!!" in base64: the seed corpus is signed with it.
constexpr const char* kSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";

dns::TsigKeyring makeKeyring() {
    dns::TsigKeyring keyring;
    bool ok = keyring.add(dns::TsigKey::make("ddns-key", dns::TsigAlgorithm::HmacSha256, kSecret).value());
    ok = keyring.add(dns::TsigKey::make("sha1-key", dns::TsigAlgorithm::HmacSha1, kSecret).value()) && ok;
    ok = keyring.add(dns::TsigKey::make("sha512-key", dns::TsigAlgorithm::HmacSha512, kSecret).value()) && ok;
    if (!ok) std::abort();
    return keyring;
}

const dns::TsigKeyring& keyring() {
    static const dns::TsigKeyring instance = makeKeyring();
    return instance;
}

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "tsig_request fuzz: %s\n", what);
    std::abort();
}

// What the client side makes of a signed answer, as the client that sent the request would
// check it: its own MAC, and the answer's id.
dns::TsigVerdict clientVerdict(const std::vector<std::uint8_t>& response, const dns::TsigRequestCheck& check) {
    dns::SignedRequest request;
    request.mac = check.requestMac;
    request.id = check.message.header.id;
    return dns::verifyResponse(response, request, *check.key, kTime).verdict;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using enum dns::TsigRequestVerdict;
    const std::span<const std::uint8_t> input(data, size);
    const dns::TsigRequestCheck check = dns::verifyRequest(input, keyring(), kTime);

    dns::Message response;
    response.header = check.message.header;
    response.header.qr = true;
    response.questions = check.message.questions;
    const auto wire = dns::signServerResponse(response, check, kTime);
    if (!wire) fail("no answer for a request");
    const auto answer = dns::decodeMessage(*wire);
    if (!answer) fail("the answer does not decode");

    switch (check.verdict) {
        case Verified:
            if (clientVerdict(*wire, check) != dns::TsigVerdict::Verified) fail("a signed answer does not verify");
            {
                // The last octet belongs to the TSIG RR's other data (or its length): covered by the MAC.
                std::vector<std::uint8_t> changed(input.begin(), input.end());
                changed.back() ^= 0x01;
                if (dns::verifyRequest(changed, keyring(), kTime).verdict == Verified)
                    fail("a changed request verifies");
            }
            break;
        case BadTime:
            if (clientVerdict(*wire, check) != dns::TsigVerdict::ServerBadTime)
                fail("a BADTIME answer does not verify");
            break;
        case BadTrunc:
            if (clientVerdict(*wire, check) != dns::TsigVerdict::ServerError) fail("a BADTRUNC answer does not verify");
            break;
        case BadKey:
        case BadSig: {
            if (answer->header.rcode != dns::Rcode::NotAuth || answer->additional.empty()) fail("no NOTAUTH with TSIG");
            const auto* raw = std::get_if<dns::RawData>(&answer->additional.back().data);
            if (raw == nullptr) fail("an error answer without TSIG RDATA");
            const auto rdata = dns::decodeTsigRData(raw->bytes);
            if (!rdata || !rdata->mac.empty()) fail("an error answer that is not unsigned");
            break;
        }
        case FormErr:
            if (answer->header.rcode != dns::Rcode::FormErr) fail("FORMERR not answered as such");
            break;
        case Unsigned:
            if (!answer->additional.empty()) fail("an unsigned request got a TSIG RR");
            break;
    }
    return 0;
}
