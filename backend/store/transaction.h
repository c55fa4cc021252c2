// SPDX-License-Identifier: GPL-3.0-or-later
// One transaction per batch: everything written between construction and commit()
// lands together or not at all. Destroyed without commit() (an exception, an early
// return) it rolls back. Nested use becomes a savepoint, so a repository's batch
// method can run inside a caller's larger transaction.
#pragma once

#include <string>

namespace rlrf::store {

class Database;

class Transaction {
public:
    explicit Transaction(Database &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    void commit();

private:
    Database &m_db;
    std::string m_savepoint; // empty for an outermost BEGIN ... COMMIT
    bool m_done = false;
};

} // namespace rlrf::store
