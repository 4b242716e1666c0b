// GnuDIP over TCP: the request line's parser and the one-request session around it.
#include "line/gnudip_tcp_session.hpp"

#include <array>

#include "generation.hpp"
#include "http/gnudip_salts.hpp"
#include "line/line_words.hpp"
#include "metrics.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server {

namespace {

constexpr std::size_t kHashLength = 32;  // md5hex
constexpr std::string_view kRefused = "1";

bool isLowerHex(std::string_view text) noexcept {
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

// Printable ASCII without blanks: what every field is made of. Anything else (a NUL, an escape
// sequence, a stray CR, UTF-8) is no GnuDIP request.
bool isPlainAscii(std::string_view text) noexcept {
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7F) return false;
    }
    return true;
}

}  // namespace

Result<GnudipTcpRequest> parseGnudipTcpRequest(std::string_view line) {
    if (line.empty()) return makeError("empty line");
    if (line.size() > kGnudipTcpMaxLine) return makeError("line too long");
    if (!isPlainAscii(line)) return makeError("blank, control or non-ASCII octet in the line");

    // At most five fields; a sixth (an IPv6 address, say) refuses the line without splitting on.
    std::array<std::string_view, 5> fields{};
    std::size_t count = 0;
    for (std::size_t at = 0;;) {
        if (count == fields.size()) return makeError("more than five fields");
        const auto colon = line.find(':', at);
        fields[count++] = colon == std::string_view::npos ? line.substr(at) : line.substr(at, colon - at);
        if (colon == std::string_view::npos) break;
        at = colon + 1;
    }
    if (count < 4) return makeError("fewer than four fields");

    const auto user = fields[0];
    const auto hash = fields[1];
    const auto domain = fields[2];
    if (user.empty() || user.size() > kGnudipMaxUser) return makeError("bad user name");
    if (hash.size() != kHashLength || !isLowerHex(hash)) return makeError("hash is not 32 lower-case hex digits");
    if (domain.empty()) return makeError("empty domain");
    GnudipTcpRequest request;
    request.user = user;
    request.hash = hash;
    request.domain = domain;
    const auto code = gnudipCode(fields[3]);
    if (!code) return makeError("unknown reqc " + line::printable(fields[3], 8));
    request.code = *code;
    if (request.code == GnudipCode::SetAddress) {
        if (count != 5) return makeError("reqc 0 without an address");
        request.address = IpAddress::parse(fields[4]);
        if (!request.address || !request.address->isV4()) return makeError("addr is not an IPv4 address");
    } else if (count != 4) {
        return makeError("reqc " + std::string(fields[3]) + " takes no address");
    }
    auto host = gnudipHost(request.user, request.domain);
    if (!host) return makeError("user.domain is not a host name");
    request.host = std::move(*host);
    return request;
}

GnudipTcpSession::GnudipTcpSession(const LineServices& services, LinePeer peer)
    : m_services(services), m_peer(std::move(peer)), m_salt(GnudipSalts::randomSalt()) {}

void GnudipTcpSession::count(const std::string& outcome) const {
    if (m_services.metrics != nullptr) m_services.metrics->countUpdate("gnudip-tcp", outcome);
}

// GnuDIP has one answer for every refusal; the log keeps the reason.
LineReply GnudipTcpSession::refuse(std::string why) const {
    count(std::string(kRefused));
    auto reply = LineReply::sayAndClose(std::string(kRefused));
    reply.log = std::move(why);
    return reply;
}

LineReply GnudipTcpSession::onLine(std::string_view line) {
    const auto request = parseGnudipTcpRequest(line);
    if (!request) return refuse("bad request: " + request.message());
    return handle(*request);
}

LineReply GnudipTcpSession::handle(const GnudipTcpRequest& request) {
    // Held to the end of the request: the account found below lives in it.
    const auto generation = m_services.generation();
    const auto auth = generation->auth.gnudip(request.user, m_salt, request.hash, m_peer.address);
    const std::string who = "user=" + line::printable(request.user, kGnudipMaxUser);
    if (!auth.ok()) {
        if (m_services.metrics != nullptr) m_services.metrics->countAuthFailure("gnudip-tcp");
        // GnuDIP cannot say "retry later": a throttled login gets the same `1`, the log says
        // why ("throttled for N s").
        return refuse(who + " " + auth.why);
    }
    const auto update = gnudipChange(request.code, request.address, m_peer.address);
    if (!update) return refuse(who + " " + update.message());

    const auto outcome = m_services.updates.apply(*auth.account, request.host, *update);
    const std::string summary = who + " " + request.host.toString() + " " +
                                (update->offline ? std::string("offline") : update->v4->toString()) + ": " +
                                std::string(toString(outcome.status));
    if (!gnudipAccepted(outcome.status)) return refuse(summary);

    LineReply reply;
    reply.text = std::string(gnudipSuccessCode(request.code));
    if (request.code == GnudipCode::ConnectingAddress) reply.text += ":" + update->v4->toString();
    reply.close = true;
    reply.ticket = outcome.ticket;
    // The write could not be made durable: close without a reply. GnuDIP has no code for a
    // server fault, and a `1` reads as a bad login, which clients (qdyn's among them) take as a
    // reason to stop for good; a dropped connection is retried later.
    reply.failure.clear();
    reply.failureCloses = true;
    reply.log = summary;
    count(reply.text.substr(0, 1));
    return reply;
}

LineReply GnudipTcpSession::onOverlong() {
    auto reply = refuse("bad request: line longer than 512 octets");
    reply.close = true;
    return reply;
}

// No reply on idle: a `1` would read as a bad login to a client that was merely slow.
LineReply GnudipTcpSession::onIdle() {
    LineReply reply;
    reply.log = "idle, closed without a reply";
    return reply;
}

}  // namespace qdyn::server
