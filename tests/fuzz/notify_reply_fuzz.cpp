// Fuzz target: the NOTIFY reply check (checkNotifyReply), the one parser of what a secondary
// sends back, on arbitrary datagrams judged against a fixed unsigned and a fixed signed NOTIFY.
// Checked: nothing crashes; an acknowledgement always has QR, opcode NOTIFY, the sent id and
// NOERROR; a reply accepted for the signed NOTIFY stops being accepted when one octet of it
// changes (its MAC covers every octet).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "xfr/notify_message.hpp"

namespace {

using namespace qdyn;
using namespace qdyn::server;

constexpr std::uint64_t kTime = 1700000000;

struct Fixture {
    dns::TsigKey key =
        dns::TsigKey::make("xfr-key", dns::TsigAlgorithm::HmacSha256, "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=")
            .value();
    dns::SoaData soa{dns::Name::parse("ns1.dyn.example.test").value(),
                     dns::Name::parse("hostmaster.example.test").value(),
                     1700000000,
                     600,
                     300,
                     604800,
                     600};
    SentNotify plain = makeNotify(dns::Name::parse("dyn.example.test").value(), soa, 0x4711, nullptr, kTime).value();
    SentNotify signedNotify =
        makeNotify(dns::Name::parse("dyn.example.test").value(), soa, 0x4712, &key, kTime).value();
};

const Fixture& fixture() {
    static const Fixture instance;
    return instance;
}

void fail(const char* why) {
    std::fprintf(stderr, "notify_reply fuzz: %s\n", why);
    std::abort();
}

void checkAcknowledgement(std::span<const std::uint8_t> input, std::uint16_t id) {
    const auto message = dns::decodeMessage(input);
    if (!message) fail("an undecodable reply was accepted");
    const auto& header = message->header;
    if (!header.qr || header.opcode != dns::Opcode::Notify || header.id != id || header.rcode != dns::Rcode::NoError) {
        fail("an acknowledgement that is not a NOERROR NOTIFY response to our id");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Fixture& f = fixture();
    const std::span<const std::uint8_t> input(data, size);
    if (checkNotifyReply(input, f.plain, nullptr, kTime).verdict == NotifyVerdict::Acknowledged) {
        checkAcknowledgement(input, f.plain.id);
    }
    if (checkNotifyReply(input, f.signedNotify, &f.key, kTime).verdict == NotifyVerdict::Acknowledged) {
        checkAcknowledgement(input, f.signedNotify.id);
        std::vector<std::uint8_t> changed(input.begin(), input.end());
        changed[changed.size() / 2] ^= 0x01U;
        if (checkNotifyReply(changed, f.signedNotify, &f.key, kTime).verdict == NotifyVerdict::Acknowledged) {
            fail("a changed signed reply is still accepted");
        }
    }
    return 0;
}
