// TSIG over a multi-message response (RFC 8945 5.3.1): core's TsigResponseStream signs a zone
// transfer message by message; an independent verifier (tests/support) rebuilds every digest
// from the raw octets, and core's own client check accepts the first message as any response.
#include <gtest/gtest.h>
#include <string_view>
#include <vector>

#include "qdyn/dns/tsig_server.hpp"
#include "test_values.hpp"
#include "tsig_stream_verifier.hpp"

namespace qdyn::dns {
namespace {
namespace dns_tsig_stream_test {

using test::name;
using Bytes = std::vector<std::uint8_t>;

constexpr std::string_view kSecret = "cWR5bi10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVmISE=";
constexpr std::uint64_t kTime = 1700000000;
constexpr std::uint16_t kAxfr = 252;

TsigKey key(TsigAlgorithm algorithm = TsigAlgorithm::HmacSha256, std::string_view secret = kSecret) {
    return TsigKey::make("xfr-key", algorithm, secret).value();
}

Message transferQuery() {
    Message query;
    query.header.id = 0x4242;
    query.questions.push_back({name("dyn.example.test"), kAxfr, rrclass::Internet});
    return query;
}

// The n-th message of a pretend transfer: a few A records, the question only in the first.
Message part(int index) {
    Message message;
    message.header.id = 0x4242;
    message.header.qr = true;
    message.header.aa = true;
    if (index == 0) message.questions = transferQuery().questions;
    for (std::uint8_t i = 0; i < 3; ++i) {
        message.answers.push_back({name("h" + std::to_string(index) + ".dyn.example.test"), rrtype::A, rrclass::Internet, 60,
                                   AData{{192, 0, 2, static_cast<std::uint8_t>(i + 1)}}});
    }
    return message;
}

struct Signed {
    SignedRequest request;
    std::vector<Bytes> messages;
};

Signed signedTransfer(TsigAlgorithm algorithm, int count) {
    TsigKeyring keyring;
    EXPECT_TRUE(keyring.add(key(algorithm)));
    Signed out{signRequest(transferQuery(), key(algorithm), kTime).value(), {}};
    const TsigRequestCheck check = verifyRequest(out.request.wire, keyring, kTime);
    EXPECT_EQ(check.verdict, TsigRequestVerdict::Verified) << check.detail;
    auto stream = TsigResponseStream::start(check).value();
    for (int i = 0; i < count; ++i)
        out.messages.push_back(stream.sign(part(i), kTime + static_cast<unsigned>(i)).value());
    return out;
}

TEST(TsigStreamTest, EveryMessageVerifiesInOrderForEachAlgorithm) {
    for (const auto algorithm : {TsigAlgorithm::HmacSha1, TsigAlgorithm::HmacSha256, TsigAlgorithm::HmacSha512}) {
        const Signed transfer = signedTransfer(algorithm, 4);
        test::TsigStreamVerifier verifier(key(algorithm), transfer.request.mac);
        for (std::size_t i = 0; i < transfer.messages.size(); ++i) {
            EXPECT_EQ(verifier.verifyNext(transfer.messages[i]), "") << "message " << i << ", " << toString(algorithm);
        }
    }
}

TEST(TsigStreamTest, TheFirstMessageIsAnOrdinarySignedResponse) {
    const Signed transfer = signedTransfer(TsigAlgorithm::HmacSha256, 2);
    const TsigCheck first = verifyResponse(transfer.messages[0], transfer.request, key(), kTime);
    EXPECT_EQ(first.verdict, TsigVerdict::Verified) << first.detail;
    // A later one is not: it chains to the previous message and covers only the timers.
    EXPECT_EQ(verifyResponse(transfer.messages[1], transfer.request, key(), kTime).verdict, TsigVerdict::BadMac);
}

TEST(TsigStreamTest, ReorderedTamperedOrForeignMessagesFail) {
    const Signed transfer = signedTransfer(TsigAlgorithm::HmacSha256, 3);
    {
        test::TsigStreamVerifier verifier(key(), transfer.request.mac);
        ASSERT_EQ(verifier.verifyNext(transfer.messages[0]), "");
        EXPECT_NE(verifier.verifyNext(transfer.messages[2]), "") << "a skipped message breaks the chain";
    }
    {
        test::TsigStreamVerifier verifier(key(), transfer.request.mac);
        ASSERT_EQ(verifier.verifyNext(transfer.messages[0]), "");
        Bytes tampered = transfer.messages[1];
        tampered[40] ^= 0x01U;  // inside the first answer
        EXPECT_NE(verifier.verifyNext(tampered), "");
    }
    {
        test::TsigStreamVerifier verifier(
            key(TsigAlgorithm::HmacSha256, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), transfer.request.mac);
        EXPECT_NE(verifier.verifyNext(transfer.messages[0]), "");
    }
}

TEST(TsigStreamTest, OverheadIsTheSizeOfTheTsigRecord) {
    for (const auto algorithm : {TsigAlgorithm::HmacSha1, TsigAlgorithm::HmacSha512}) {
        const Signed transfer = signedTransfer(algorithm, 1);
        TsigKeyring keyring;
        ASSERT_TRUE(keyring.add(key(algorithm)));
        const auto stream = TsigResponseStream::start(verifyRequest(transfer.request.wire, keyring, kTime)).value();
        EXPECT_EQ(transfer.messages[0].size() - encodeMessage(part(0)).size(), stream.overhead());
    }
}

TEST(TsigStreamTest, OnlyAVerifiedRequestStartsAStream) {
    TsigKeyring keyring;
    ASSERT_TRUE(keyring.add(key()));
    EXPECT_FALSE(TsigResponseStream::start(verifyRequest(encodeMessage(transferQuery()), keyring, kTime)));
    const auto forged = signRequest(
        transferQuery(), key(TsigAlgorithm::HmacSha256, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), kTime);
    EXPECT_FALSE(TsigResponseStream::start(verifyRequest(forged.value().wire, keyring, kTime)));
}

}  // namespace dns_tsig_stream_test
}  // namespace
}  // namespace qdyn::dns
