// The RAII handles over the SQLite C API.
#include "store/sqlite_handle.hpp"

#include <climits>

namespace qdyn::server::store {

namespace {

std::string describe(sqlite3* db) {
    const int code = sqlite3_extended_errcode(db);
    return std::string(sqlite3_errmsg(db)) + " (SQLite code " + std::to_string(code) + ")";
}

}  // namespace

Result<Database> Database::open(const std::filesystem::path& path, int flags, int busyTimeoutMs) {
    sqlite3* raw = nullptr;
    // SQLite takes UTF-8 file names on every platform (the native form is UTF-16 on Windows).
    const std::u8string name = path.u8string();
    const int rc = sqlite3_open_v2(reinterpret_cast<const char*>(name.c_str()), &raw, flags, nullptr);
    // Even a failed open may hand back a connection (to carry the message); own it either way.
    Database db;
    db.m_db.reset(raw);
    if (rc != SQLITE_OK) {
        if (raw == nullptr) return makeError("cannot open " + path.string() + ": out of memory");
        return makeError("cannot open " + path.string() + ": " + describe(raw));
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, busyTimeoutMs);
    return db;
}

Result<void> Database::exec(const char* sql) {
    if (sqlite3_exec(m_db.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) return makeError(lastError());
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    if (sql.size() > static_cast<std::size_t>(INT_MAX)) return makeError("SQL statement too long");
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(m_db.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &raw, nullptr);
    Statement statement(raw);
    if (rc != SQLITE_OK) return makeError(lastError());
    if (raw == nullptr) return makeError("empty SQL statement");
    return statement;
}

std::string Database::lastError() const {
    return describe(m_db.get());
}

void Statement::bindInt64(int index, std::int64_t value) noexcept {
    sqlite3_bind_int64(m_statement.get(), index, value);
}

void Statement::bindBlob(int index, std::span<const std::uint8_t> bytes) noexcept {
    // An empty blob is bound explicitly: a null pointer would bind SQL NULL instead.
    if (bytes.empty()) {
        sqlite3_bind_zeroblob(m_statement.get(), index, 0);
        return;
    }
    sqlite3_bind_blob64(m_statement.get(), index, bytes.data(), bytes.size(), sqlite3_destructor_type{});
}

void Statement::bindBlob(int index, std::string_view bytes) noexcept {
    if (bytes.empty()) {
        sqlite3_bind_zeroblob(m_statement.get(), index, 0);
        return;
    }
    sqlite3_bind_blob64(m_statement.get(), index, bytes.data(), bytes.size(), sqlite3_destructor_type{});
}

void Statement::bindNull(int index) noexcept {
    sqlite3_bind_null(m_statement.get(), index);
}

Result<bool> Statement::step() {
    const int rc = sqlite3_step(m_statement.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return makeError(lastError());
}

Result<void> Statement::run() {
    const ResetOnExit resetter(*this);
    auto stepped = step();
    if (!stepped) return stepped.error();
    if (*stepped) return makeError("statement returned a row where none was expected");
    return {};
}

void Statement::reset() noexcept {
    sqlite3_reset(m_statement.get());
    sqlite3_clear_bindings(m_statement.get());
}

bool Statement::isNull(int column) const noexcept {
    return sqlite3_column_type(m_statement.get(), column) == SQLITE_NULL;
}

std::int64_t Statement::columnInt64(int column) const noexcept {
    return sqlite3_column_int64(m_statement.get(), column);
}

std::string_view Statement::columnBlob(int column) const noexcept {
    // blob before bytes, as SQLite asks, so the length matches the pointer's representation.
    const void* data = sqlite3_column_blob(m_statement.get(), column);
    const int size = sqlite3_column_bytes(m_statement.get(), column);
    if (data == nullptr || size <= 0) return {};
    return {static_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::string Statement::lastError() const {
    return describe(sqlite3_db_handle(m_statement.get()));
}

}  // namespace qdyn::server::store
