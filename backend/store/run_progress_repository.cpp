// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/run_progress_repository.h"

#include "store/database.h"
#include "store/run_repository.h"
#include "types/metric_names.h"

#include <sqlite3.h>

namespace rlrf::store {

namespace {

// started_at/ended_at are ISO-8601 with a trailing Z, which julianday() reads.
const char *const kElapsed =
    "(julianday(coalesce(ended_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))) - julianday(started_at)) * 86400.0";

StepFacts readStepFacts(Statement &st)
{
    StepFacts f;
    f.runId = st.int64At(0);
    f.kind = parseRunKind(st.textAt(1));
    f.iteration = st.intAt(2);
    f.status = parseRunStatus(st.textAt(3));
    f.elapsedSeconds = st.isNull(4) ? 0.0 : st.doubleAt(4);
    f.stepsDone = st.isNull(5) ? 0 : st.int64At(5);
    f.stepsTotal = st.isNull(6) ? 0 : static_cast<std::int64_t>(st.doubleAt(6));
    return f;
}

std::string stepFactsSelect()
{
    return std::string("SELECT id, kind, iteration, status, ") + kElapsed
           + ", (SELECT max(step) FROM metric_points m WHERE m.run_id = runs.id AND m.key <> '"
           + metrics::kRunTotalSteps + "'), (SELECT value FROM metric_points m WHERE m.run_id = runs.id AND m.key = '"
           + metrics::kRunTotalSteps + "' ORDER BY step DESC, rowid DESC LIMIT 1) FROM runs ";
}

} // namespace

std::vector<RunRecord> RunProgressRepository::loopRuns()
{
    std::vector<RunRecord> out;
    Statement st = m_db.prepare("SELECT id FROM runs WHERE kind IN ('rlrf', 'rrr') ORDER BY id DESC");
    std::vector<std::int64_t> ids;
    while (st.step())
        ids.push_back(st.int64At(0));
    RunRepository runs(m_db);
    for (const auto id : ids)
        out.push_back(runs.byId(id));
    return out;
}

std::map<std::pair<int, std::string>, std::int64_t> RunProgressRepository::finishedPrompts(std::int64_t runId)
{
    Statement st = m_db.prepare("SELECT iteration, stage, count(DISTINCT prompt_id) FROM stage_items WHERE run_id = ? "
                                "GROUP BY iteration, stage");
    st.bind(1, runId);
    std::map<std::pair<int, std::string>, std::int64_t> out;
    while (st.step())
        out[{st.intAt(0), st.textAt(1)}] = st.int64At(2);
    return out;
}

std::vector<StepFacts> RunProgressRepository::trainingPasses(std::int64_t pipelineRunId)
{
    Statement st = m_db.prepare(stepFactsSelect()
                                + "WHERE kind IN ('sft', 'dpo') AND json_valid(hyper_parameters) "
                                  "AND json_extract(hyper_parameters, '$.pipeline_run') = ? ORDER BY id");
    st.bind(1, pipelineRunId);
    std::vector<StepFacts> out;
    while (st.step())
        out.push_back(readStepFacts(st));
    return out;
}

StepFacts RunProgressRepository::stepFacts(std::int64_t runId)
{
    Statement st = m_db.prepare(stepFactsSelect() + "WHERE id = ?");
    st.bind(1, runId);
    if (!st.step())
        return {};
    return readStepFacts(st);
}

std::map<int, ReviewFacts> RunProgressRepository::review(std::int64_t pipelineRunId)
{
    Statement st = m_db.prepare("SELECT i.iteration, p.review_state, count(*) FROM stage_items i "
                                "JOIN pairs p ON p.id = i.item_id WHERE i.run_id = ? AND i.stage = 'pairs' "
                                "GROUP BY i.iteration, p.review_state");
    st.bind(1, pipelineRunId);
    std::map<int, ReviewFacts> out;
    while (st.step()) {
        auto &facts = out[st.intAt(0)];
        (st.textAt(1) == "pending" ? facts.pending : facts.reviewed) += st.int64At(2);
    }
    return out;
}

double RunProgressRepository::elapsedSeconds(std::int64_t runId)
{
    Statement st = m_db.prepare(std::string("SELECT ") + kElapsed + " FROM runs WHERE id = ?");
    st.bind(1, runId);
    return st.step() && !st.isNull(0) ? st.doubleAt(0) : 0.0;
}

std::int64_t RunProgressRepository::dataVersion()
{
    return m_db.scalar("PRAGMA data_version");
}

ReadSnapshot::ReadSnapshot(Database &db) : m_db(db)
{
    // Inside a writer's transaction the reads already see one state.
    if (!m_db.inTransaction()) {
        m_db.exec("BEGIN DEFERRED");
        m_began = true;
    }
}

ReadSnapshot::~ReadSnapshot()
{
    if (m_began)
        sqlite3_exec(m_db.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

} // namespace rlrf::store
