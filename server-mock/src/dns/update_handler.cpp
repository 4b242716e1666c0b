// DNS UPDATE, message level: header, TSIG, EDNS, the zone section, the reply and the log line.
// The RFC 2136 semantics inside the commit are in update_apply.cpp.
#include "dns/update_handler.hpp"

#include <algorithm>
#include <utility>

#include "dns/reply_basics.hpp"
#include "qdyn/dns/message.hpp"
#include "qdyn/dns/tsig.hpp"

namespace qdyn::server {

namespace {

using dns::Rcode;

// Names listed in one log line; a long update is summarized by its count beyond these.
constexpr std::size_t kLoggedNames = 8;

// In UPDATE the bits of RD and CD belong to the Z field (RFC 2136 2.2): never echoed.
std::vector<std::uint8_t> updateHeaderReply(std::span<const std::uint8_t> request, Rcode rcode) {
    return wire::headerOnlyReply(request, rcode, false);
}

// RFC 2136 3.8: the header and the zone section; the prerequisite and update sections are not
// echoed. A zone section of other than one RR is dropped too, so that a reply is never larger
// than a request packed with compressed names (no amplification).
dns::Message updateReplyTo(const dns::Message& request, Rcode rcode) {
    auto reply = wire::replyTo(request, rcode);
    reply.header.rd = false;
    reply.header.cd = false;
    return reply;
}

std::string namesText(const std::vector<dns::Name>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < kLoggedNames; ++i) out.append(" ").append(names[i].toString());
    if (names.size() > kLoggedNames) out.append(" (+").append(std::to_string(names.size() - kLoggedNames)).append(" more)");
    return out;
}

}  // namespace

DnsUpdateHandler::DnsUpdateHandler(const Config& config, UpdateService& updates, Clock clock)
    : m_config(config), m_updates(updates), m_clock(std::move(clock)), m_owners(config) {
    for (const auto& keyConfig : config.tsigKeys) {
        auto key = keyConfig.makeKey();
        if (!key || !m_keyring.add(std::move(*key))) continue;
        const auto account = std::find_if(config.accounts.begin(), config.accounts.end(),
                                          [&](const Account& a) { return a.name == keyConfig.account; });
        // A key whose account is missing verifies but is granted nothing (REFUSED).
        m_accountOfKey[keyConfig.name] = account != config.accounts.end() ? &*account : nullptr;
    }
}

