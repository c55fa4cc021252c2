// SPDX-License-Identifier: GPL-3.0-or-later
// RAII SQLite connection set up the way every project file is used: WAL journal,
// foreign keys enforced, a busy timeout so a reader and the writer can share the
// file, and a cache of prepared statements for the hot insert paths.
#pragma once

#include "store/statement.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

struct sqlite3;

namespace rlrf::store {

enum class OpenMode {
    OpenExisting, ///< the file must exist (read-only when isReadOnlyFile says so)
    CreateNew,    ///< the file must not exist
    ReadOnly,     ///< the file must exist; opened for reading only
};

/// Whether `path` is a file this process must not write: not writable for it,
/// or carrying no write permission for anyone (a file made read-only on
/// purpose, which even the superuser leaves alone here).
bool isReadOnlyFile(const std::string &path);

/// What a failed SQLite call means for the person at the keyboard, for the
/// failures people can act on (a full disk, a read-only file, another program
/// holding the file for longer than the busy time-out); empty for the rest.
std::string sqliteFailureCause(int code);

/// One connection. Movable, not copyable; closed on destruction. SQLite wants one
/// connection per thread: the worker thread writes through its own, the GUI reads
/// through another.
class Database {
public:
    static constexpr int kBusyTimeoutMs = 5000;

    /// Opens or creates `path`; throws rlrf::Error naming the file when it is
    /// missing (OpenExisting), already there (CreateNew), or not an SQLite file.
    Database(const std::string &path, OpenMode mode);
    ~Database();
    Database(Database &&other) noexcept;
    Database &operator=(Database &&other) noexcept;
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    const std::string &path() const { return m_path; }
    bool readOnly() const { return m_readOnly; }

    /// Runs one or more statements without results (DDL, PRAGMA).
    void exec(const std::string &sql);
    Statement prepare(const std::string &sql);
    /// A prepared statement kept for the life of the connection, reset and with
    /// its bindings cleared. For statements run many times per batch.
    Statement &cached(const std::string &sql);

    std::int64_t lastInsertId() const;
    int changes() const;
    bool inTransaction() const;

    int userVersion();
    void setUserVersion(int version);
    /// Single integer result of a query such as "SELECT count(*) FROM t".
    std::int64_t scalar(const std::string &sql);

    sqlite3 *handle() const { return m_db; }

private:
    void close() noexcept;

    sqlite3 *m_db = nullptr;
    std::string m_path;
    bool m_readOnly = false;
    std::map<std::string, std::unique_ptr<Statement>> m_cache;
};

} // namespace rlrf::store
