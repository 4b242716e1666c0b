// Fuzz target: qdyn-server's miniupdate session (server side). The input is split at newlines
// into command lines, fed one by one to a fresh MiniupdateSession over a test zone until the
// session closes. A line that reads exactly "RESPONSE!" is replaced by the right response to the
// last challenge for alice, so the fuzzer gets past the login and into A_UPDATE.
// Invariants: every reply is one line starting OK, ERR or CHALLENGE, with no control character;
// every ERR closes; at most kMaxCommands replies that are not ERR; no secret in a reply or log.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "line/miniupdate_session.hpp"
#include "line_session_fixture.hpp"
#include "qdyn/crypto/digest.hpp"

namespace {

// md5hex("s3cret"): alice's legacy verifier, which the replies must never show.
const std::string& md5Password() {
    static const std::string md5 = qdyn::crypto::md5Hex("s3cret").value();
    return md5;
}

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool hasControl(std::string_view text) {
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) return true;
    }
    return false;
}

bool leaks(std::string_view text) {
    return text.find("s3cret") != std::string_view::npos || text.find(md5Password()) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static qdyn::test::LineSessionFixture fixture;
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    // The input may name the secret itself (in a host name, say); then it may come back.
    const bool suppliedSecret = leaks(rest);
    qdyn::server::LinePeer peer;
    peer.address = *qdyn::IpAddress::parse("198.51.100.1");
    qdyn::server::MiniupdateSession session(fixture.services, peer);
    if (session.greeting().empty()) std::abort();

    std::string challenge;
    std::size_t accepted = 0;
    while (!rest.empty()) {
        const std::size_t newline = rest.find('\n');
        std::string line(rest.substr(0, newline));
        rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
        if (line.size() > 511) line.resize(511);  // the listener never passes a longer line
        if (line == "RESPONSE!") line = "RESPONSE " + qdyn::crypto::md5Hex({md5Password(), challenge}).value();

        const auto reply = session.onLine(line);
        const std::string_view text = reply.text;
        if (text.empty() || hasControl(text) || text.size() > 600) std::abort();
        const bool isErr = startsWith(text, "ERR ");
        if (!isErr && !startsWith(text, "OK ") && !startsWith(text, "CHALLENGE ")) std::abort();
        if (isErr != reply.close && text != "OK Bye!") std::abort();  // ERR closes; only EXIT's OK does too
        if (!suppliedSecret && (leaks(text) || leaks(reply.log))) std::abort();
        if (reply.ticket != 0 && reply.failure.empty()) std::abort();
        if (startsWith(text, "CHALLENGE ")) challenge = std::string(text.substr(10));
        if (!isErr && ++accepted > qdyn::server::MiniupdateSession::kMaxCommands) std::abort();
        if (reply.close) break;
    }
    const auto idle = session.onIdle();
    if (!startsWith(idle.text, "ERR ") || !idle.close) std::abort();
    return 0;
}
