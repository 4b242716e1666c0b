// The store's SQL: reading the whole zone back and committing a batch of writes as one
// transaction, over one connection with its statements prepared once. Not thread-safe: the
// store serialises every call.
#pragma once

#include <filesystem>
#include <span>

#include "qdyn/result.hpp"
#include "qdyn_server/store.hpp"
#include "store/record_codec.hpp"
#include "store/sqlite_handle.hpp"

namespace qdyn::server::store {

class ZoneTables {
public:
    static Result<ZoneTables> open(const std::filesystem::path& path, int busyTimeoutMs);

    // One read transaction, so the serial and the names are of the same commit.
    Result<void> loadEach(const Store::HeaderSink& begin, const Store::NameSink& each);
    // Applies the writes in order (each one's removals, then its upserts) and stores the last
    // serial, all in one transaction: either every write is durable or none is.
    Result<void> commit(std::span<const EncodedWrite* const> writes);
    // Finalizes the statements and closes the connection (which checkpoints the WAL).
    void close() noexcept;
    [[nodiscard]] bool isOpen() const noexcept { return m_db.isOpen(); }

private:
    Result<void> loadRows(const Store::HeaderSink& begin, const Store::NameSink& each);
    Result<void> applyOne(const EncodedWrite& write);
    Result<void> rollback(const Error& error);

    std::filesystem::path m_path;
    // Declared first so it is destroyed last, after the statements that belong to it.
    Database m_db;
    Statement m_begin;
    Statement m_commit;
    Statement m_upsert;
    Statement m_remove;
    Statement m_setSerial;
};

}  // namespace qdyn::server::store