DnsUpdateHandler::Reply DnsUpdateHandler::handle(std::span<const std::uint8_t> wire, const IpAddress& peer,
                                                 DnsTransport transport) const {
    // Too short to answer, or itself a response (answering those lets two servers loop).
    if (wire.size() < wire::kHeaderSize || (wire[2] & 0x80U) != 0) return {};
    const std::string from = "dns-update " + std::string(wire::transportName(transport)) + " " + peer.toString();
    const auto opcode = static_cast<unsigned>((wire[2] >> 3U) & 0x0FU);
    if (opcode != static_cast<unsigned>(dns::Opcode::Update)) {
        return {updateHeaderReply(wire, Rcode::NotImp), 0, from + ": NOTIMP (opcode " + std::to_string(opcode) + ")"};
    }

    const std::uint64_t now = m_clock();
    const dns::TsigRequestCheck check = dns::verifyRequest(wire, m_keyring, now);
    if (check.verdict == dns::TsigRequestVerdict::FormErr && !dns::decodeMessage(wire)) {
        return {updateHeaderReply(wire, Rcode::FormErr), 0, from + ": FORMERR (" + check.detail + ")"};
    }
    const dns::Message& request = check.message;

    // Every answer goes through here: signed when the request verified, TSIG errors as RFC 8945
    // 5.3 wants them, unsigned for an unsigned request.
    const auto sign = [&](const dns::Message& reply, std::string line, Store::Ticket ticket = 0) -> Reply {
        auto signedWire = dns::signServerResponse(reply, check, now);
        if (!signedWire) return {{}, 0, from + ": dropped, the reply could not be signed: " + signedWire.message()};
        return {std::move(*signedWire), ticket, std::move(line)};
    };

    switch (check.verdict) {
        case dns::TsigRequestVerdict::Unsigned:
            // Unsigned updates are never accepted; no zone detail is given to an unknown sender.
            return sign(updateReplyTo(request, Rcode::Refused), from + ": REFUSED (unsigned)");
        case dns::TsigRequestVerdict::Verified:
            break;
        case dns::TsigRequestVerdict::FormErr:
            return sign(updateReplyTo(request, Rcode::FormErr), from + ": FORMERR (TSIG: " + check.detail + ")");
        default:
            // BADKEY, BADSIG, BADTIME, BADTRUNC: NOTAUTH with the TSIG error (signServerResponse).
            return sign(updateReplyTo(request, Rcode::NotAuth), from + " key " + check.keyName.toString() + ": NOTAUTH " +
                                                              std::string(dns::toString(check.verdict)) + " (" +
                                                              check.detail + ")");
    }

    const auto found = m_accountOfKey.find(check.key->name());
    const Account* account = found != m_accountOfKey.end() ? found->second : nullptr;
    const std::string who = from + " key " + check.key->name().toString() + " account " +
                            (account != nullptr ? account->name : std::string("(none)"));
    const auto answer = [&](Rcode rcode, const std::string& why, bool withOpt) {
        auto reply = updateReplyTo(request, rcode);
        if (withOpt) reply.additional.push_back(wire::serverOpt());
        return sign(reply, who + ": " + std::string(dns::toString(rcode)) + (why.empty() ? "" : " (" + why + ")"));
    };

    // EDNS (RFC 6891 6.1.1, 6.1.3): at most one OPT, owned by the root, version 0; the reply
    // carries ours when the request had one.
    const auto ednsCheck = wire::checkEdns(request);
    if (ednsCheck.malformed) return answer(Rcode::FormErr, "misplaced or repeated OPT", false);
    if (ednsCheck.badVersion) {
        auto reply = updateReplyTo(request, Rcode::NoError);
        reply.additional.push_back(wire::serverOpt(wire::kBadVersOptTtl));
        return sign(reply, who + ": BADVERS");
    }
    const bool edns = ednsCheck.opt != nullptr;

    // 3.1.1: one zone RR of type SOA naming our zone.
    if (request.questions.size() != 1) {
        return answer(Rcode::FormErr, std::to_string(request.questions.size()) + " zone RRs", edns);
    }
    const dns::Question& zone = request.questions.front();
    if (zone.type != dns::rrtype::SOA)
        return answer(Rcode::FormErr, "zone RR of type " + dns::typeToString(zone.type), edns);
    if (zone.klass != dns::rrclass::Internet || !(zone.name == m_config.zone.origin)) {
        return answer(Rcode::NotAuth,
                      "not authoritative for " + zone.name.toString() + " class " + std::to_string(zone.klass), edns);
    }
    const auto& prerequisites = request.answers;
    const auto& updates = request.authority;
    if (prerequisites.size() > kMaxRecords || updates.size() > kMaxRecords) {
        return answer(Rcode::Refused, "more than " + std::to_string(kMaxRecords) + " records", edns);
    }

    // The checks that need no zone run outside the write lock; their verdict is reported in the
    // RFC's order, after the prerequisites (3.2 before 3.3 and 3.4.1).
    const dnsupdate::Check scanned = dnsupdate::prescan(updates, m_config.zone.origin);
    std::vector<const dns::Name*> grants;
    const dnsupdate::Check granted =
        scanned.ok() ? dnsupdate::authorize(updates, account, m_owners, grants) : dnsupdate::Check{};

    // One commit: the prerequisites see exactly the version the updates apply to, and any
    // failure abandons the whole transaction (3.4: all or nothing).
    dnsupdate::Check outcome;
    dnsupdate::Applied applied;
    const auto committed = m_updates.commit([&](ZoneTransaction& tx) {
        outcome = dnsupdate::checkPrerequisites(prerequisites, tx);
        if (outcome.ok()) outcome = scanned;
        if (outcome.ok()) outcome = granted;
        if (outcome.ok()) outcome = dnsupdate::applyUpdates(updates, grants, m_config, tx, applied);
        // Nothing edited (prerequisites only, or deletes of what is absent): nothing to store.
        return outcome.ok() && applied.edited;
    });
    if (!outcome.ok()) return answer(outcome.rcode, outcome.reason, edns);

    std::string line = who + ": NOERROR";
    if (applied.changed.empty()) {
        line += " (no change)";
    } else {
        line += ", serial " + std::to_string(committed.serial) + ", changed" + namesText(applied.changed);
    }
    auto reply = updateReplyTo(request, Rcode::NoError);
    if (edns) reply.additional.push_back(wire::serverOpt());
    return sign(reply, std::move(line), committed.ticket);
}

}  // namespace qdyn::server
