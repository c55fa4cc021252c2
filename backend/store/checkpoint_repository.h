// SPDX-License-Identifier: GPL-3.0-or-later
// Model checkpoints and their lineage M0 -> M1 -> M2; the folders themselves live
// beside the project file.
#pragma once

#include "types/run_records.h"

#include <vector>

namespace rlrf::store {

class Database;

class CheckpointRepository {
public:
    explicit CheckpointRepository(Database &db) : m_db(db) {}

    std::int64_t add(const CheckpointRecord &checkpoint);
    CheckpointRecord byId(std::int64_t id);
    std::vector<CheckpointRecord> list();
    /// The checkpoint and its ancestors, newest first (M2, M1, M0).
    std::vector<CheckpointRecord> lineage(std::int64_t id);

private:
    Database &m_db;
};

} // namespace rlrf::store
