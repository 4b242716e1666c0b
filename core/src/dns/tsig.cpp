// TSIG signing and verification (RFC 8945). The MAC covers exact wire bytes, so verification
// works on the received octets rather than a re-encoding of the decoded message.
#include "qdyn/dns/tsig.hpp"

#include <array>
#include <chrono>
#include <utility>

#include "tsig_detail.hpp"

namespace qdyn::dns {

namespace tsig_internal {

crypto::HmacAlgorithm hmacOf(TsigAlgorithm algorithm) noexcept {
    switch (algorithm) {
    case TsigAlgorithm::HmacSha1: return crypto::HmacAlgorithm::Sha1;
    case TsigAlgorithm::HmacSha256: return crypto::HmacAlgorithm::Sha256;
    case TsigAlgorithm::HmacSha512: return crypto::HmacAlgorithm::Sha512;
    }
    return crypto::HmacAlgorithm::Sha256;
}

Name algorithmName(TsigAlgorithm algorithm) {
    return Name::parse(std::string(toString(algorithm)) + ".").value();
}

void put16(Bytes& out, std::uint16_t value) {
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value & 0xff));
}
void put48(Bytes& out, std::uint64_t value) {
    put16(out, static_cast<std::uint16_t>((value >> 32) & 0xffff));
    put16(out, static_cast<std::uint16_t>((value >> 16) & 0xffff));
    put16(out, static_cast<std::uint16_t>(value & 0xffff));
}

std::uint16_t get16(ByteSpan wire, std::size_t pos) noexcept {
    return static_cast<std::uint16_t>((wire[pos] << 8) | wire[pos + 1]);
}
std::uint64_t get48(ByteSpan wire, std::size_t pos) noexcept {
    return (std::uint64_t{get16(wire, pos)} << 32) | (std::uint64_t{get16(wire, pos + 2)} << 16) | get16(wire, pos + 4);
}

std::uint64_t distance(std::uint64_t a, std::uint64_t b) noexcept {
    return a > b ? a - b : b - a;
}

}  // namespace tsig_internal

namespace {

using namespace tsig_internal;

void put32(Bytes& out, std::uint32_t value) {
    put16(out, static_cast<std::uint16_t>(value >> 16));
    put16(out, static_cast<std::uint16_t>(value & 0xffff));
}
void putBytes(Bytes& out, ByteSpan bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }
void putName(Bytes& out, const Name& name) {
    const auto& wire = name.wire();
    out.insert(out.end(), wire.begin(), wire.end());
}

// The TSIG variables of RFC 8945 4.3.3: names in canonical (lower-case, uncompressed) form.
Bytes tsigVariables(const Name& keyName, std::uint16_t klass, std::uint32_t ttl, const TsigRData& rdata) {
    Bytes out;
    putName(out, keyName.lowercased());
    put16(out, klass);
    put32(out, ttl);
    putName(out, rdata.algorithm.lowercased());
    put48(out, rdata.timeSigned);
    put16(out, rdata.fudge);
    put16(out, rdata.error);
    put16(out, static_cast<std::uint16_t>(rdata.otherData.size()));
    putBytes(out, rdata.otherData);
    return out;
}

// RFC 8945 5.3.1: a later message of a multi-message response covers only the timers.
Bytes tsigTimers(const TsigRData& rdata) {
    Bytes out;
    put48(out, rdata.timeSigned);
    put16(out, rdata.fudge);
    return out;
}

ByteSpan secretBytes(const TsigKey& key) noexcept {
    const std::string_view secret = key.secret().reveal();
    return {reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size()};
}

// Offset just past a (possibly compressed) name; 0 on overrun. The message was already
// validated by decodeMessage, the checks here only keep this walk in bounds on their own.
std::size_t skipName(ByteSpan wire, std::size_t pos) noexcept {
    while (pos < wire.size()) {
        const std::uint8_t octet = wire[pos];
        if ((octet & 0xc0) == 0xc0) return pos + 2 <= wire.size() ? pos + 2 : 0;
        if (octet == 0) return pos + 1;
        pos += 1 + std::size_t{octet};
    }
    return 0;
}

// Offset of the last record of a message that decodeMessage accepted; 0 when not found.
std::size_t lastRecordOffset(ByteSpan wire) noexcept {
    if (wire.size() < kHeaderSize) return 0;
    const std::size_t questions = get16(wire, 4);
    const std::size_t records = std::size_t{get16(wire, 6)} + get16(wire, 8) + get16(wire, 10);
    if (records == 0) return 0;
    std::size_t pos = kHeaderSize;
    for (std::size_t i = 0; i < questions; ++i) {
        pos = skipName(wire, pos);
        if (pos == 0 || pos + 4 > wire.size()) return 0;
        pos += 4;
    }
    for (std::size_t i = 0; i + 1 < records; ++i) {
        pos = skipName(wire, pos);
        if (pos == 0 || pos + 10 > wire.size()) return 0;
        pos += 10 + std::size_t{get16(wire, pos + 8)};
    }
    return pos < wire.size() ? pos : 0;
}

// A response's digest starts with the request MAC, length-prefixed (RFC 8945 4.3.1); a
// request's has no such part at all (not even a zero length).
Bytes priorMacInput(ByteSpan priorMac) {
    Bytes prior;
    if (!priorMac.empty()) {
        put16(prior, static_cast<std::uint16_t>(priorMac.size()));
        putBytes(prior, priorMac);
    }
    return prior;
}

TsigCheck check(TsigVerdict verdict, std::string detail, std::uint16_t error = 0) {
    TsigCheck result;
    result.verdict = verdict;
    result.error = error;
    result.detail = std::move(detail);
    return result;
}

}  // namespace

