// TSIG on the server side (RFC 8945 5.2, 5.3). Verification runs the checks in the order of
// 5.2 so that each request gets the error the RFC assigns to its first problem; the MAC is
// computed over the received octets by the same code the client side uses.
#include "qdyn/dns/tsig_server.hpp"

#include <algorithm>
#include <utility>
#include <variant>

#include "tsig_detail.hpp"

namespace qdyn::dns {

namespace {

using namespace tsig_internal;

TsigRequestCheck& conclude(TsigRequestCheck& check, TsigRequestVerdict verdict, std::string detail) {
    check.verdict = verdict;
    check.detail = std::move(detail);
    return check;
}

Message withRcode(const Message& response, Rcode rcode) {
    Message copy = response;
    copy.header.rcode = rcode;
    return copy;
}

// BADKEY and BADSIG (5.3.2): the answer carries a TSIG RR so the client learns why, but with an
// empty MAC, because signing would claim an authenticity the server never established.
Result<Bytes> unsignedError(const Message& response, const TsigRequestCheck& check, std::uint16_t error,
                            std::uint64_t now) {
    Message answer = withRcode(response, Rcode::NotAuth);
    TsigRData rdata;
    rdata.algorithm = check.algorithm;
    rdata.timeSigned = now & 0xffffffffffffULL;
    rdata.fudge = kDefaultFudge;
    rdata.originalId = answer.header.id;
    rdata.error = error;
    // The names as the request spelled them: the client matches its key case-insensitively.
    answer.additional.push_back(
        ResourceRecord{check.keyName, rrtype::TSIG, rrclass::ANY, 0, RawData{encodeTsigRData(rdata)}});
    return encodeMessage(answer);
}

}  // namespace

bool TsigKeyring::add(TsigKey key) {
    Name name = key.name();  // copied first: the key itself is moved into the map
    return m_keys.try_emplace(std::move(name), std::move(key)).second;
}

const TsigKey* TsigKeyring::find(const Name& name) const noexcept {
    const auto it = m_keys.find(name);
    return it == m_keys.end() ? nullptr : &it->second;
}

std::string_view toString(TsigRequestVerdict verdict) noexcept {
    switch (verdict) {
        case TsigRequestVerdict::Unsigned:
            return "unsigned";
        case TsigRequestVerdict::Verified:
            return "verified";
        case TsigRequestVerdict::FormErr:
            return "FORMERR";
        case TsigRequestVerdict::BadKey:
            return "BADKEY";
        case TsigRequestVerdict::BadSig:
            return "BADSIG";
        case TsigRequestVerdict::BadTime:
            return "BADTIME";
        case TsigRequestVerdict::BadTrunc:
            return "BADTRUNC";
    }
    return "FORMERR";
}

TsigRequestCheck verifyRequest(std::span<const std::uint8_t> wire, const TsigKeyring& keyring, std::uint64_t now) {
    using enum TsigRequestVerdict;
    TsigRequestCheck check;
    auto decoded = decodeMessage(wire);
    if (!decoded) return conclude(check, FormErr, "the request does not decode: " + decoded.message());
    check.message = std::move(*decoded);

    // 5.2: exactly one TSIG RR, last in the additional section, or FORMERR.
    if (auto misplaced = tsigPlacementError(check.message)) return conclude(check, FormErr, std::move(*misplaced));
    auto& additional = check.message.additional;
    if (additional.empty() || additional.back().type != rrtype::TSIG) {
        return conclude(check, Unsigned, "the request carries no TSIG RR");
    }
    const ResourceRecord record = std::move(additional.back());
    additional.pop_back();
    // 4.2: CLASS ANY and TTL 0; anything else is a TSIG RR that cannot be interpreted.
    if (record.klass != rrclass::ANY || record.ttl != 0) {
        return conclude(check, FormErr,
                        "TSIG RR with class " + std::to_string(record.klass) + " and TTL " +
                            std::to_string(record.ttl) + " (want ANY and 0)");
    }
    const auto* raw = std::get_if<RawData>(&record.data);
    if (raw == nullptr) return conclude(check, FormErr, "TSIG RR without raw RDATA");
    auto rdata = decodeTsigRData(raw->bytes);
    if (!rdata) return conclude(check, FormErr, rdata.message());
    check.keyName = record.name;
    check.algorithm = rdata->algorithm;
    check.requestMac = rdata->mac;
    check.timeSigned = rdata->timeSigned;
    check.fudge = rdata->fudge;
    check.originalId = rdata->originalId;

    // 5.2.1: an unknown key, or a known key with another algorithm, is BADKEY.
    const TsigKey* key = keyring.find(record.name);
    if (key == nullptr) return conclude(check, BadKey, "unknown TSIG key " + record.name.toString());
    if (!(rdata->algorithm == algorithmName(key->algorithm()))) {
        return conclude(check, BadKey,
                        "TSIG key " + key->name().toString() + " is not a " + rdata->algorithm.toString() + " key");
    }

    // 5.2.2.1: a MAC longer than the hash, or shorter than max(10, half the hash), is FORMERR.
    const std::size_t fullSize = crypto::hmacSize(hmacOf(key->algorithm()));
    const std::size_t minimumSize = std::max<std::size_t>(10, fullSize / 2);
    const std::size_t macSize = rdata->mac.size();
    if (macSize > fullSize || macSize < minimumSize) {
        return conclude(check, FormErr,
                        "TSIG MAC of " + std::to_string(macSize) + " octets for " +
                            std::string(toString(key->algorithm())) + " (allowed " + std::to_string(minimumSize) +
                            ".." + std::to_string(fullSize) + ")");
    }

    // 5.2.2: a truncated MAC is compared with the same prefix of ours.
    auto expected = expectedMac(wire, {}, record, *rdata, *key);
    if (!expected) return conclude(check, FormErr, expected.message());
    check.key = key;
    if (!macEquals(rdata->mac, ByteSpan(*expected).first(macSize))) {
        return conclude(check, BadSig, "the request's MAC does not verify with key " + key->name().toString());
    }

    // 5.2.3: only now is the time worth an answer, a signed one.
    if (distance(now, rdata->timeSigned) > rdata->fudge) {
        return conclude(check, BadTime,
                        "the request was signed at " + std::to_string(rdata->timeSigned) + ", our clock is " +
                            std::to_string(now) + ", fudge " + std::to_string(rdata->fudge));
    }

    // 5.2.4: the local policy, like BIND's default, wants the full MAC: a truncated HMAC-SHA1
    // leaves 80 bits, less than this server is willing to accept for an UPDATE.
    if (macSize < fullSize) {
        return conclude(
            check, BadTrunc,
            "truncated TSIG MAC (" + std::to_string(macSize) + " of " + std::to_string(fullSize) + " octets)");
    }
    return conclude(check, Verified, "");
}

Result<std::vector<std::uint8_t>> signServerResponse(const Message& response, const TsigRequestCheck& check,
                                                     std::uint64_t now) {
    for (const auto& record : response.additional) {
        if (record.type == rrtype::TSIG) return makeError("TSIG: the response already carries a TSIG RR");
    }
    if (response.additional.size() >= 0xffff) return makeError("TSIG: no room for the TSIG RR");
    const bool needsKey = check.verdict == TsigRequestVerdict::Verified ||
                          check.verdict == TsigRequestVerdict::BadTime || check.verdict == TsigRequestVerdict::BadTrunc;
    if (needsKey && check.key == nullptr) return makeError("TSIG: no key to sign the response with");

    switch (check.verdict) {
        case TsigRequestVerdict::Unsigned:
            return encodeMessage(response);
        case TsigRequestVerdict::FormErr:
            return encodeMessage(withRcode(response, Rcode::FormErr));
        case TsigRequestVerdict::Verified:
            return signResponse(response, check.requestMac, *check.key, now);
        case TsigRequestVerdict::BadTime: {
            // 5.2.3: Time Signed and Fudge echo the client's, so it can check the MAC with its own
            // (skewed) clock; Other Data tells it ours.
            Bytes serverTime;
            put48(serverTime, now & 0xffffffffffffULL);
            return signResponse(withRcode(response, Rcode::NotAuth), check.requestMac, *check.key, check.timeSigned,
                                tsigerror::BADTIME, serverTime, check.fudge);
        }
        case TsigRequestVerdict::BadTrunc:
            return signResponse(withRcode(response, Rcode::NotAuth), check.requestMac, *check.key, now,
                                tsigerror::BADTRUNC);
        case TsigRequestVerdict::BadKey:
            return unsignedError(response, check, tsigerror::BADKEY, now);
        case TsigRequestVerdict::BadSig:
            return unsignedError(response, check, tsigerror::BADSIG, now);
    }
    return makeError("TSIG: unknown verdict");
}

Result<TsigResponseStream> TsigResponseStream::start(const TsigRequestCheck& check) {
    if (check.verdict != TsigRequestVerdict::Verified || check.key == nullptr) {
        return makeError("TSIG: a response stream needs a verified request");
    }
    return TsigResponseStream(check.key->clone(), check.requestMac);
}

Result<std::vector<std::uint8_t>> TsigResponseStream::sign(const Message& message, std::uint64_t now) {
    Bytes mac;
    const auto digest = m_first ? TsigDigest::Full : TsigDigest::Timers;
    auto wire = signMessage(message, m_priorMac, m_key, now, kDefaultFudge, 0, {}, &mac, digest);
    if (!wire) return wire.error();
    m_priorMac = std::move(mac);
    m_first = false;
    return wire;
}

std::size_t TsigResponseStream::overhead() const noexcept {
    // Owner, type, class, TTL, RDLENGTH; then algorithm, time, fudge, MAC size, MAC, original
    // id, error and other length.
    const std::size_t macSize = crypto::hmacSize(hmacOf(m_key.algorithm()));
    return m_key.name().wire().size() + 10 + algorithmName(m_key.algorithm()).wire().size() + 6 + 2 + 2 + macSize + 6;
}

}  // namespace qdyn::dns
