// TSIG on the server side (RFC 8945 5.2, 5.3): a key ring, verification of a signed request
// and the signing (or deliberate non-signing) of the response to it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "qdyn/dns/name.hpp"
#include "qdyn/dns/tsig.hpp"
#include "qdyn/result.hpp"

namespace qdyn::dns {

// The keys a server accepts, looked up by key name (case-insensitive, as DNS names compare).
class TsigKeyring {
public:
    // False, and the ring unchanged, when a key of that name is already present: two secrets
    // under one name are a configuration error for the caller to report.
    [[nodiscard]] bool add(TsigKey key);
    // The key of that name, or nullptr. Valid until the ring is changed or destroyed.
    [[nodiscard]] const TsigKey* find(const Name& name) const noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return m_keys.size(); }
    [[nodiscard]] bool empty() const noexcept { return m_keys.empty(); }

private:
    std::unordered_map<Name, TsigKey, NameHash> m_keys;
};

// What verifying a request established, in the order RFC 8945 5.2 checks it.
enum class TsigRequestVerdict {
    Unsigned,  // no TSIG RR: the caller's policy decides (e.g. REFUSED for an UPDATE)
    Verified,  // known key and algorithm, full-length MAC good, time within the fudge
    FormErr,   // undecodable, TSIG RR misplaced or repeated, bad class or TTL, bad RDATA,
               // MAC longer than the hash or shorter than RFC 8945 5.2.2.1 allows
    BadKey,    // key name unknown, or not with this algorithm (5.2.1)
    BadSig,    // the MAC does not verify (5.2.2)
    BadTime,   // MAC good, time signed outside the fudge of our clock (5.2.3)
    BadTrunc,  // MAC good but truncated: local policy requires the full MAC (5.2.4)
};

std::string_view toString(TsigRequestVerdict verdict) noexcept;

struct TsigRequestCheck {
    TsigRequestVerdict verdict = TsigRequestVerdict::FormErr;
    // The ring's key, for Verified, BadTime and BadTrunc (and BadSig: the key whose MAC failed).
    const TsigKey* key = nullptr;
    // The TSIG fields as received (set whenever the TSIG RR decoded): the unsigned BADKEY and
    // BADSIG answers echo the key and algorithm names, and a response's MAC chains to
    // requestMac exactly as sent (truncated or not).
    Name keyName;
    Name algorithm;
    std::vector<std::uint8_t> requestMac;
    std::uint64_t timeSigned = 0;
    std::uint16_t fudge = 0;
    std::uint16_t originalId = 0;
    // The request decoded, its TSIG RR removed (5.2: the rest of the server sees it unsigned);
    // a default Message when the bytes did not decode.
    Message message;
    std::string detail;  // for the log; never holds key material
};

// Verifies a request (its exact received bytes) against `keyring` at `now` (seconds since the
// epoch). The MAC is compared in constant time. Replay of a message within its fudge window
// is not detected here (5.2.3 SHOULD): that needs per-key state the caller owns.
TsigRequestCheck verifyRequest(std::span<const std::uint8_t> wire, const TsigKeyring& keyring, std::uint64_t now);

// The wire bytes of `response` to the request `check` describes (RFC 8945 5.3, 5.3.2):
//   Unsigned:         unchanged and unsigned (a signed answer to an unsigned request is forbidden).
//   FormErr:          RCODE FORMERR, no TSIG RR (there is no trustworthy key to answer with).
//   Verified:         signed with the key, chained to the request MAC; the caller's RCODE kept.
//   BadTime:          RCODE NOTAUTH, signed, error BADTIME, Time Signed and Fudge echoing the
//                     request, Other Data our clock (48 bits), so a skewed client can verify it.
//   BadTrunc:         RCODE NOTAUTH, signed, error BADTRUNC.
//   BadKey, BadSig:   RCODE NOTAUTH, a TSIG RR with an empty MAC (unsigned: we cannot or must
//                     not sign), error BADKEY/BADSIG, the request's key and algorithm names.
// Fails only when `response` already carries a TSIG RR or has no room for one.
Result<std::vector<std::uint8_t>> signServerResponse(const Message& response, const TsigRequestCheck& check,
                                                     std::uint64_t now);

// The signer of a response of several messages to one verified request: a zone transfer over
// TCP (RFC 8945 5.3.1). The first message is signed as any response, its MAC chained to the
// request's; each later one covers the previous message's MAC (length-prefixed), its own bytes
// and only the TSIG timers (Time Signed, Fudge). qdyn signs every message, so a client never
// has to digest unsigned ones in between.
class TsigResponseStream {
public:
    // `check` must be Verified (its key is copied, so the stream may outlive the key ring).
    static Result<TsigResponseStream> start(const TsigRequestCheck& check);

    // The wire bytes of the next message, signed at `now`; fails like signServerResponse.
    Result<std::vector<std::uint8_t>> sign(const Message& message, std::uint64_t now);
    // Octets the TSIG RR adds to a message (for callers that must stay under 65535).
    [[nodiscard]] std::size_t overhead() const noexcept;

private:
    TsigResponseStream(TsigKey key, std::vector<std::uint8_t> requestMac)
        : m_key(std::move(key)), m_priorMac(std::move(requestMac)) {}
    TsigKey m_key;
    std::vector<std::uint8_t> m_priorMac;  // the request's MAC, then each sent message's
    bool m_first = true;
};

}  // namespace qdyn::dns
