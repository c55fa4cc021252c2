// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/statement.h"

#include "core/error.h"
#include "store/database.h"

#include <sqlite3.h>

#include <utility>

namespace rlrf::store {

Statement::Statement(sqlite3 *db, const std::string &sql, const std::string &dbPath)
    : m_db(db)
    , m_dbPath(dbPath)
{
    const int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &m_stmt, nullptr);
    if (rc != SQLITE_OK)
        throw Error("SQLite cannot prepare statement: " + std::string(sqlite3_errmsg(db)) + " in: "
                        + sql.substr(0, 120),
                    {dbPath, 0, {}});
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement &&other) noexcept
    : m_db(other.m_db)
    , m_stmt(std::exchange(other.m_stmt, nullptr))
    , m_dbPath(std::move(other.m_dbPath))
{
}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = other.m_db;
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_dbPath = std::move(other.m_dbPath);
    }
    return *this;
}

void Statement::fail(int code, const std::string &what) const
{
    const char *sql = m_stmt ? sqlite3_sql(m_stmt) : nullptr;
    std::string text = sql ? std::string(sql).substr(0, 120) : std::string();
    const auto cause = sqliteFailureCause(code);
    throw Error((cause.empty() ? std::string() : cause + "; ") + "SQLite " + what + " failed: " + sqlite3_errmsg(m_db) + " (code "
                    + std::to_string(code) + ") in: " + text,
                {m_dbPath, 0, {}});
}

Statement &Statement::bind(int index, std::int64_t value)
{
    if (const int rc = sqlite3_bind_int64(m_stmt, index, value); rc != SQLITE_OK)
        fail(rc, "bind");
    return *this;
}

Statement &Statement::bind(int index, double value)
{
    if (const int rc = sqlite3_bind_double(m_stmt, index, value); rc != SQLITE_OK)
        fail(rc, "bind");
    return *this;
}

Statement &Statement::bind(int index, const std::string &value)
{
    // SQLITE_TRANSIENT: SQLite copies the text, so temporaries are safe to bind.
    const int rc = sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()),
                                     SQLITE_TRANSIENT);
    if (rc != SQLITE_OK)
        fail(rc, "bind");
    return *this;
}

Statement &Statement::bindNull(int index)
{
    if (const int rc = sqlite3_bind_null(m_stmt, index); rc != SQLITE_OK)
        fail(rc, "bind");
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    fail(rc, "step");
}

void Statement::run()
{
    while (step()) {
    }
}

void Statement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::int64_t Statement::int64At(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::doubleAt(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

std::string Statement::textAt(int column) const
{
    const auto *text = sqlite3_column_text(m_stmt, column);
    const int size = sqlite3_column_bytes(m_stmt, column);
    return text ? std::string(reinterpret_cast<const char *>(text), static_cast<size_t>(size)) : std::string();
}

std::optional<std::int64_t> Statement::optionalInt64At(int column) const
{
    return isNull(column) ? std::nullopt : std::optional<std::int64_t>(int64At(column));
}

std::optional<double> Statement::optionalDoubleAt(int column) const
{
    return isNull(column) ? std::nullopt : std::optional<double>(doubleAt(column));
}

std::optional<std::string> Statement::optionalTextAt(int column) const
{
    return isNull(column) ? std::nullopt : std::optional<std::string>(textAt(column));
}

} // namespace rlrf::store
