// The store's RRsets blob (store/record_codec): round trips, and damaged blobs refused without
// being trusted for sizes.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "store/record_codec.hpp"

namespace {
namespace server_record_codec_test {

using namespace qdyn::server;
using namespace std::string_literals;

TEST(RecordCodec, RRsetsRoundTripThroughTheBlob) {
    const std::vector<StoredRRset> rrsets{StoredRRset{1, 60, {{192, 0, 2, 1}, {192, 0, 2, 2}}},
                                          StoredRRset{16, 300, {{3, 'a', 'b', 'c'}, {}}}, StoredRRset{99, 0, {}}};
    const auto blob = store::encodeRRsets(rrsets);
    ASSERT_TRUE(blob) << blob.message();
    EXPECT_EQ(blob->substr(0, 8), "\x00\x03\x00\x01\x00\x00\x00\x3c"s);
    const auto back = store::decodeRRsets(*blob);
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(*back, rrsets);
    EXPECT_FALSE(store::decodeRRsets(*blob + "\x00"s));
    EXPECT_FALSE(store::decodeRRsets(blob->substr(0, blob->size() - 1)));
}

// A damaged row claims more RRsets or RDATAs than its bytes can hold: refused before anything is
// sized by the claim (the fuzz target found 65535 RRsets made room for from two octets).
TEST(RecordCodec, ACountTheBlobCannotHoldIsRefusedBeforeAnythingIsSizedByIt) {
    std::vector<StoredRRset> scratch{StoredRRset{1, 60, {{192, 0, 2, 1}}}};
    const auto capacity = scratch.capacity();
    const auto manyRRsets = store::decodeRRsetsInto("\xff\xff\x00\x01"s, scratch);
    ASSERT_FALSE(manyRRsets);
    EXPECT_NE(manyRRsets.message().find("RRset count"), std::string::npos) << manyRRsets.message();
    EXPECT_EQ(scratch.capacity(), capacity);

    // One RRset header (type A, TTL 60) claiming 65535 RDATAs, then two octets.
    const auto manyRDatas = store::decodeRRsetsInto("\x00\x01\x00\x01\x00\x00\x00\x3c\xff\xff\x00\x04"s, scratch);
    ASSERT_FALSE(manyRDatas);
    EXPECT_NE(manyRDatas.message().find("RDATA count"), std::string::npos) << manyRDatas.message();
    ASSERT_EQ(scratch.size(), 1U);
    EXPECT_LT(scratch[0].rdatas.capacity(), 16U);
}

}  // namespace server_record_codec_test
}  // namespace
