// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/checkpoint_repository.h"

#include "core/error.h"
#include "store/database.h"
#include "store/paging.h"

namespace rlrf::store {
namespace {

const char *const kColumns = "SELECT id, path, parent_id, iteration, run_id, created_at FROM checkpoints";

CheckpointRecord readCheckpoint(const Statement &st)
{
    return {st.int64At(0), st.textAt(1), st.optionalInt64At(2), st.intAt(3), st.optionalInt64At(4), st.textAt(5)};
}

} // namespace

std::int64_t CheckpointRepository::add(const CheckpointRecord &c)
{
    if (c.path.empty())
        throw Error("a checkpoint names its folder", {m_db.path(), 0, "path"});
    m_db.prepare("INSERT INTO checkpoints (path, parent_id, iteration, run_id) VALUES (?, ?, ?, ?)")
        .bindAll(c.path, c.parentId, c.iteration, c.runId)
        .run();
    return m_db.lastInsertId();
}

CheckpointRecord CheckpointRepository::byId(std::int64_t id)
{
    Statement st = m_db.prepare(std::string(kColumns) + " WHERE id = ?");
    st.bind(1, id);
    if (!st.step())
        detail::throwMissing(m_db.path(), "checkpoint", id);
    return readCheckpoint(st);
}

std::vector<CheckpointRecord> CheckpointRepository::list()
{
    Statement st = m_db.prepare(std::string(kColumns) + " ORDER BY id");
    std::vector<CheckpointRecord> list;
    while (st.step())
        list.push_back(readCheckpoint(st));
    return list;
}

std::vector<CheckpointRecord> CheckpointRepository::lineage(std::int64_t id)
{
    std::vector<CheckpointRecord> chain{byId(id)};
    // Parents always have smaller ids (a parent exists before its child), so the
    // walk ends; the bound guards against a hand-edited cycle.
    while (chain.back().parentId && chain.size() < 100000)
        chain.push_back(byId(*chain.back().parentId));
    return chain;
}

} // namespace rlrf::store
