// RAII owners for the two SQLite handles the store uses (a connection and a prepared statement),
// with errors turned into Results. This and the other files of src/store are the only place the
// server touches SQLite; no raw handle leaves these classes except through get().
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "qdyn/result.hpp"

namespace qdyn::server::store {

class Statement;

class Database {
public:
    Database() = default;

    // sqlite3_open_v2 with `flags`; the connection uses extended result codes and `busyTimeout`.
    static Result<Database> open(const std::filesystem::path& path, int flags, int busyTimeoutMs);

    [[nodiscard]] bool isOpen() const noexcept { return m_db != nullptr; }
    [[nodiscard]] sqlite3* get() const noexcept { return m_db.get(); }
    void close() noexcept { m_db.reset(); }

    // Runs SQL without results (one or more statements, nothing bound).
    Result<void> exec(const char* sql);
    // Prepares one statement meant to be kept and reused (SQLITE_PREPARE_PERSISTENT).
    Result<Statement> prepare(std::string_view sql);
    // The connection's last error, with its extended code, for messages.
    [[nodiscard]] std::string lastError() const;

private:
    struct Closer {
        // close_v2 so that a statement outliving its connection by mistake cannot make the close
        // fail and leak the file descriptor; the connection goes once the last statement does.
        void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
    };
    std::unique_ptr<sqlite3, Closer> m_db;
};

class Statement {
public:
    Statement() = default;

    // Binding (1-based indexes, as in SQLite). Blobs are bound without a copy (SQLITE_STATIC):
    // the caller keeps the bytes alive until the statement is reset.
    void bindInt64(int index, std::int64_t value) noexcept;
    void bindBlob(int index, std::span<const std::uint8_t> bytes) noexcept;
    void bindBlob(int index, std::string_view bytes) noexcept;
    void bindNull(int index) noexcept;

    // One step: true when a row is ready, false when done.
    Result<bool> step();
    // Steps once expecting no row (INSERT, DELETE, BEGIN...), then resets.
    Result<void> run();
    // Ready for the next use: resets and clears bindings; also ends an unfinished read.
    void reset() noexcept;

    [[nodiscard]] bool isNull(int column) const noexcept;
    [[nodiscard]] std::int64_t columnInt64(int column) const noexcept;
    // Valid until the next step/reset of this statement.
    [[nodiscard]] std::string_view columnBlob(int column) const noexcept;

private:
    friend class Database;
    struct Finalizer {
        void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
    };
    explicit Statement(sqlite3_stmt* statement) : m_statement(statement) {}
    [[nodiscard]] std::string lastError() const;
    std::unique_ptr<sqlite3_stmt, Finalizer> m_statement;
};

// Resets a statement when a scope ends, so an early return never leaves a read transaction open.
class ResetOnExit {
public:
    explicit ResetOnExit(Statement& statement) noexcept : m_statement(statement) {}
    ~ResetOnExit() { m_statement.reset(); }
    ResetOnExit(const ResetOnExit&) = delete;
    ResetOnExit& operator=(const ResetOnExit&) = delete;

private:
    Statement& m_statement;
};

}  // namespace qdyn::server::store
