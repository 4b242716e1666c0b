// How one name's dynamic state becomes a row of the `names` table and back. RRsets are one blob
// per name (not a child table) so that loading a million names is one sequential scan with one
// row per name. The blob is big-endian and length-prefixed throughout:
//     u16 rrset count, then per RRset: u16 type, u32 TTL, u16 RDATA count,
//                                      then per RDATA: u16 length, the RDATA octets
// Decoding is strict (exact lengths, nothing left over): a damaged row is reported, not guessed at.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "qdyn/result.hpp"
#include "qdyn_server/store.hpp"

namespace qdyn::server::store {

struct EncodedName {
    std::string key;       // lower-cased wire form: names differing only in case are one record
    std::string spelling;  // the wire form as written when it differs from `key`, else empty
    bool remove = false;   // an empty StoredName: the row is deleted
    bool offline = false;
    std::uint32_t expiresAt = 0;
    std::string rrsets;  // the blob above
};

// A StoreWrite ready for SQL, encoded on the caller's thread so that the writer thread only binds.
struct EncodedWrite {
    std::uint32_t serial = 0;
    std::vector<std::string> removals;  // keys
    std::vector<EncodedName> upserts;
};

// Fails only for what the format cannot hold (more than 65535 RRsets or RDATAs, an RDATA over
// 65535 octets), which DNS cannot carry either.
Result<std::string> encodeRRsets(const std::vector<StoredRRset>& rrsets);
Result<std::vector<StoredRRset>> decodeRRsets(std::string_view blob);
// The same into `rrsets`, reusing its storage (the restore decodes a million rows this way).
Result<void> decodeRRsetsInto(std::string_view blob, std::vector<StoredRRset>& rrsets);

Result<EncodedName> encodeName(const StoredName& name);
Result<EncodedWrite> encodeWrite(const StoreWrite& write);

}  // namespace qdyn::server::store
