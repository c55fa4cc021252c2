// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/transaction.h"

#include "store/database.h"

#include <atomic>

namespace rlrf::store {

Transaction::Transaction(Database &db)
    : m_db(db)
{
    if (db.inTransaction()) {
        static std::atomic<unsigned> counter{0};
        m_savepoint = "rlrf_sp_" + std::to_string(++counter);
        db.exec("SAVEPOINT " + m_savepoint);
    } else {
        // IMMEDIATE takes the write lock now, so a busy file fails (after the busy
        // timeout) before any work is done rather than at commit.
        db.exec("BEGIN IMMEDIATE");
    }
}

Transaction::~Transaction()
{
    if (m_done)
        return;
    try {
        if (m_savepoint.empty())
            m_db.exec("ROLLBACK");
        else
            m_db.exec("ROLLBACK TO " + m_savepoint + "; RELEASE " + m_savepoint);
    } catch (...) {
        // A failed rollback leaves SQLite to roll back when the connection closes;
        // a destructor must not throw.
    }
}

void Transaction::commit()
{
    m_db.exec(m_savepoint.empty() ? std::string("COMMIT") : "RELEASE " + m_savepoint);
    m_done = true;
}

} // namespace rlrf::store
