// Fuzz target: zone transfers at the handler (TransferHandler::handles, the raw look at every
// query, and handle: TSIG, the access list, AXFR, IXFR from a journal), on arbitrary message
// bytes from a listed secondary over TCP and UDP. Checked: nothing crashes; handles() never
// claims a message the codec would show is no transfer and unsigned; every message of a reply
// decodes, echoes the id with QR set and fits 64 KiB; a transfer opens and closes with the SOA.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>

#include "qdyn/dns/message.hpp"
#include "qdyn_server/config.hpp"
#include "qdyn_server/update_service.hpp"
#include "qdyn_server/zone.hpp"
#include "xfr/journal.hpp"
#include "xfr/transfer_handler.hpp"

namespace {

using namespace qdyn;
using namespace qdyn::server;

constexpr std::uint32_t kNow = 1700000000;

constexpr const char* kConfig = R"(
[zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["192.0.2.53"]

[[account]]
name = "alice"
password = "pw-a"
hosts = ["home"]

[[record]]
name = "www"
type = "CNAME"
value = "home"

[[tsig_key]]
name = "xfr-key"
secret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE="

[[secondary]]
address = "192.0.2.10"

[[secondary]]
address = "127.0.0.1"
tsig_key = "xfr-key"
)";

// A zone with a journal of two steps (serials 1000 -> 1700000000 -> 1700000001).
struct Fixture {
    Config config = Config::parse(kConfig, "fuzz.toml").value();
    Zone zone{buildInitialSnapshot(config, 1000).value()};
    UpdateService updates{config, zone, nullptr, [] { return kNow; }};
    ZoneJournal journal{10};
    TransferHandler handler{config, journal, [] { return std::uint64_t{kNow}; }, 1024};

    Fixture() {
        updates.addListener(journal);
        for (const char* address : {"203.0.113.7", "203.0.113.8"}) {
            HostUpdate update;
            update.v4 = IpAddress::parse(address);
            updates.apply(config.accounts[0], dns::Name::parse("home.dyn.example.test").value(), update);
        }
    }
};

Fixture& fixture() {
    static Fixture instance;
    return instance;
}

void fail(const char* why) {
    std::fprintf(stderr, "dns_transfer fuzz: %s\n", why);
    std::abort();
}

void checkMessage(const std::vector<std::uint8_t>& wire, std::span<const std::uint8_t> request) {
    if (wire.size() > 65535) fail("a message over 64 KiB");
    const auto message = dns::decodeMessage(wire);
    if (!message) fail("an undecodable reply");
    if (!message->header.qr) fail("a reply without QR");
    if (message->header.id != static_cast<std::uint16_t>(request[0] << 8U | request[1]))
        fail("a reply with another id");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Fixture& f = fixture();
    const std::span<const std::uint8_t> input(data, size);
    if (!TransferHandler::handles(input)) return 0;
    if (const auto decoded = dns::decodeMessage(input)) {
        bool transfer = false;
        for (const auto& question : decoded->questions)
            transfer = transfer || question.type == 251 || question.type == 252;
        const dns::ResourceRecord* last = !decoded->additional.empty()  ? &decoded->additional.back()
                                          : !decoded->authority.empty() ? &decoded->authority.back()
                                          : !decoded->answers.empty()   ? &decoded->answers.back()
                                                                        : nullptr;
        const bool signedQuery = last != nullptr && last->type == dns::rrtype::TSIG;
        if (!transfer && !signedQuery) fail("handles() took a message that is neither a transfer nor signed");
    }
    for (const char* peer : {"192.0.2.10", "127.0.0.1"}) {
        for (const auto transport : {DnsTransport::Tcp, DnsTransport::Udp}) {
            auto reply = f.handler.handle(input, IpAddress::parse(peer).value(), transport, f.zone.snapshot());
            if (!reply.reply.stream) {
                if (!reply.reply.wire.empty()) checkMessage(reply.reply.wire, input);
                continue;
            }
            if (transport == DnsTransport::Udp) fail("a stream over UDP");
            std::size_t soas = 0;
            std::size_t messages = 0;
            bool lastWasSoa = false;
            for (auto wire = reply.reply.stream(); !wire.empty(); wire = reply.reply.stream()) {
                checkMessage(wire, input);
                const auto decoded = dns::decodeMessage(wire).value();
                for (const auto& rr : decoded.answers) {
                    if (messages == 0 && soas == 0 && rr.type != dns::rrtype::SOA)
                        fail("a transfer not opened by the SOA");
                    soas += rr.type == dns::rrtype::SOA ? 1 : 0;
                    lastWasSoa = rr.type == dns::rrtype::SOA;
                }
                if (++messages > 1000) fail("a transfer that does not end");
            }
            if (messages == 0 || !lastWasSoa || soas < 2) fail("a transfer not closed by the SOA");
        }
    }
    return 0;
}