namespace tsig_internal {

std::optional<std::string> tsigPlacementError(const Message& message) {
    for (const auto* section : {&message.answers, &message.authority}) {
        for (const auto& record : *section) {
            if (record.type == rrtype::TSIG) return "TSIG RR outside the additional section";
        }
    }
    std::size_t count = 0;
    for (const auto& record : message.additional) {
        if (record.type == rrtype::TSIG) ++count;
    }
    if (count > 1) return "more than one TSIG RR";
    if (count == 1 && message.additional.back().type != rrtype::TSIG) return "TSIG RR is not the last record";
    return std::nullopt;
}

Result<Bytes> expectedMac(ByteSpan wire, ByteSpan priorMac, const ResourceRecord& record, const TsigRData& rdata,
                          const TsigKey& key) {
    const std::size_t tsigStart = lastRecordOffset(wire);
    if (tsigStart < kHeaderSize) return makeError("cannot locate the TSIG RR");
    Bytes prefix(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(tsigStart));
    prefix[0] = static_cast<std::uint8_t>(rdata.originalId >> 8);
    prefix[1] = static_cast<std::uint8_t>(rdata.originalId & 0xff);
    const auto arcount = static_cast<std::uint16_t>(get16(wire, 10) - 1);
    prefix[10] = static_cast<std::uint8_t>(arcount >> 8);
    prefix[11] = static_cast<std::uint8_t>(arcount & 0xff);
    const Bytes prior = priorMacInput(priorMac);
    const Bytes variables = tsigVariables(record.name, record.klass, record.ttl, rdata);
    const std::array<ByteSpan, 3> parts{ByteSpan(prior), ByteSpan(prefix), ByteSpan(variables)};
    return crypto::hmac(hmacOf(key.algorithm()), secretBytes(key), parts);
}

bool macEquals(ByteSpan got, ByteSpan want) noexcept {
    return constantTimeEquals(std::string_view(reinterpret_cast<const char*>(got.data()), got.size()),
                              std::string_view(reinterpret_cast<const char*>(want.data()), want.size()));
}

}  // namespace tsig_internal

std::optional<TsigAlgorithm> parseTsigAlgorithm(std::string_view text) {
    if (!text.empty() && text.back() == '.') text.remove_suffix(1);
    std::string lower(text);
    for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower == "hmac-sha256") return TsigAlgorithm::HmacSha256;
    if (lower == "hmac-sha1") return TsigAlgorithm::HmacSha1;
    if (lower == "hmac-sha512") return TsigAlgorithm::HmacSha512;
    return std::nullopt;
}

