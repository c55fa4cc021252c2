// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/database.h"

#include "core/error.h"

#include <sqlite3.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

namespace rlrf::store {

bool isReadOnlyFile(const std::string &path)
{
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return false;
    return ::access(path.c_str(), W_OK) != 0 || (info.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0;
}

std::string sqliteFailureCause(int code)
{
    switch (code & 0xff) {
    case SQLITE_FULL:
        return "the disk is full: free some space and run again (everything committed before is kept)";
    case SQLITE_READONLY:
        return "the project file cannot be written (read-only): make it writable or work on a copy";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "another program kept the project file busy for more than "
            + std::to_string(Database::kBusyTimeoutMs / 1000) + " s: try again when it is done";
    case SQLITE_IOERR:
        return "the disk reported an input/output error";
    default:
        return {};
    }
}

Database::Database(const std::string &path, OpenMode mode)
    : m_path(path)
    , m_readOnly(mode == OpenMode::ReadOnly || (mode == OpenMode::OpenExisting && isReadOnlyFile(path)))
{
    const bool exists = std::filesystem::exists(path);
    if ((mode == OpenMode::OpenExisting || mode == OpenMode::ReadOnly) && !exists)
        throw Error("project file does not exist", {path, 0, {}});
    if (mode == OpenMode::CreateNew && exists)
        throw Error("file already exists; refusing to overwrite it", {path, 0, {}});

    const int flags = (m_readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX
        | (mode == OpenMode::CreateNew ? SQLITE_OPEN_CREATE : 0);
    const int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const std::string why = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc);
        close();
        throw Error("cannot open project file: " + why, {path, 0, {}});
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, kBusyTimeoutMs);
    try {
        // The first statement reads the header: a file that is not SQLite fails here.
        exec("PRAGMA foreign_keys = ON");
        scalar("SELECT count(*) FROM sqlite_master");
        // WAL: readers never block the writer; synchronous=NORMAL keeps every
        // committed transaction across a process crash (only an OS crash or power
        // loss can drop the last few).
        if (!m_readOnly) {
            exec("PRAGMA journal_mode = WAL");
            exec("PRAGMA synchronous = NORMAL");
        }
    } catch (const Error &e) {
        close();
        throw Error("not a usable project file: " + e.message(), {path, 0, {}});
    }
}

Database::~Database()
{
    close();
}

Database::Database(Database &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_path(std::move(other.m_path))
    , m_readOnly(other.m_readOnly)
    , m_cache(std::move(other.m_cache))
{
}

Database &Database::operator=(Database &&other) noexcept
{
    if (this != &other) {
        close();
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
        m_readOnly = other.m_readOnly;
        m_cache = std::move(other.m_cache);
    }
    return *this;
}

void Database::close() noexcept
{
    m_cache.clear(); // statements must be finalised before the connection closes
    if (m_db)
        sqlite3_close_v2(m_db);
    m_db = nullptr;
}

void Database::exec(const std::string &sql)
{
    char *message = nullptr;
    const int rc = sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        std::string why = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        const auto cause = sqliteFailureCause(rc);
        throw Error((cause.empty() ? std::string() : cause + "; ") + "SQLite: " + why + " in: " + sql.substr(0, 120),
                    {m_path, 0, {}});
    }
}

Statement Database::prepare(const std::string &sql)
{
    return Statement(m_db, sql, m_path);
}

Statement &Database::cached(const std::string &sql)
{
    auto &slot = m_cache[sql];
    if (!slot)
        slot = std::make_unique<Statement>(m_db, sql, m_path);
    else
        slot->reset();
    return *slot;
}

std::int64_t Database::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const
{
    return sqlite3_changes(m_db);
}

bool Database::inTransaction() const
{
    return sqlite3_get_autocommit(m_db) == 0;
}

int Database::userVersion()
{
    return static_cast<int>(scalar("PRAGMA user_version"));
}

void Database::setUserVersion(int version)
{
    exec("PRAGMA user_version = " + std::to_string(version));
}

std::int64_t Database::scalar(const std::string &sql)
{
    Statement st = prepare(sql);
    if (!st.step())
        throw Error("query returned no row: " + sql, {m_path, 0, {}});
    return st.int64At(0);
}

} // namespace rlrf::store
