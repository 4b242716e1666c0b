// NOTIFY (RFC 1996) as messages: the request a primary sends its secondaries after a change,
// and the judgement of what comes back. Pure functions, so the reply parser (outside input) is
// unit-tested and fuzzed without sockets.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn/dns/tsig.hpp"
#include "qdyn/result.hpp"

namespace qdyn::server {

// One NOTIFY as sent: its bytes, and what checking the reply needs.
struct SentNotify {
    std::vector<std::uint8_t> wire;
    std::uint16_t id = 0;
    dns::Name origin;
    std::optional<dns::SignedRequest> signedRequest;  // when it went signed
};

// opcode NOTIFY, AA, the question (origin, SOA, IN) and the new SOA in the answer section
// (3.7: a hint the secondary may use to skip its SOA query); signed with `key` when given.
Result<SentNotify> makeNotify(const dns::Name& origin, const dns::SoaData& soa, std::uint16_t id,
                              const dns::TsigKey* key, std::uint64_t now);

enum class NotifyVerdict {
    Acknowledged,  // a NOERROR NOTIFY response to this request (signed when the request was)
    Refused,       // an authentic response with another RCODE: the secondary said no
    NotOurs,       // not a response to this request (another id, opcode or question): ignore it
    BadSignature,  // claims to answer but its TSIG does not verify: ignore it, as if never sent
};

struct NotifyReplyCheck {
    NotifyVerdict verdict = NotifyVerdict::NotOurs;
    dns::Rcode rcode = dns::Rcode::NoError;
    std::string detail;  // for the log
};

// Judges a datagram received from the secondary `sent` went to, at `now`.
NotifyReplyCheck checkNotifyReply(std::span<const std::uint8_t> wire, const SentNotify& sent, const dns::TsigKey* key,
                                  std::uint64_t now);

}  // namespace qdyn::server