std::string_view toString(TsigAlgorithm algorithm) noexcept {
    switch (algorithm) {
    case TsigAlgorithm::HmacSha1: return "hmac-sha1";
    case TsigAlgorithm::HmacSha256: return "hmac-sha256";
    case TsigAlgorithm::HmacSha512: return "hmac-sha512";
    }
    return "hmac-sha256";
}

std::string_view toString(TsigVerdict verdict) noexcept {
    switch (verdict) {
    case TsigVerdict::Verified: return "verified";
    case TsigVerdict::ServerBadSig: return "BADSIG";
    case TsigVerdict::ServerBadKey: return "BADKEY";
    case TsigVerdict::ServerBadTime: return "BADTIME";
    case TsigVerdict::ServerError: return "TSIG error";
    case TsigVerdict::Unsigned: return "unsigned";
    case TsigVerdict::BadMac: return "bad MAC";
    case TsigVerdict::BadTime: return "time outside fudge";
    case TsigVerdict::Malformed: return "malformed";
    }
    return "malformed";
}

Result<TsigKey> TsigKey::make(std::string_view name, TsigAlgorithm algorithm, std::string_view secretBase64) {
    auto keyName = Name::parse(name);
    if (!keyName) return makeError("TSIG key name: " + keyName.message());
    if (keyName->isRoot()) return makeError("TSIG key name must not be empty");
    auto secret = crypto::base64DecodeSecret(secretBase64);
    // The message names the problem, never the secret.
    if (!secret) return makeError("TSIG secret for " + keyName->toString() + " is not valid base64 (" + secret.message() + ")");
    return TsigKey(keyName->lowercased(), algorithm, std::move(*secret));
}

Result<TsigKey> TsigKey::fromSpec(std::string_view spec) {
    const std::size_t first = spec.find(':');
    if (first == std::string_view::npos) return makeError("TSIG key: expected [alg:]name:secret");
    const std::size_t second = spec.find(':', first + 1);
    if (second == std::string_view::npos) {
        return make(spec.substr(0, first), TsigAlgorithm::HmacSha256, spec.substr(first + 1));
    }
    const auto algorithm = parseTsigAlgorithm(spec.substr(0, first));
    if (!algorithm) return makeError("TSIG key: unknown algorithm \"" + std::string(spec.substr(0, first)) + "\"");
    return make(spec.substr(first + 1, second - first - 1), *algorithm, spec.substr(second + 1));
}

Result<TsigRData> decodeTsigRData(ByteSpan rdata) {
    // The algorithm name inside TSIG RDATA is never compressed (RFC 8945 4.2).
    std::size_t nameEnd = 0;
    while (true) {
        if (nameEnd >= rdata.size()) return makeError("TSIG: truncated algorithm name");
        const std::uint8_t octet = rdata[nameEnd];
        if ((octet & 0xc0) != 0) return makeError("TSIG: compressed or bad algorithm name");
        nameEnd += 1 + std::size_t{octet};
        if (octet == 0) break;
    }
    if (nameEnd > rdata.size()) return makeError("TSIG: truncated algorithm name");
    auto algorithm = Name::fromWire(std::string_view(reinterpret_cast<const char*>(rdata.data()), nameEnd));
    if (!algorithm) return makeError("TSIG: " + algorithm.message());
    TsigRData out;
    out.algorithm = std::move(*algorithm);
    std::size_t pos = nameEnd;
    if (rdata.size() - pos < 10) return makeError("TSIG: truncated RDATA");
    out.timeSigned = get48(rdata, pos);
    out.fudge = get16(rdata, pos + 6);
    const std::size_t macSize = get16(rdata, pos + 8);
    pos += 10;
    if (rdata.size() - pos < macSize + 6) return makeError("TSIG: truncated MAC");
    out.mac.assign(rdata.begin() + static_cast<std::ptrdiff_t>(pos), rdata.begin() + static_cast<std::ptrdiff_t>(pos + macSize));
    pos += macSize;
    out.originalId = get16(rdata, pos);
    out.error = get16(rdata, pos + 2);
    const std::size_t otherSize = get16(rdata, pos + 4);
    pos += 6;
    if (rdata.size() - pos != otherSize) return makeError("TSIG: other data length does not match RDLENGTH");
    out.otherData.assign(rdata.begin() + static_cast<std::ptrdiff_t>(pos), rdata.end());
    return out;
}

