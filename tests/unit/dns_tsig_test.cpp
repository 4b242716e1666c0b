// TSIG (RFC 8945): a fixed vector whose MAC was computed independently with
// `openssl dgst -sha256 -mac HMAC` over hand-built bytes, sign/verify round trips, and every
// way a response must be rejected. Also the strict base64 the keys are read with.
#include "qdyn/dns/tsig.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "qdyn/crypto/hmac.hpp"
#include "qdyn/protocols/rfc2136.hpp"
#include "test_values.hpp"

namespace qdyn::dns {
namespace {
namespace dns_tsig_test {

using Bytes = std::vector<std::uint8_t>;
using test::ip;
using test::name;

std::string toHex(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (const auto b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0xf]);
    }
    return out;
}

// "qdyn-test-key-0123456789abcdef!!" in base64.
constexpr std::string_view kSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";
constexpr std::uint64_t kTime = 1700000000;

TsigKey key(TsigAlgorithm algorithm = TsigAlgorithm::HmacSha256, std::string_view secret = kSecret,
            std::string_view keyName = "ddns-key") {
    return TsigKey::make(keyName, algorithm, secret).value();
}

Message update() {
    return rfc2136::buildUpdate(name("dyn.example.test"), name("home.dyn.example.test"), ip("203.0.113.7"),
                                std::nullopt, 60, 0x1234);
}

// A response to `request` as a server would build it: same id, QR, the zone section echoed.
Message responseTo(const Message& request, Rcode rcode = Rcode::NoError) {
    Message response;
    response.header = request.header;
    response.header.qr = true;
    response.header.rcode = rcode;
    response.questions = request.questions;
    return response;
}

TEST(TsigTest, KnownVectorMatchesAnIndependentHmac) {
    // Bytes and MAC computed outside qdyn (Python struct + openssl dgst) when this test was
    // written: header, zone section, delete RRset, add A; then the TSIG variables.
    const SignedRequest signedRequest = signRequest(update(), key(), kTime).value();
    EXPECT_EQ(toHex(signedRequest.mac), "b026a9a2f86b0044edf38b345108573989dc262925fe8d014ca6b23b73bed28e");
    const std::string expected =
        "1234280000010000000200010364796e076578616d706c650474657374000006000104686f6d65c00c000100ff000000000000"
        "c022000100010000003c0004cb007107"
        // TSIG RR: owner uncompressed, type 250, class ANY, TTL 0, RDLENGTH 61
        "0864646e732d6b657900" "00fa" "00ff" "00000000" "003d"
        "0b686d61632d73686132353600" "00006553f100" "012c" "0020"
        "b026a9a2f86b0044edf38b345108573989dc262925fe8d014ca6b23b73bed28e" "1234" "0000" "0000";
    EXPECT_EQ(toHex(signedRequest.wire), expected);
    ASSERT_EQ(signedRequest.message.additional.size(), 1U);
    EXPECT_EQ(signedRequest.message.additional[0].type, rrtype::TSIG);
    EXPECT_EQ(signedRequest.id, 0x1234);
}

TEST(TsigTest, EncoderNeverCompressesTheTsigOwner) {
    // The key name equals the zone, so a compressing encoder would point at it.
    const TsigKey zoneKey = key(TsigAlgorithm::HmacSha256, kSecret, "dyn.example.test");
    const SignedRequest signedRequest = signRequest(update(), zoneKey, kTime).value();
    Message reencoded = signedRequest.message;
    EXPECT_EQ(encodeMessage(reencoded), signedRequest.wire);
    const std::string wireHex = toHex(signedRequest.wire);
    EXPECT_NE(wireHex.find("0364796e076578616d706c65047465737400" "00fa"), std::string::npos) << wireHex;
}

TEST(TsigTest, SignedResponseVerifiesForEveryAlgorithm) {
    for (const auto algorithm : {TsigAlgorithm::HmacSha256, TsigAlgorithm::HmacSha1, TsigAlgorithm::HmacSha512}) {
        const TsigKey k = key(algorithm);
        const SignedRequest request = signRequest(update(), k, kTime).value();
        const Bytes response = signResponse(responseTo(update()), request.mac, k, kTime + 2).value();
        const TsigCheck result = verifyResponse(response, request, k, kTime + 3);
        EXPECT_EQ(result.verdict, TsigVerdict::Verified) << toString(algorithm) << ": " << result.detail;
    }
}

TEST(TsigTest, TamperedResponseIsRejected) {
    const SignedRequest request = signRequest(update(), key(), kTime).value();
    Bytes response = signResponse(responseTo(update()), request.mac, key(), kTime).value();
    response[3] ^= 0x05;  // NOERROR becomes REFUSED
    EXPECT_EQ(verifyResponse(response, request, key(), kTime).verdict, TsigVerdict::BadMac);

    // A response signed over another request's MAC does not verify either.
    Bytes otherMac = request.mac;
    otherMac[0] ^= 1;
    const Bytes replayed = signResponse(responseTo(update()), otherMac, key(), kTime).value();
    EXPECT_EQ(verifyResponse(replayed, request, key(), kTime).verdict, TsigVerdict::BadMac);
}

TEST(TsigTest, WrongKeyFails) {
    const SignedRequest request = signRequest(update(), key(), kTime).value();
    const TsigKey other = key(TsigAlgorithm::HmacSha256, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    const Bytes forged = signResponse(responseTo(update()), request.mac, other, kTime).value();
    EXPECT_EQ(verifyResponse(forged, request, key(), kTime).verdict, TsigVerdict::BadMac);

    const TsigKey renamed = key(TsigAlgorithm::HmacSha256, kSecret, "other-key");
    const Bytes foreign = signResponse(responseTo(update()), request.mac, renamed, kTime).value();
    EXPECT_EQ(verifyResponse(foreign, request, key(), kTime).verdict, TsigVerdict::Malformed);

    const TsigKey sha512 = key(TsigAlgorithm::HmacSha512);
    const Bytes otherAlgorithm = signResponse(responseTo(update()), request.mac, sha512, kTime).value();
    EXPECT_EQ(verifyResponse(otherAlgorithm, request, key(), kTime).verdict, TsigVerdict::Malformed);
}

TEST(TsigTest, TimeOutsideTheFudgeIsBadTime) {
    const SignedRequest request = signRequest(update(), key(), kTime).value();
    const Bytes response = signResponse(responseTo(update()), request.mac, key(), kTime).value();
    EXPECT_EQ(verifyResponse(response, request, key(), kTime + 300).verdict, TsigVerdict::Verified);
    EXPECT_EQ(verifyResponse(response, request, key(), kTime + 301).verdict, TsigVerdict::BadTime);
    EXPECT_EQ(verifyResponse(response, request, key(), kTime - 301).verdict, TsigVerdict::BadTime);
}

TEST(TsigTest, ServerBadTimeCarriesTheServersClock) {
    const SignedRequest request = signRequest(update(), key(), kTime).value();
    const Bytes serverTime{0x00, 0x00, 0x65, 0x53, 0xf5, 0x00};  // kTime + 1024
    const Bytes response = signResponse(responseTo(update(), Rcode::NotAuth), request.mac, key(), kTime,
                                        tsigerror::BADTIME, serverTime)
                               .value();
    const TsigCheck result = verifyResponse(response, request, key(), kTime);
    EXPECT_EQ(result.verdict, TsigVerdict::ServerBadTime);
    EXPECT_EQ(result.serverTime, kTime + 1024);
    EXPECT_EQ(result.error, tsigerror::BADTIME);
}

// BADSIG and BADKEY come back with an empty MAC: the server could not check ours.
Bytes unsignedError(const Message& request, std::uint16_t error) {
    TsigRData rdata;
    rdata.algorithm = name("hmac-sha256");
    rdata.timeSigned = kTime;
    rdata.originalId = request.header.id;
    rdata.error = error;
    Message response = responseTo(request, Rcode::NotAuth);
    response.additional.push_back(ResourceRecord{name("ddns-key"), rrtype::TSIG, rrclass::ANY, 0,
                                                 RawData{encodeTsigRData(rdata)}});
    return encodeMessage(response);
}

TEST(TsigTest, UnsignedServerErrorsAndMissingSignatures) {
    const SignedRequest request = signRequest(update(), key(), kTime).value();
    EXPECT_EQ(verifyResponse(unsignedError(update(), tsigerror::BADSIG), request, key(), kTime).verdict,
              TsigVerdict::ServerBadSig);
    EXPECT_EQ(verifyResponse(unsignedError(update(), tsigerror::BADKEY), request, key(), kTime).verdict,
              TsigVerdict::ServerBadKey);
    EXPECT_EQ(verifyResponse(unsignedError(update(), 0), request, key(), kTime).verdict, TsigVerdict::Unsigned);
    EXPECT_EQ(verifyResponse(encodeMessage(responseTo(update())), request, key(), kTime).verdict,
              TsigVerdict::Unsigned);
    const Bytes garbage{1, 2, 3};
    EXPECT_EQ(verifyResponse(garbage, request, key(), kTime).verdict, TsigVerdict::Malformed);
}

TEST(TsigTest, TsigRDataRoundTripsAndRejectsBadLengths) {
    TsigRData rdata;
    rdata.algorithm = name("hmac-sha256");
    rdata.timeSigned = 0xffffffffffffULL;
    rdata.mac = {1, 2, 3};
    rdata.originalId = 7;
    rdata.otherData = {9, 9};
    const Bytes encoded = encodeTsigRData(rdata);
    const TsigRData decoded = decodeTsigRData(encoded).value();
    EXPECT_EQ(decoded.timeSigned, rdata.timeSigned);
    EXPECT_EQ(decoded.mac, rdata.mac);
    EXPECT_EQ(decoded.otherData, rdata.otherData);
    for (std::size_t cut = 0; cut < encoded.size(); ++cut) {
        EXPECT_FALSE(decodeTsigRData(std::span<const std::uint8_t>(encoded.data(), cut))) << cut;
    }
    Bytes longer = encoded;
    longer.push_back(0);
    EXPECT_FALSE(decodeTsigRData(longer));
}

TEST(TsigTest, SigningTwiceIsRefused) {
    const SignedRequest request = signRequest(update(), key(), kTime).value();
    EXPECT_FALSE(signRequest(request.message, key(), kTime));
}

TEST(TsigKeyTest, ParsesTheNsupdateForm) {
    const TsigKey k = TsigKey::fromSpec("hmac-sha512:DDNS-Key:" + std::string(kSecret)).value();
    EXPECT_EQ(k.algorithm(), TsigAlgorithm::HmacSha512);
    EXPECT_EQ(k.name().toString(), "ddns-key.");  // canonical: lower case
    EXPECT_EQ(k.secret().reveal(), "qdyn-test-key-0123456789abcdef!!");
    EXPECT_EQ(TsigKey::fromSpec("ddns-key:" + std::string(kSecret)).value().algorithm(), TsigAlgorithm::HmacSha256);
    EXPECT_FALSE(TsigKey::fromSpec("hmac-md5:ddns-key:" + std::string(kSecret)));
    EXPECT_FALSE(TsigKey::fromSpec("ddns-key"));
    const auto bad = TsigKey::fromSpec("ddns-key:c2VjcmV0!");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.message().find("c2VjcmV0"), std::string::npos) << "the secret must not appear: " << bad.message();
    EXPECT_EQ(parseTsigAlgorithm("HMAC-SHA256."), TsigAlgorithm::HmacSha256);
    EXPECT_EQ(parseTsigAlgorithm("hmac-md5.sig-alg.reg.int"), std::nullopt);
}

TEST(Base64Test, StrictDecoding) {
    EXPECT_EQ(crypto::base64Encode(crypto::base64Decode(kSecret).value()), kSecret);
    EXPECT_EQ(crypto::base64Decode("Zm9vYg==").value(), (Bytes{'f', 'o', 'o', 'b'}));
    EXPECT_EQ(crypto::base64Decode("Zm9vYmE=").value(), (Bytes{'f', 'o', 'o', 'b', 'a'}));
    EXPECT_EQ(crypto::base64Decode("Zm9v").value(), (Bytes{'f', 'o', 'o'}));
    for (const char* bad : {"", "Zm9", "Zm9vY", "Zm9v\n", " Zm9v", "Zm 9v", "Zm=v", "Z===", "Zm9vYh==", "Zm9vYmF=",
                            "Zm9-", "Zm9_", "Zm9vYg==Zm9v", "====", "Zg=a"}) {
        EXPECT_FALSE(crypto::base64Decode(bad)) << '"' << bad << '"';
    }
    EXPECT_EQ(crypto::base64Encode(Bytes{}), "");
    EXPECT_EQ(crypto::base64Encode(Bytes{0xff}), "/w==");
}

// RFC 4231 test case 2 (key "Jefe"), and RFC 2202's for SHA-1: a prepared signer gives the
// same MAC every time (its context is re-keyed, not left finished) and the same as hmac().
TEST(HmacSignerTest, MatchesTheRfcVectorsAndHmacOnEveryCall) {
    const std::string_view data = "what do ya want for nothing?";
    const std::span<const std::uint8_t> whole[] = {crypto::asBytes(data)};
    const std::span<const std::uint8_t> split[] = {crypto::asBytes(data.substr(0, 7)), {},
                                                   crypto::asBytes(data.substr(7))};
    const struct {
        crypto::HmacAlgorithm algorithm;
        std::string_view hex;
    } cases[] = {
        {crypto::HmacAlgorithm::Sha1, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
        {crypto::HmacAlgorithm::Sha256, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {crypto::HmacAlgorithm::Sha512,
         "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fd"
         "caeab1a34d4a6b4b636e070a38bce737"},
    };
    for (const auto& vector : cases) {
        auto signer = crypto::HmacSigner::make(vector.algorithm, crypto::asBytes("Jefe"));
        ASSERT_TRUE(signer) << signer.message();
        Bytes out(crypto::hmacSize(vector.algorithm));
        for (int round = 0; round < 3; ++round) {
            std::fill(out.begin(), out.end(), std::uint8_t{0});
            ASSERT_TRUE(signer->sign(round == 1 ? std::span<const std::span<const std::uint8_t>>(split) : std::span<const std::span<const std::uint8_t>>(whole), out));
            EXPECT_EQ(toHex(out), vector.hex) << "round " << round;
        }
        const auto once = crypto::hmac(vector.algorithm, crypto::asBytes("Jefe"), whole);
        ASSERT_TRUE(once);
        EXPECT_EQ(toHex(*once), vector.hex);
        Bytes tooShort(out.size() - 1);
        EXPECT_FALSE(signer->sign(whole, tooShort));
    }
}

}  // namespace dns_tsig_test
}  // namespace
}  // namespace qdyn::dns
