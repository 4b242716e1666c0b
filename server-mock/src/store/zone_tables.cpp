// Loading and committing the dynamic zone (see zone_tables.hpp).
#include "store/zone_tables.hpp"

#include <array>
#include <limits>
#include <string>

#include "store/schema.hpp"

namespace qdyn::server::store {

namespace {

constexpr std::int64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

Result<void> prepareInto(Database& db, const char* sql, Statement& out) {
    auto statement = db.prepare(sql);
    if (!statement) return makeError(std::string("cannot prepare \"") + sql + "\": " + statement.message());
    out = std::move(*statement);
    return {};
}

// Decodes a row into `out`, reusing the storage of its RRsets from the row before.
Result<void> decodeRow(const Statement& row, StoredName& out) {
    const auto key = row.columnBlob(0);
    const auto spelling = row.isNull(1) ? key : row.columnBlob(1);
    auto name = dns::Name::fromWire(spelling);
    if (!name) return makeError("a stored name is invalid: " + name.message());
    std::array<char, dns::Name::kMaxWireLength> folded;
    if (spelling.data() != key.data() && name->lowercasedWire(folded) != key) {
        return makeError(name->toString() + ": its spelling does not match its key");
    }
    const auto offline = row.columnInt64(2);
    const auto expiresAt = row.columnInt64(3);
    if (offline < 0 || offline > 1 || expiresAt < 0 || expiresAt > kMaxU32) {
        return makeError(name->toString() + ": offline flag or expiry out of range");
    }
    if (auto rrsets = decodeRRsetsInto(row.columnBlob(4), out.rrsets); !rrsets) {
        return makeError(name->toString() + ": " + rrsets.message());
    }
    out.name = std::move(*name);
    out.offline = offline == 1;
    out.expiresAt = static_cast<std::uint32_t>(expiresAt);
    return {};
}

}  // namespace

Result<ZoneTables> ZoneTables::open(const std::filesystem::path& path, int busyTimeoutMs) {
    auto db = openStoreDatabase(path, busyTimeoutMs);
    if (!db) return db.error();
    ZoneTables tables;
    tables.m_path = path;
    tables.m_db = std::move(*db);
    const std::pair<const char*, Statement*> statements[] = {
        {"BEGIN IMMEDIATE", &tables.m_begin},
        {"COMMIT", &tables.m_commit},
        // An upsert updates the row in place; INSERT OR REPLACE deleted it and inserted it again
        // (2-3 times the statement's cost measured alone; the writer thread's CPU under the
        // updates benchmark fell by about a tenth).
        {"INSERT INTO names (key, spelling, offline, expires_at, rrsets) VALUES (?1, ?2, ?3, ?4, ?5) "
         "ON CONFLICT (key) DO UPDATE SET spelling = excluded.spelling, offline = excluded.offline, "
         "expires_at = excluded.expires_at, rrsets = excluded.rrsets",
         &tables.m_upsert},
        {"DELETE FROM names WHERE key = ?1", &tables.m_remove},
        {"INSERT OR REPLACE INTO serial (id, value) VALUES (0, ?1)", &tables.m_setSerial},
    };
    for (const auto& [sql, statement] : statements) {
        if (auto prepared = prepareInto(tables.m_db, sql, *statement); !prepared) return prepared.error();
    }
    return tables;
}

Result<void> ZoneTables::loadEach(const Store::HeaderSink& begin, const Store::NameSink& each) {
    if (!isOpen()) return makeError("the store " + m_path.string() + " is closed");
    if (auto begun = m_db.exec("BEGIN"); !begun) return makeError("cannot read the store: " + begun.message());
    if (auto loaded = loadRows(begin, each); !loaded) {
        (void)m_db.exec("ROLLBACK");
        return makeError("cannot load the store " + m_path.string() + ": " + loaded.message());
    }
    if (auto ended = m_db.exec("COMMIT"); !ended) return makeError("cannot read the store: " + ended.message());
    return {};
}

Result<void> ZoneTables::loadRows(const Store::HeaderSink& begin, const Store::NameSink& each) {
    // Load runs once per start, so its statements are not kept.
    StoredHeader header;
    auto serial = m_db.prepare("SELECT value FROM serial WHERE id = 0");
    if (!serial) return serial.error();
    {
        const ResetOnExit resetter(*serial);
        auto row = serial->step();
        if (!row) return row.error();
        header.exists = *row;
        if (*row) {
            const auto value = serial->columnInt64(0);
            if (value < 0 || value > kMaxU32) return makeError("the stored serial is out of range");
            header.serial = static_cast<std::uint32_t>(value);
        }
    }

    auto count = m_db.prepare("SELECT count(*) FROM names");
    if (!count) return count.error();
    {
        const ResetOnExit resetter(*count);
        auto row = count->step();
        if (!row) return row.error();
        if (*row) header.names = static_cast<std::size_t>(count->columnInt64(0));
    }
    if (auto begun = begin(header); !begun) return begun;

    auto names = m_db.prepare("SELECT key, spelling, offline, expires_at, rrsets FROM names");
    if (!names) return names.error();
    const ResetOnExit resetter(*names);
    // One StoredName for all rows: `each` takes the name, the RRsets' storage stays for the next.
    StoredName scratch;
    while (true) {
        auto row = names->step();
        if (!row) return row.error();
        if (!*row) break;
        if (auto decoded = decodeRow(*names, scratch); !decoded) return decoded;
        if (auto taken = each(std::move(scratch)); !taken) return taken;
    }
    return {};
}

Result<void> ZoneTables::commit(std::span<const EncodedWrite* const> writes) {
    if (!isOpen()) return makeError("the store " + m_path.string() + " is closed");
    if (writes.empty()) return {};
    if (auto begun = m_begin.run(); !begun) return makeError("cannot begin a store transaction: " + begun.message());
    for (const EncodedWrite* write : writes) {
        if (auto applied = applyOne(*write); !applied) return rollback(applied.error());
    }
    // Every write carries the serial after it; only the last one's survives the transaction.
    m_setSerial.bindInt64(1, writes.back()->serial);
    if (auto stored = m_setSerial.run(); !stored) return rollback(stored.error());
    if (auto committed = m_commit.run(); !committed) return rollback(committed.error());
    return {};
}

Result<void> ZoneTables::applyOne(const EncodedWrite& write) {
    for (const auto& key : write.removals) {
        m_remove.bindBlob(1, key);
        if (auto removed = m_remove.run(); !removed) return removed;
    }
    for (const auto& name : write.upserts) {
        if (name.remove) {
            m_remove.bindBlob(1, name.key);
            if (auto removed = m_remove.run(); !removed) return removed;
            continue;
        }
        m_upsert.bindBlob(1, name.key);
        if (name.spelling.empty()) {
            m_upsert.bindNull(2);
        } else {
            m_upsert.bindBlob(2, name.spelling);
        }
        m_upsert.bindInt64(3, name.offline ? 1 : 0);
        m_upsert.bindInt64(4, name.expiresAt);
        m_upsert.bindBlob(5, name.rrsets);
        if (auto upserted = m_upsert.run(); !upserted) return upserted;
    }
    return {};
}

Result<void> ZoneTables::rollback(const Error& error) {
    // A failed COMMIT or statement may already have ended the transaction; otherwise undo it so
    // the connection is ready for the next batch.
    if (sqlite3_get_autocommit(m_db.get()) == 0) (void)m_db.exec("ROLLBACK");
    return makeError("store transaction failed: " + error.message);
}

void ZoneTables::close() noexcept {
    m_begin = {};
    m_commit = {};
    m_upsert = {};
    m_remove = {};
    m_setSerial = {};
    m_db.close();
}

}  // namespace qdyn::server::store