std::vector<std::uint8_t> encodeTsigRData(const TsigRData& rdata) {
    Bytes out;
    putName(out, rdata.algorithm);
    put48(out, rdata.timeSigned);
    put16(out, rdata.fudge);
    put16(out, static_cast<std::uint16_t>(rdata.mac.size()));
    putBytes(out, rdata.mac);
    put16(out, rdata.originalId);
    put16(out, rdata.error);
    put16(out, static_cast<std::uint16_t>(rdata.otherData.size()));
    putBytes(out, rdata.otherData);
    return out;
}

namespace tsig_internal {

// Encodes `message`, MACs it (after the length-prefixed prior MAC, when there is one) and
// appends the TSIG RR by hand, so the signed prefix is exactly what was MACed.
Result<Bytes> signMessage(const Message& message, ByteSpan priorMac, const TsigKey& key, std::uint64_t now,
                          std::uint16_t fudge, std::uint16_t error, ByteSpan otherData, Bytes* macOut,
                          TsigDigest digest) {
    for (const auto& record : message.additional) {
        if (record.type == rrtype::TSIG) return makeError("TSIG: the message is already signed");
    }
    if (message.additional.size() >= 0xffff) return makeError("TSIG: no room for the TSIG RR");
    Bytes wire = encodeMessage(message);

    TsigRData rdata;
    rdata.algorithm = algorithmName(key.algorithm());
    rdata.timeSigned = now & 0xffffffffffffULL;
    rdata.fudge = fudge;
    rdata.originalId = message.header.id;
    rdata.error = error;
    rdata.otherData.assign(otherData.begin(), otherData.end());
    const Bytes prior = priorMacInput(priorMac);
    const Bytes variables = digest == TsigDigest::Timers ? tsigTimers(rdata) : tsigVariables(key.name(), rrclass::ANY, 0, rdata);
    const std::array<ByteSpan, 3> parts{ByteSpan(prior), ByteSpan(wire), ByteSpan(variables)};
    auto mac = crypto::hmac(hmacOf(key.algorithm()), secretBytes(key), parts);
    if (!mac) return mac.error();
    rdata.mac = std::move(*mac);
    if (macOut != nullptr) *macOut = rdata.mac;
    const Bytes encoded = encodeTsigRData(rdata);

    putName(wire, key.name());
    put16(wire, rrtype::TSIG);
    put16(wire, rrclass::ANY);
    put32(wire, 0);
    put16(wire, static_cast<std::uint16_t>(encoded.size()));
    putBytes(wire, encoded);
    const auto arcount = static_cast<std::uint16_t>(message.additional.size() + 1);
    wire[10] = static_cast<std::uint8_t>(arcount >> 8);
    wire[11] = static_cast<std::uint8_t>(arcount & 0xff);
    return wire;
}

}  // namespace tsig_internal

Result<SignedRequest> signRequest(const Message& request, const TsigKey& key, std::uint64_t now, std::uint16_t fudge) {
    SignedRequest signedRequest;
    auto wire = signMessage(request, {}, key, now, fudge, 0, {}, &signedRequest.mac, TsigDigest::Full);
    if (!wire) return wire.error();
    signedRequest.wire = std::move(*wire);
    signedRequest.id = request.header.id;
    // The decoded form, TSIG RR included, for matching the reply.
    auto decoded = decodeMessage(signedRequest.wire);
    if (!decoded) return makeError("TSIG: signed request does not decode: " + decoded.message());
    signedRequest.message = std::move(*decoded);
    return signedRequest;
}

