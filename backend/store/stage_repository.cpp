// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/stage_repository.h"

#include "store/database.h"

namespace rlrf::store {

bool StageRepository::isDone(const StageKey &key)
{
    auto &st = m_db.cached("SELECT status FROM stage_states WHERE run_id = ? AND iteration = ? AND stage = ?");
    st.bindAll(key.runId, key.iteration, key.stage);
    const bool done = st.step() && st.textAt(0) == "done";
    st.reset();
    return done;
}

void StageRepository::begin(const StageKey &key)
{
    m_db.cached("INSERT OR IGNORE INTO stage_states (run_id, iteration, stage, status) VALUES (?, ?, ?, 'running')")
        .bindAll(key.runId, key.iteration, key.stage)
        .run();
}

void StageRepository::markDone(const StageKey &key)
{
    begin(key);
    m_db.cached("UPDATE stage_states SET status = 'done' WHERE run_id = ? AND iteration = ? AND stage = ?")
        .bindAll(key.runId, key.iteration, key.stage)
        .run();
}

void StageRepository::addSeconds(const StageKey &key, double seconds)
{
    begin(key);
    m_db.cached("UPDATE stage_states SET seconds = seconds + ? WHERE run_id = ? AND iteration = ? AND stage = ?")
        .bindAll(seconds, key.runId, key.iteration, key.stage)
        .run();
}

std::vector<StageTime> StageRepository::times(std::int64_t runId)
{
    // A WITHOUT ROWID table keeps no insertion order: order by the stages' own order.
    Statement st = m_db.prepare("SELECT iteration, stage, status, seconds FROM stage_states WHERE run_id = ? "
                      "ORDER BY iteration, CASE stage WHEN 'prompts' THEN 0 WHEN 'sample' THEN 1 "
                      "WHEN 'critique' THEN 2 WHEN 'refine' THEN 3 WHEN 'critique_refined' THEN 4 "
                      "WHEN 'pairs' THEN 5 WHEN 'review' THEN 6 WHEN 'sft' THEN 7 WHEN 'train' THEN 8 "
                      "WHEN 'evaluate' THEN 9 WHEN 'evaluate_before' THEN 1 WHEN 'mine' THEN 2 "
                      "WHEN 'steps' THEN 3 WHEN 'evaluate_after' THEN 4 ELSE 10 END, stage");
    st.bind(1, runId);
    std::vector<StageTime> out;
    while (st.step())
        out.push_back({st.intAt(0), st.textAt(1), st.textAt(2) == "done", st.doubleAt(3)});
    return out;
}

void StageRepository::record(const StageKey &key, std::int64_t promptId, std::optional<std::int64_t> itemId)
{
    m_db.cached("INSERT INTO stage_items (run_id, iteration, stage, prompt_id, item_id) VALUES (?, ?, ?, ?, ?)")
        .bindAll(key.runId, key.iteration, key.stage, promptId, itemId)
        .run();
}

std::set<std::int64_t> StageRepository::donePrompts(const StageKey &key)
{
    Statement st = m_db.prepare(
        "SELECT DISTINCT prompt_id FROM stage_items WHERE run_id = ? AND iteration = ? AND stage = ?");
    st.bindAll(key.runId, key.iteration, key.stage);
    std::set<std::int64_t> out;
    while (st.step())
        out.insert(st.int64At(0));
    return out;
}

std::vector<std::int64_t> StageRepository::prompts(const StageKey &key)
{
    Statement st = m_db.prepare("SELECT prompt_id FROM stage_items WHERE run_id = ? AND iteration = ? AND stage = ? "
                                "GROUP BY prompt_id ORDER BY min(rowid)");
    st.bindAll(key.runId, key.iteration, key.stage);
    std::vector<std::int64_t> out;
    while (st.step())
        out.push_back(st.int64At(0));
    return out;
}

std::vector<std::int64_t> StageRepository::items(const StageKey &key)
{
    Statement st = m_db.prepare("SELECT item_id FROM stage_items WHERE run_id = ? AND iteration = ? AND stage = ? "
                                "AND item_id IS NOT NULL ORDER BY rowid");
    st.bindAll(key.runId, key.iteration, key.stage);
    std::vector<std::int64_t> out;
    while (st.step())
        out.push_back(st.int64At(0));
    return out;
}

std::vector<std::int64_t> StageRepository::items(const StageKey &key, std::int64_t promptId)
{
    auto &st = m_db.cached("SELECT item_id FROM stage_items WHERE run_id = ? AND iteration = ? AND stage = ? "
                           "AND prompt_id = ? AND item_id IS NOT NULL ORDER BY rowid");
    st.bindAll(key.runId, key.iteration, key.stage, promptId);
    std::vector<std::int64_t> out;
    while (st.step())
        out.push_back(st.int64At(0));
    st.reset();
    return out;
}

std::int64_t StageRepository::duplicateItems(const StageKey &key)
{
    Statement st = m_db.prepare("SELECT count(*) - count(DISTINCT prompt_id || ':' || ifnull(item_id, '-')) "
                                "FROM stage_items WHERE run_id = ? AND iteration = ? AND stage = ?");
    st.bindAll(key.runId, key.iteration, key.stage);
    st.step();
    return st.int64At(0);
}

void StageRepository::reopenRun(std::int64_t runId)
{
    m_db.prepare("UPDATE runs SET status = 'running', ended_at = NULL WHERE id = ?").bind(1, runId).run();
}

} // namespace rlrf::store
