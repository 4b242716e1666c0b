// Recognising, creating and configuring the store's database file (see schema.hpp).
#include "store/schema.hpp"

#include <array>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

namespace qdyn::server::store {

namespace {

constexpr std::size_t kHeaderSize = 100;
constexpr std::size_t kApplicationIdOffset = 68;
constexpr char kSqliteMagic[] = "SQLite format 3";  // 16 octets with its NUL

const char* const kCreateSchema = R"sql(
CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value NOT NULL
) WITHOUT ROWID;
CREATE TABLE serial (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    value INTEGER NOT NULL CHECK (value BETWEEN 0 AND 4294967295)
);
CREATE TABLE names (
    key BLOB PRIMARY KEY NOT NULL,
    spelling BLOB,
    offline INTEGER NOT NULL CHECK (offline IN (0, 1)),
    expires_at INTEGER NOT NULL CHECK (expires_at BETWEEN 0 AND 4294967295),
    rrsets BLOB NOT NULL
) WITHOUT ROWID;
)sql";

std::string refusal(const std::filesystem::path& path, const std::string& why) {
    return "refusing to use " + path.string() + " as the qdyn-server store: " + why + "; the file was not modified";
}

// Looks at the file header with plain reads, so that a file of another application (or no
// database at all) is refused before SQLite could roll back a journal or checkpoint a WAL into it.
Result<void> checkHeader(const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) return {};  // a new store
    if (!std::filesystem::is_regular_file(status)) return makeError(refusal(path, "it is not a regular file"));
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return makeError("cannot read " + path.string() + ": " + ec.message());
    if (size == 0) return {};  // SQLite's own empty database: nothing to lose

    std::array<char, kHeaderSize> header{};
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError("cannot read " + path.string());
    in.read(header.data(), header.size());
    if (in.gcount() != static_cast<std::streamsize>(header.size()) ||
        std::memcmp(header.data(), kSqliteMagic, sizeof kSqliteMagic) != 0) {
        return makeError(refusal(path, "it is not an SQLite database"));
    }
    std::uint32_t applicationId = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        applicationId = (applicationId << 8) | static_cast<unsigned char>(header[kApplicationIdOffset + i]);
    }
    if (applicationId != kApplicationId) {
        return makeError(refusal(path, "it is an SQLite database of another application (application_id " +
                                           std::to_string(applicationId) + ")"));
    }
    return {};
}

// Reads the meta table. `fresh` comes back true for a database with no schema at all.
Result<void> checkMeta(Database& db, const std::filesystem::path& path, bool& fresh) {
    auto objects = db.prepare("SELECT count(*), sum(type = 'table' AND name = 'meta') FROM sqlite_master");
    if (!objects) return makeError("cannot read " + path.string() + ": " + objects.message());
    {
        const ResetOnExit resetter(*objects);
        auto row = objects->step();
        if (!row) return makeError("cannot read " + path.string() + ": " + row.message());
        fresh = objects->columnInt64(0) == 0;
        if (fresh) return {};
        if (objects->columnInt64(1) != 1) return makeError(refusal(path, "it has no qdyn-server meta table"));
    }

    auto meta = db.prepare("SELECT key, value, typeof(value) FROM meta");
    if (!meta) return makeError("cannot read " + path.string() + ": " + meta.message());
    const ResetOnExit resetter(*meta);
    bool ours = false;
    std::int64_t version = -1;
    while (true) {
        auto row = meta->step();
        if (!row) return makeError("cannot read " + path.string() + ": " + row.message());
        if (!*row) break;
        const auto key = meta->columnBlob(0);
        if (key == "application") ours = meta->columnBlob(1) == kApplicationMarker;
        if (key == "schema_version" && meta->columnBlob(2) == "integer") version = meta->columnInt64(1);
    }
    if (!ours) return makeError(refusal(path, "its meta table does not name it a qdyn-server store"));
    if (version > kSchemaVersion) {
        return makeError(refusal(path, "it has schema version " + std::to_string(version) +
                                           ", newer than this qdyn-server understands (" +
                                           std::to_string(kSchemaVersion) + "); use a newer qdyn-server"));
    }
    if (version < 1) return makeError(refusal(path, "its schema version is missing or invalid"));
    return {};
}

Result<void> createSchema(Database& db, const std::filesystem::path& path) {
    // IMMEDIATE, and the emptiness checked again inside, so two processes creating the same new
    // store cannot both create it.
    if (auto begun = db.exec("BEGIN IMMEDIATE"); !begun) {
        return makeError("cannot create the store in " + path.string() + ": " + begun.message());
    }
    const std::string sql = std::string(kCreateSchema) + "INSERT INTO meta (key, value) VALUES ('application', '" +
                            kApplicationMarker + "'), ('schema_version', " + std::to_string(kSchemaVersion) +
                            ");\nPRAGMA application_id = " + std::to_string(kApplicationId) + ";\nCOMMIT;";
    bool fresh = false;
    if (auto checked = checkMeta(db, path, fresh); !checked || !fresh) {
        (void)db.exec("ROLLBACK");
        return checked ? Result<void>{} : checked;
    }
    if (auto created = db.exec(sql.c_str()); !created) {
        (void)db.exec("ROLLBACK");
        return makeError("cannot create the store in " + path.string() + ": " + created.message());
    }
    return {};
}

Result<std::string> pragmaText(Database& db, const char* sql) {
    auto statement = db.prepare(sql);
    if (!statement) return statement.error();
    const ResetOnExit resetter(*statement);
    auto row = statement->step();
    if (!row) return row.error();
    return *row ? std::string(statement->columnBlob(0)) : std::string();
}

}  // namespace

Result<Database> openStoreDatabase(const std::filesystem::path& path, int busyTimeoutMs) {
    const auto directory = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(directory, ec)) {
        return makeError("cannot open the store " + path.string() + ": the directory " + directory.string() +
                         " does not exist");
    }
    if (auto header = checkHeader(path); !header) return header.error();

    auto db = Database::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, busyTimeoutMs);
    if (!db) return db.error();
    // Until the file is known to be ours, closing must not checkpoint a WAL into it.
    sqlite3_db_config(db->get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);

    bool fresh = false;
    if (auto checked = checkMeta(*db, path, fresh); !checked) return checked.error();
    // A new store is created in the default rollback-journal mode: its first commit then lands in
    // the main file with the application_id, so the header check above recognises every store
    // that has a schema, even after a crash right after creation.
    if (fresh) {
        if (auto created = createSchema(*db, path); !created) return created.error();
    }
    sqlite3_db_config(db->get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);

    auto mode = pragmaText(*db, "PRAGMA journal_mode = WAL");
    if (!mode) return makeError("cannot switch " + path.string() + " to WAL: " + mode.message());
    if (*mode != "wal")
        return makeError("cannot switch " + path.string() + " to WAL (journal mode stays " + *mode + ")");
    // FULL: in WAL mode NORMAL may lose the last commits on power loss, and a front end
    // acknowledges an update only once its commit is durable.
    if (auto sync = db->exec("PRAGMA synchronous = FULL"); !sync) {
        return makeError("cannot set up " + path.string() + ": " + sync.message());
    }
    return db;
}

}  // namespace qdyn::server::store