Result<std::vector<std::uint8_t>> signResponse(const Message& response, ByteSpan requestMac, const TsigKey& key,
                                               std::uint64_t now, std::uint16_t error, ByteSpan otherData,
                                               std::uint16_t fudge) {
    return signMessage(response, requestMac, key, now, fudge, error, otherData, nullptr, TsigDigest::Full);
}

TsigCheck verifyResponse(ByteSpan response, const SignedRequest& request, const TsigKey& key, std::uint64_t now) {
    const auto message = decodeMessage(response);
    if (!message) return check(TsigVerdict::Malformed, message.message());
    if (auto misplaced = tsigPlacementError(*message)) return check(TsigVerdict::Malformed, std::move(*misplaced));
    const auto& additional = message->additional;
    if (additional.empty() || additional.back().type != rrtype::TSIG) {
        return check(TsigVerdict::Unsigned, "the response carries no TSIG RR");
    }
    const ResourceRecord& record = additional.back();
    const auto* raw = std::get_if<RawData>(&record.data);
    if (raw == nullptr || record.klass != rrclass::ANY) return check(TsigVerdict::Malformed, "TSIG RR with a bad class");
    auto rdata = decodeTsigRData(raw->bytes);
    if (!rdata) return check(TsigVerdict::Malformed, rdata.message());
    if (!(record.name == key.name()) || !(rdata->algorithm == algorithmName(key.algorithm()))) {
        return check(TsigVerdict::Malformed, "the response is signed with another key or algorithm", rdata->error);
    }

    if (rdata->mac.empty()) {
        // RFC 8945 5.3.2: the server could not verify us, so it cannot sign its answer.
        switch (rdata->error) {
        case tsigerror::BADSIG: return check(TsigVerdict::ServerBadSig, "the server rejected the MAC (BADSIG)", rdata->error);
        case tsigerror::BADKEY: return check(TsigVerdict::ServerBadKey, "the server does not know the key (BADKEY)", rdata->error);
        case 0: return check(TsigVerdict::Unsigned, "the response's TSIG RR has no MAC");
        default: break;
        }
        if (rdata->error != tsigerror::BADTIME) {
            return check(TsigVerdict::ServerError, "TSIG error " + std::to_string(rdata->error), rdata->error);
        }
    } else {
        if (rdata->mac.size() != crypto::hmacSize(hmacOf(key.algorithm()))) {
            return check(TsigVerdict::BadMac, "the response's MAC has the wrong size", rdata->error);
        }
        auto expected = expectedMac(response, request.mac, record, *rdata, key);
        if (!expected) return check(TsigVerdict::Malformed, expected.message());
        if (!macEquals(rdata->mac, *expected))
            return check(TsigVerdict::BadMac, "the response's MAC does not verify", rdata->error);
        if (rdata->originalId != request.id) return check(TsigVerdict::Malformed, "TSIG original id does not match the request");
    }

    if (rdata->error == tsigerror::BADTIME) {
        TsigCheck result = check(TsigVerdict::ServerBadTime, "", rdata->error);
        result.serverTime = rdata->timeSigned;
        if (rdata->otherData.size() == 6) {
            result.serverTime = get48(rdata->otherData, 0);
        }
        result.detail = "the server's clock (" + std::to_string(result.serverTime) + ") and ours (" +
                        std::to_string(now) + ") differ by more than the fudge (BADTIME)";
        return result;
    }
    if (rdata->error != 0) return check(TsigVerdict::ServerError, "TSIG error " + std::to_string(rdata->error), rdata->error);
    if (distance(now, rdata->timeSigned) > rdata->fudge) {
        TsigCheck result = check(TsigVerdict::BadTime, "the response was signed at " + std::to_string(rdata->timeSigned) +
                                                           ", outside the fudge of our clock (" + std::to_string(now) + ")");
        result.serverTime = rdata->timeSigned;
        return result;
    }
    return check(TsigVerdict::Verified, "");
}

std::uint64_t tsigNow() {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    return static_cast<std::uint64_t>(seconds.count());
}

}  // namespace qdyn::dns
