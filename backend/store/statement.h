// SPDX-License-Identifier: GPL-3.0-or-later
// RAII prepared statement with typed bind and column helpers. Errors name the
// project file and the SQL that failed; no SQL text leaves backend/store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace rlrf::store {

/// One prepared statement. Bind indices are 1-based (SQLite's), column indices
/// 0-based. Not copyable; finalised on destruction. Use from one thread.
class Statement {
public:
    Statement(sqlite3 *db, const std::string &sql, const std::string &dbPath);
    ~Statement();
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    Statement &bind(int index, std::int64_t value);
    Statement &bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement &bind(int index, double value);
    Statement &bind(int index, const std::string &value);
    Statement &bind(int index, const char *value) { return bind(index, std::string(value)); }
    Statement &bindNull(int index);
    template <typename T>
    Statement &bind(int index, const std::optional<T> &value)
    {
        return value ? bind(index, *value) : bindNull(index);
    }

    /// Binds the arguments to parameters 1, 2, 3, ... in order.
    template <typename... Args>
    Statement &bindAll(const Args &...args)
    {
        int index = 0;
        (bind(++index, args), ...);
        return *this;
    }

    /// Advances to the next row; false when the statement is done.
    bool step();
    /// Runs a statement that returns no rows (INSERT, UPDATE, DDL).
    void run();
    /// Ready for re-use: resets and clears every binding.
    void reset();

    bool isNull(int column) const;
    std::int64_t int64At(int column) const;
    int intAt(int column) const { return static_cast<int>(int64At(column)); }
    double doubleAt(int column) const;
    std::string textAt(int column) const;
    std::optional<std::int64_t> optionalInt64At(int column) const;
    std::optional<double> optionalDoubleAt(int column) const;
    std::optional<std::string> optionalTextAt(int column) const;

private:
    [[noreturn]] void fail(int code, const std::string &what) const;

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    std::string m_dbPath;
};

} // namespace rlrf::store
