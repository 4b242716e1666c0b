// Fuzz target: a row's RRsets blob as the store reads it back at start-up (record_codec), then
// each RDATA as the restore turns it into records. The store file is written by qdyn-server
// alone, but a damaged or foreign file is outside input. Checked: decoding is strict, so a blob
// that decodes encodes back to exactly the same octets; decoding into storage that still holds
// another row's RRsets gives the same result as decoding afresh.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "qdyn/dns/message.hpp"
#include "store/record_codec.hpp"

namespace {

using namespace qdyn;
using namespace qdyn::server;

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view blob(reinterpret_cast<const char*>(data), size);
    const auto decoded = store::decodeRRsets(blob);

    // Storage left over from a previous row, as the restore's one scratch row has.
    std::vector<StoredRRset> reused{StoredRRset{1, 60, {{192, 0, 2, 1}, {192, 0, 2, 2}}},
                                    StoredRRset{28, 60, {}}, StoredRRset{16, 30, {{3, 'a', 'b', 'c'}}}};
    const auto into = store::decodeRRsetsInto(blob, reused);
    check(decoded.ok() == into.ok());
    if (!decoded) return 0;
    check(reused == *decoded);

    const auto encoded = store::encodeRRsets(*decoded);
    check(encoded.ok());
    check(*encoded == blob);

    for (const auto& rrset : *decoded) {
        for (const auto& rdata : rrset.rdatas) (void)dns::decodeRData(rrset.type, rdata);
    }
    return 0;
}
