// Fuzz target: qdyn-server's DNS UPDATE handler on arbitrary message bytes, against a fresh copy of
// one zone per call (so a crash replays without the inputs before it). The clocks are fixed, so
// the signed seeds in corpus/dns_update/ (tests/fuzz/make_dns_update_corpus.py) stay valid.
//
// Each input is handled twice: as it is (TSIG, header and codec paths), and, when it decodes to
// an unsigned UPDATE, signed here with the configured key, because a mutated signed message
// almost never verifies and the prerequisite and update rules behind TSIG would stay unexplored.
// Checked: an answer is a decodable message echoing the id and QR set, small enough for UDP,
// with a one-line log; only runts and responses are dropped; the zone changes only on NOERROR;
// every answer to a request signed with our key verifies with the client's verifyResponse; an
// answer fed back in is dropped (it is a response).
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>

#include "dns/update_handler.hpp"
#include "qdyn/dns/message.hpp"
#include "qdyn/dns/tsig.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/dns_responder.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"

namespace {

using namespace qdyn;
using namespace qdyn::server;

constexpr std::uint32_t kNow = 1700000000;  // the seeds are signed at this time
constexpr const char* kSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";

// One key (alice's); bob's host is there to be refused, the static records to be protected.
constexpr const char* kConfig = R"(
[zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["192.0.2.53"]
email = "hostmaster@example.test"

[[account]]
name = "alice"
password = "pw-a"
hosts = ["home", "mixed"]

[[account]]
name = "bob"
password = "pw-b"
hosts = ["office"]

[[record]]
name = "mixed"
type = "TXT"
value = "static text"

[[record]]
name = "www"
type = "CNAME"
value = "home"

[[tsig_key]]
name = "alice-key"
algorithm = "hmac-sha256"
secret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE="
account = "alice"
)";

struct Fixture {
    Fixture()
        : config(Config::parse(kConfig, "fuzz.toml").value()),
          key(dns::TsigKey::make("alice-key", dns::TsigAlgorithm::HmacSha256, kSecret).value()),
          peer(IpAddress::parse("192.0.2.10").value()) {
        // home starts with an address, so deletes and prerequisites have something to find.
        Zone zone(buildInitialSnapshot(config, 1000).value());
        UpdateService updates(config, zone, nullptr, [] { return kNow; });
        static_cast<void>(updates.apply(config.accounts[0], dns::Name::parse("home.dyn.example.test").value(),
                                        {IpAddress::parse("203.0.113.7"), std::nullopt, false, false, false}));
        base = zone.snapshot();
    }
    Config config;
    dns::TsigKey key;
    IpAddress peer;
    std::shared_ptr<const ZoneSnapshot> base;
};

void handleOnce(const Fixture& fixture, std::span<const std::uint8_t> request, DnsTransport transport,
                const dns::SignedRequest* signedByUs) {
    Zone zone(fixture.base);
    UpdateService updates(fixture.config, zone, nullptr, [] { return kNow; });
    const DnsUpdateHandler handler(fixture.config, updates, [] { return std::uint64_t{kNow}; });

    const auto reply = handler.handle(request, fixture.peer, transport);
    if (reply.wire.empty()) {
        if (request.size() >= 12 && (request[2] & 0x80U) == 0) std::abort();  // only runts and responses
        if (zone.snapshot() != fixture.base) std::abort();
        return;
    }
    if (reply.wire.size() < 12 || reply.wire.size() > kMaxUdpPayload) std::abort();
    if (reply.wire[0] != request[0] || reply.wire[1] != request[1] || (reply.wire[2] & 0x80U) == 0) std::abort();
    const auto decoded = dns::decodeMessage(reply.wire);
    if (!decoded) std::abort();
    if (zone.snapshot() != fixture.base && decoded->header.rcode != dns::Rcode::NoError) std::abort();
    if (reply.logLine.empty() || reply.logLine.find('\n') != std::string::npos) std::abort();
    if (signedByUs != nullptr &&
        dns::verifyResponse(reply.wire, *signedByUs, fixture.key, kNow).verdict != dns::TsigVerdict::Verified) {
        std::abort();
    }
    if (!handler.handle(reply.wire, fixture.peer, DnsTransport::Udp).wire.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Fixture fixture;
    const std::span<const std::uint8_t> request(data, size);
    const auto transport = size % 2 == 0 ? DnsTransport::Udp : DnsTransport::Tcp;
    handleOnce(fixture, request, transport, nullptr);

    auto message = dns::decodeMessage(request);
    if (!message || message->header.qr || message->header.opcode != dns::Opcode::Update) return 0;
    // A TSIG RR anywhere makes our signed copy malformed (FORMERR, unsigned): nothing to verify.
    for (const auto* section : {&message->answers, &message->authority, &message->additional}) {
        for (const auto& rr : *section) {
            if (rr.type == dns::rrtype::TSIG) return 0;
        }
    }
    auto signedRequest = dns::signRequest(*message, fixture.key, kNow);
    // The encoder cannot always re-encode what the decoder accepted (RDATA grown past 65535
    // octets, say); such an input has had its run above.
    if (!signedRequest) return 0;
    handleOnce(fixture, signedRequest->wire, transport, &*signedRequest);
    return 0;
}
