// TSIG on the server side (RFC 8945 5.2, 5.3): requests signed by the client code are verified,
// every way a request can fail gets the error the RFC assigns to its first problem, and every
// answer the server builds is classified correctly by the client's verifyResponse.
#include <algorithm>
#include <gtest/gtest.h>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/dns/tsig_server.hpp"
#include "qdyn/protocols/rfc2136.hpp"
#include "test_values.hpp"

namespace qdyn::dns {
namespace {
namespace dns_tsig_server_test {

using Bytes = std::vector<std::uint8_t>;
using test::ip;
using test::name;
using enum TsigRequestVerdict;

// "qdyn-test-key-0123456789abcdef!!" in base64.
constexpr std::string_view kSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";
constexpr std::string_view kOtherSecret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
constexpr std::uint64_t kTime = 1700000000;

TsigKey key(std::string_view keyName = "ddns-key", TsigAlgorithm algorithm = TsigAlgorithm::HmacSha256,
            std::string_view secret = kSecret) {
    return TsigKey::make(keyName, algorithm, secret).value();
}

// The server's ring: one key per algorithm.
TsigKeyring ring() {
    TsigKeyring keyring;
    EXPECT_TRUE(keyring.add(key("ddns-key")));
    EXPECT_TRUE(keyring.add(key("sha1-key", TsigAlgorithm::HmacSha1)));
    EXPECT_TRUE(keyring.add(key("sha512-key", TsigAlgorithm::HmacSha512)));
    return keyring;
}

Message update() {
    return rfc2136::buildUpdate(name("dyn.example.test"), name("home.dyn.example.test"), ip("203.0.113.7"),
                                std::nullopt, 60, 0x1234);
}

SignedRequest signedUpdate(const TsigKey& k = key(), std::uint64_t time = kTime) {
    return signRequest(update(), k, time).value();
}

// The answer a server builds from the (unsigned view of the) request.
Message responseTo(const Message& request) {
    Message response;
    response.header = request.header;
    response.header.qr = true;
    response.questions = request.questions;
    return response;
}

Bytes answer(const TsigRequestCheck& check, std::uint64_t now = kTime) {
    return signServerResponse(responseTo(check.message), check, now).value();
}

Message decoded(std::span<const std::uint8_t> wire) {
    return decodeMessage(wire).value();
}

// Re-encodes a signed request with its TSIG RR (owner, class, TTL or RDATA) changed; the
// encoder reproduces the signed prefix byte for byte, so only the change differs.
template <typename Change>
Bytes withTsig(const SignedRequest& request, Change change) {
    Message message = request.message;
    ResourceRecord& tsig = message.additional.back();
    TsigRData rdata = decodeTsigRData(std::get<RawData>(tsig.data).bytes).value();
    change(tsig, rdata);
    tsig.data = RawData{encodeTsigRData(rdata)};
    return encodeMessage(message);
}

TEST(TsigServerTest, KeyringFindsKeysCaseInsensitivelyAndRefusesDuplicates) {
    TsigKeyring keyring;
    EXPECT_TRUE(keyring.empty());
    EXPECT_TRUE(keyring.add(key("DDNS-Key")));
    EXPECT_FALSE(keyring.add(key("ddns-KEY", TsigAlgorithm::HmacSha512)));
    EXPECT_EQ(keyring.size(), 1U);
    const TsigKey* found = keyring.find(name("dDnS-kEy."));
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->algorithm(), TsigAlgorithm::HmacSha256);  // the first one stays
    EXPECT_EQ(keyring.find(name("other-key")), nullptr);
}

TEST(TsigServerTest, RequestsSignedByTheClientVerifyAndTheirAnswersVerifyForEveryAlgorithm) {
    const TsigKeyring keyring = ring();
    for (const auto& [keyName, algorithm] :
         {std::pair{"ddns-key", TsigAlgorithm::HmacSha256}, std::pair{"sha1-key", TsigAlgorithm::HmacSha1},
          std::pair{"sha512-key", TsigAlgorithm::HmacSha512}}) {
        const TsigKey clientKey = key(keyName, algorithm);
        const SignedRequest request = signedUpdate(clientKey);
        const TsigRequestCheck check = verifyRequest(request.wire, keyring, kTime + 5);
        ASSERT_EQ(check.verdict, Verified) << keyName << ": " << check.detail;
        EXPECT_EQ(check.key, keyring.find(name(keyName)));
        EXPECT_EQ(check.requestMac, request.mac);
        EXPECT_EQ(check.timeSigned, kTime);
        EXPECT_EQ(check.fudge, kDefaultFudge);
        EXPECT_EQ(check.originalId, 0x1234);
        // The rest of the server sees the request as it was before signing.
        EXPECT_EQ(encodeMessage(check.message), encodeMessage(update()));

        const Bytes response = answer(check, kTime + 6);
        const TsigCheck client = verifyResponse(response, request, clientKey, kTime + 7);
        EXPECT_EQ(client.verdict, TsigVerdict::Verified) << keyName << ": " << client.detail;
        EXPECT_EQ(decoded(response).header.rcode, Rcode::NoError);
    }
}

TEST(TsigServerTest, AnyChangedOctetIsRejectedAndAChangedMacIsBadSig) {
    const TsigKeyring keyring = ring();
    const SignedRequest request = signedUpdate();
    for (std::size_t i = 2; i < request.wire.size(); ++i) {  // octets 0-1: the id, see below
        Bytes changed = request.wire;
        changed[i] ^= 0x01;
        EXPECT_NE(verifyRequest(changed, keyring, kTime).verdict, Verified) << "octet " << i;
    }
    // The A record's address: the request still decodes, only the MAC can tell.
    const Bytes address{203, 0, 113, 7};
    const auto at = std::search(request.wire.begin(), request.wire.end(), address.begin(), address.end());
    ASSERT_NE(at, request.wire.end());
    Bytes tampered = request.wire;
    tampered[static_cast<std::size_t>(at - request.wire.begin()) + 3] ^= 0x01;
    const TsigRequestCheck check = verifyRequest(tampered, keyring, kTime);
    EXPECT_EQ(check.verdict, BadSig) << check.detail;

    const Bytes forged = signedUpdate(key("ddns-key", TsigAlgorithm::HmacSha256, kOtherSecret)).wire;
    EXPECT_EQ(verifyRequest(forged, keyring, kTime).verdict, BadSig);
}

TEST(TsigServerTest, BadSigIsAnsweredUnsignedWithNotAuth) {
    const TsigKeyring keyring = ring();
    const SignedRequest request = signedUpdate(key("ddns-key", TsigAlgorithm::HmacSha256, kOtherSecret));
    const TsigRequestCheck check = verifyRequest(request.wire, keyring, kTime);
    ASSERT_EQ(check.verdict, BadSig);
    const Bytes response = answer(check);
    EXPECT_EQ(decoded(response).header.rcode, Rcode::NotAuth);
    const TsigRData rdata = decodeTsigRData(std::get<RawData>(decoded(response).additional.back().data).bytes).value();
    EXPECT_TRUE(rdata.mac.empty());
    EXPECT_EQ(rdata.error, tsigerror::BADSIG);
    const TsigCheck client = verifyResponse(response, request, key(), kTime);
    EXPECT_EQ(client.verdict, TsigVerdict::ServerBadSig) << client.detail;
}

TEST(TsigServerTest, UnknownKeyOrAlgorithmIsBadKeyAnsweredUnsigned) {
    const TsigKeyring keyring = ring();
    const TsigKey unknown = key("nobody-key");
    const SignedRequest request = signedUpdate(unknown);
    const TsigRequestCheck check = verifyRequest(request.wire, keyring, kTime);
    EXPECT_EQ(check.verdict, BadKey);
    EXPECT_EQ(check.key, nullptr);
    const Bytes response = answer(check);
    EXPECT_EQ(decoded(response).header.rcode, Rcode::NotAuth);
    EXPECT_EQ(verifyResponse(response, request, unknown, kTime).verdict, TsigVerdict::ServerBadKey);

    // ddns-key is an hmac-sha256 key here: the same name with hmac-sha512 is not that key.
    const TsigKey otherAlgorithm = key("ddns-key", TsigAlgorithm::HmacSha512);
    const SignedRequest misfit = signedUpdate(otherAlgorithm);
    const TsigRequestCheck misfitCheck = verifyRequest(misfit.wire, keyring, kTime);
    EXPECT_EQ(misfitCheck.verdict, BadKey) << misfitCheck.detail;
    // The answer names the algorithm the client used, so the client can match it.
    EXPECT_EQ(verifyResponse(answer(misfitCheck), misfit, otherAlgorithm, kTime).verdict, TsigVerdict::ServerBadKey);

    // An algorithm qdyn does not implement at all (hmac-md5) is BADKEY as well (5.2.1).
    const Bytes md5 = withTsig(
        signedUpdate(), [](ResourceRecord&, TsigRData& rdata) { rdata.algorithm = name("hmac-md5.sig-alg.reg.int"); });
    EXPECT_EQ(verifyRequest(md5, keyring, kTime).verdict, BadKey);
}

TEST(TsigServerTest, TimeOutsideTheFudgeIsBadTimeWithASignedAnswerCarryingOurClock) {
    const TsigKeyring keyring = ring();
    const SignedRequest request = signedUpdate();
    EXPECT_EQ(verifyRequest(request.wire, keyring, kTime + 300).verdict, Verified);
    EXPECT_EQ(verifyRequest(request.wire, keyring, kTime - 300).verdict, Verified);
    EXPECT_EQ(verifyRequest(request.wire, keyring, kTime - 301).verdict, BadTime);
    const TsigRequestCheck check = verifyRequest(request.wire, keyring, kTime + 1000);
    ASSERT_EQ(check.verdict, BadTime) << check.detail;
    EXPECT_EQ(check.key, keyring.find(name("ddns-key")));

    const Bytes response = answer(check, kTime + 1000);
    const Message message = decoded(response);
    EXPECT_EQ(message.header.rcode, Rcode::NotAuth);
    const TsigRData rdata = decodeTsigRData(std::get<RawData>(message.additional.back().data).bytes).value();
    EXPECT_EQ(rdata.timeSigned, kTime);  // the client's time, so its own clock accepts the answer
    EXPECT_EQ(rdata.fudge, kDefaultFudge);
    EXPECT_EQ(rdata.otherData, (Bytes{0x00, 0x00, 0x65, 0x53, 0xf4, 0xe8}));  // kTime + 1000

    const TsigCheck client = verifyResponse(response, request, key(), kTime);
    EXPECT_EQ(client.verdict, TsigVerdict::ServerBadTime) << client.detail;
    EXPECT_EQ(client.serverTime, kTime + 1000);
}

TEST(TsigServerTest, AForwardedRequestVerifiesUnderItsOriginalId) {
    const SignedRequest request = signedUpdate();
    Bytes forwarded = request.wire;
    forwarded[0] = 0xab;
    forwarded[1] = 0xcd;
    const TsigKeyring keyring = ring();
    const TsigRequestCheck check = verifyRequest(forwarded, keyring, kTime);
    EXPECT_EQ(check.verdict, Verified) << check.detail;
    EXPECT_EQ(check.originalId, 0x1234);
    EXPECT_EQ(check.message.header.id, 0xabcd);
}

TEST(TsigServerTest, KeyAndAlgorithmNamesMatchCaseInsensitively) {
    // The MAC covers the names in canonical (lower-case) form, so a client may spell them in
    // any case on the wire and still verify.
    const Bytes shouting = withTsig(signedUpdate(), [](ResourceRecord& tsig, TsigRData& rdata) {
        tsig.name = name("DDNS-KEY");
        rdata.algorithm = name("HMAC-SHA256");
    });
    const TsigRequestCheck check = verifyRequest(shouting, ring(), kTime);
    EXPECT_EQ(check.verdict, Verified) << check.detail;
    EXPECT_EQ(check.keyName.wire(), name("DDNS-KEY").wire());  // as received
}

TEST(TsigServerTest, MisplacedRepeatedOrUninterpretableTsigIsFormErr) {
    const TsigKeyring keyring = ring();
    const SignedRequest request = signedUpdate();

    Message notLast = request.message;
    notLast.additional.push_back(
        ResourceRecord{name("x.dyn.example.test"), rrtype::A, rrclass::Internet, 60, AData{{192, 0, 2, 1}}});
    EXPECT_EQ(verifyRequest(encodeMessage(notLast), keyring, kTime).verdict, FormErr);

    Message twice = request.message;
    const ResourceRecord copy = twice.additional.back();
    twice.additional.push_back(copy);
    const TsigRequestCheck twiceCheck = verifyRequest(encodeMessage(twice), keyring, kTime);
    EXPECT_EQ(twiceCheck.verdict, FormErr);
    EXPECT_NE(twiceCheck.detail.find("more than one"), std::string::npos) << twiceCheck.detail;

    Message inAuthority = request.message;
    inAuthority.authority.push_back(inAuthority.additional.back());
    inAuthority.additional.pop_back();
    EXPECT_EQ(verifyRequest(encodeMessage(inAuthority), keyring, kTime).verdict, FormErr);

    const auto badClass = withTsig(request, [](ResourceRecord& tsig, TsigRData&) { tsig.klass = rrclass::Internet; });
    EXPECT_EQ(verifyRequest(badClass, keyring, kTime).verdict, FormErr);
    const auto badTtl = withTsig(request, [](ResourceRecord& tsig, TsigRData&) { tsig.ttl = 1; });
    EXPECT_EQ(verifyRequest(badTtl, keyring, kTime).verdict, FormErr);

    Message badRData = request.message;
    badRData.additional.back().data = RawData{{0x00, 0x01, 0x02}};
    EXPECT_EQ(verifyRequest(encodeMessage(badRData), keyring, kTime).verdict, FormErr);

    const Bytes garbage{1, 2, 3};
    EXPECT_EQ(verifyRequest(garbage, keyring, kTime).verdict, FormErr);
}

TEST(TsigServerTest, FormErrIsAnsweredWithFormErrAndNoTsig) {
    Message twice = signedUpdate().message;
    const ResourceRecord tsig = twice.additional.back();
    twice.additional.push_back(tsig);
    const TsigRequestCheck check = verifyRequest(encodeMessage(twice), ring(), kTime);
    ASSERT_EQ(check.verdict, FormErr);
    const Message message = decoded(signServerResponse(responseTo(check.message), check, kTime).value());
    EXPECT_EQ(message.header.rcode, Rcode::FormErr);
    EXPECT_TRUE(message.additional.empty());
}

TEST(TsigServerTest, MacSizesFollowRfc8945Truncation) {
    const TsigKeyring keyring = ring();
    const auto truncatedTo = [](const SignedRequest& request, std::size_t size) {
        return withTsig(request, [size](ResourceRecord&, TsigRData& rdata) { rdata.mac.resize(size); });
    };
    // hmac-sha256: 32 octets, at least 16; hmac-sha1: 20 octets, at least 10.
    const SignedRequest sha256 = signedUpdate();
    EXPECT_EQ(verifyRequest(truncatedTo(sha256, 15), keyring, kTime).verdict, FormErr);
    EXPECT_EQ(verifyRequest(truncatedTo(sha256, 0), keyring, kTime).verdict, FormErr);
    EXPECT_EQ(verifyRequest(truncatedTo(sha256, 33), keyring, kTime).verdict, FormErr);  // padded with 0
    const SignedRequest sha1 = signedUpdate(key("sha1-key", TsigAlgorithm::HmacSha1));
    EXPECT_EQ(verifyRequest(truncatedTo(sha1, 9), keyring, kTime).verdict, FormErr);

    // An allowed truncation is checked (a wrong prefix is BADSIG), then refused by policy.
    const SignedRequest truncatedRequest = [&] {
        SignedRequest r = sha256;
        r.wire = truncatedTo(sha256, 16);
        r.mac.resize(16);
        return r;
    }();
    const TsigRequestCheck check = verifyRequest(truncatedRequest.wire, keyring, kTime);
    ASSERT_EQ(check.verdict, BadTrunc) << check.detail;
    EXPECT_EQ(verifyRequest(truncatedRequest.wire, keyring, kTime + 301).verdict, BadTime);  // 5.2.3 first
    Bytes wrongPrefix = truncatedRequest.wire;
    wrongPrefix[wrongPrefix.size() - 7] ^= 0x01;  // the last MAC octet
    EXPECT_EQ(verifyRequest(wrongPrefix, keyring, kTime).verdict, BadSig);

    // The BADTRUNC answer is signed, chained to the truncated MAC as it was sent.
    const Bytes response = answer(check);
    EXPECT_EQ(decoded(response).header.rcode, Rcode::NotAuth);
    const TsigCheck client = verifyResponse(response, truncatedRequest, key(), kTime);
    EXPECT_EQ(client.verdict, TsigVerdict::ServerError) << client.detail;
    EXPECT_EQ(client.error, tsigerror::BADTRUNC);
}

TEST(TsigServerTest, UnsignedRequestsAreLeftToTheCallerAndAnsweredUnsigned) {
    const TsigRequestCheck check = verifyRequest(encodeMessage(update()), ring(), kTime);
    EXPECT_EQ(check.verdict, Unsigned);
    EXPECT_EQ(check.key, nullptr);
    Message response = responseTo(check.message);
    response.header.rcode = Rcode::Refused;
    EXPECT_EQ(signServerResponse(response, check, kTime).value(), encodeMessage(response));
}

TEST(TsigServerTest, SigningRefusesAResponseThatIsAlreadySignedOrHasNoKey) {
    const TsigKeyring keyring = ring();
    const TsigRequestCheck check = verifyRequest(signedUpdate().wire, keyring, kTime);
    ASSERT_EQ(check.verdict, Verified);
    Message response = responseTo(check.message);
    response.additional.push_back(signedUpdate().message.additional.back());
    EXPECT_FALSE(signServerResponse(response, check, kTime));

    TsigRequestCheck keyless = check;
    keyless.key = nullptr;
    EXPECT_FALSE(signServerResponse(responseTo(check.message), keyless, kTime));
}

}  // namespace dns_tsig_server_test
}  // namespace
}  // namespace qdyn::dns
