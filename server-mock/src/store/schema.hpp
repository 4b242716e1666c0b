// Opening the store's SQLite file: refusing anything that is not a qdyn-server store of a schema
// this build understands (without modifying it), creating the schema in a new file, and setting
// the connection up for the writer (WAL, synchronous=FULL).
//
// The schema, version 1:
//     meta   (key TEXT PRIMARY KEY, value)      'application' = 'qdyn-server store', 'schema_version' = 1
//     serial (id INTEGER PRIMARY KEY = 0, value) the SOA serial of the last committed write
//     names  (key BLOB PRIMARY KEY, spelling BLOB, offline, expires_at, rrsets BLOB)  WITHOUT ROWID
// plus PRAGMA application_id = 'qdys' in the file header, so a foreign file is recognised from
// its first 100 bytes before SQLite is let near it.
#pragma once

#include <cstdint>
#include <filesystem>

#include "qdyn/result.hpp"
#include "store/sqlite_handle.hpp"

namespace qdyn::server::store {

inline constexpr std::int64_t kSchemaVersion = 1;
inline constexpr std::uint32_t kApplicationId = 0x71647973;  // "qdys"
inline constexpr const char* kApplicationMarker = "qdyn-server store";

Result<Database> openStoreDatabase(const std::filesystem::path& path, int busyTimeoutMs);

}  // namespace qdyn::server::store
