// Fuzz target: qdyn-server's QDNS session (server side). The input is split at newlines into
// command lines, fed one by one to a fresh QdnsSession over a test zone until it closes. A line
// "AUTH!" is replaced by alice's correct AUTH, so the fuzzer reaches UPDATE, OFFLINE and QUERY.
// Invariants: every reply is one line "<3 digits> <text>" with a code from the specification
// and no control character; 401 failed, 421, 429 and QUIT close; no secret in a reply or log.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "line/qdns_session.hpp"
#include "line_session_fixture.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

bool hasControl(std::string_view text) {
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) return true;
    }
    return false;
}

bool leaks(std::string_view text) {
    return text.find("s3cret") != std::string_view::npos || text.find("alice-token-1") != std::string_view::npos;
}

// True for a line that logs in (its reply and log line must not repeat the secret). Other lines
// may name a host the fuzzer spelled like a secret, which the reply rightly quotes back.
bool isLogin(std::string_view line) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) return false;
    const auto end = line.find_first_of(" \t", start);
    auto word = std::string(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    for (auto& c : word) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    return word == "AUTH" || word == "TOKEN";
}

// Checks one reply; true when the session is over.
bool checkReply(const qdyn::server::LineReply& reply, bool login = true) {
    static const std::set<std::string> kCodes{"200", "400", "401", "403", "404", "421", "429", "500"};
    check(reply.text.size() >= 4 && reply.text[3] == ' ');
    const auto code = reply.text.substr(0, 3);
    check(kCodes.count(code) == 1);
    check(!hasControl(reply.text) && !hasControl(reply.log));
    check(!login || (!leaks(reply.text) && !leaks(reply.log)));
    if (reply.ticket != 0) check(code == "200" && reply.failure == "500 Server error");
    if (code == "421" || code == "429" || reply.text == "401 Authentication failed" || reply.text == "200 Bye") {
        check(reply.close);
    }
    return reply.close;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static qdyn::test::LineSessionFixture fixture;
    qdyn::server::LinePeer peer{qdyn::IpAddress::parse("192.0.2.10").value(), 40000, false};
    qdyn::server::QdnsSession session(fixture.services, peer);
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    while (!rest.empty()) {
        const auto newline = rest.find('\n');
        std::string_view line = rest.substr(0, newline);
        rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
        if (line.size() > 511) {  // the listener's cap: 512 octets with the LF
            check(checkReply(session.onOverlong()));
            return 0;
        }
        const bool login = line == "AUTH!";
        const auto reply = session.onLine(login ? std::string_view("AUTH alice s3cret") : line);
        if (checkReply(reply, login || isLogin(line))) break;
    }
    return 0;
}
