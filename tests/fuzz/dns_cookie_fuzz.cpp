// Fuzz target: the COOKIE option parser and the server cookie verifier on arbitrary OPT RDATA.
// The first input octet picks the client address and the clock offset; the rest is the option
// list. Checked: the decision agrees with the parser, every option we send is well formed and
// echoes the client cookie, and what we send verifies again (for that client, under rotation)
// while nothing the fuzzer wrote can verify unless it was made with our secret.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>

#include "qdyn_server/dns_cookies.hpp"

namespace {

using namespace qdyn;
using namespace qdyn::server;

constexpr std::uint32_t kNow = 1559731985;  // RFC 9018 A.1's moment
const CookieSecret kSecret{0xe5, 0xe9, 0x73, 0xe5, 0xa6, 0xb2, 0xa4, 0x3f,
                           0x48, 0xe7, 0xdc, 0x84, 0x9e, 0x37, 0xbf, 0xcf};
const CookieSecret kNext{0x44, 0x55, 0x36, 0xbc, 0xd2, 0x51, 0x32, 0x98,
                         0x07, 0x5a, 0x5d, 0x37, 0x96, 0x63, 0xc9, 0x62};

std::chrono::system_clock::time_point at(std::uint32_t seconds) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(seconds));
}

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const ServerCookies cookies(kSecret, std::nullopt);
    static const ServerCookies rolled = cookies.rotated(kNext);
    static const IpAddress v4 = IpAddress::parse("198.51.100.100").value();
    static const IpAddress v6 = IpAddress::parse("2001:db8:220:1:59de:d0f4:8769:82b8").value();

    const IpAddress& client = (data[0] & 1U) != 0 ? v6 : v4;
    const IpAddress& other = (data[0] & 1U) != 0 ? v4 : v6;
    // The clock runs from 80 minutes before to 79 minutes after the A.1 moment in 75 s steps, so
    // cookies made at that moment meet both window edges exactly (-300 s at 60, +3600 s at 112).
    const auto now = at(kNow + static_cast<std::uint32_t>(static_cast<std::int32_t>(data[0] >> 1U) * 75 - 4800));
    const std::span<const std::uint8_t> rdata(data + 1, size - 1);

    const ParsedCookie parsed = parseCookieOption(rdata);
    const CookieDecision decision = cookies.evaluate(rdata, client, now);
    switch (parsed.status) {
        case CookieParseStatus::Absent:
            check(decision.status == CookieStatus::NoCookie);
            break;
        case CookieParseStatus::Malformed:
            check(decision.status == CookieStatus::Malformed);
            break;
        case CookieParseStatus::Present:
            check(parsed.serverSize == 0 ||
                  (parsed.serverSize >= kMinServerCookieSize && parsed.serverSize <= kMaxServerCookieSize));
            if (parsed.serverSize == 0) {
                check(decision.status == CookieStatus::ClientOnly);
            } else {
                check(decision.status == CookieStatus::Valid || decision.status == CookieStatus::Invalid);
            }
            break;
    }
    if (decision.status == CookieStatus::Valid) {
        // Only our own construction can verify: 16 octets, version 1, matching hash.
        check(parsed.serverSize == kServerCookieSize && parsed.serverBytes[0] == 1);
        check(serverCookieHashMatches(parsed.client, parsed.server(), client, kSecret));
        check(rolled.evaluate(rdata, client, now).status == CookieStatus::Valid);
    }

    const auto option = decision.responseOption();
    if (parsed.status != CookieParseStatus::Present) {
        check(option.empty());
        return 0;
    }
    check(option.size() == kCookieResponseOptionSize);
    check(option[0] == 0 && option[1] == kCookieOptionCode && option[2] == 0 && option[3] == 24);
    const ParsedCookie reply = parseCookieOption(option);
    check(reply.status == CookieParseStatus::Present && reply.client == parsed.client && reply.serverSize == 16);
    // Round trip: what we hand out verifies for the same client, before and after a rotation,
    // and for no other address.
    check(cookies.evaluate(option, client, now).status == CookieStatus::Valid);
    check(rolled.evaluate(option, client, now).status == CookieStatus::Valid);
    check(cookies.evaluate(option, other, now).status == CookieStatus::Invalid);
    return 0;
}
