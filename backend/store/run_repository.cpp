// SPDX-License-Identifier: GPL-3.0-or-later
#include "store/run_repository.h"

#include "core/error.h"
#include "store/database.h"
#include "store/paging.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace rlrf::store {
namespace {

const char *const kColumns =
    "SELECT id, kind, iteration, hyper_parameters, status, message, started_at, ended_at FROM runs";

RunRecord readRun(const Statement &st)
{
    RunRecord r;
    r.id = st.int64At(0);
    r.kind = parseRunKind(st.textAt(1));
    r.iteration = st.intAt(2);
    r.hyperParametersJson = st.textAt(3);
    r.status = parseRunStatus(st.textAt(4));
    r.message = st.textAt(5);
    r.startedAt = st.textAt(6);
    r.endedAt = st.optionalTextAt(7);
    return r;
}

} // namespace

std::int64_t RunRepository::start(RunKind kind, int iteration, const std::string &hyperParametersJson)
{
    const auto parsed = nlohmann::json::parse(hyperParametersJson, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
        throw Error("hyper-parameters must be a JSON object", {m_db.path(), 0, "hyper_parameters"});
    m_db.prepare("INSERT INTO runs (kind, iteration, hyper_parameters, status) VALUES (?, ?, ?, 'running')")
        .bindAll(toString(kind), iteration, parsed.dump())
        .run();
    return m_db.lastInsertId();
}

void RunRepository::finish(std::int64_t id, RunStatus status, const std::string &message)
{
    if (status == RunStatus::Running)
        throw Error("a run cannot finish as 'running'", {m_db.path(), 0, "status"});
    const RunRecord run = byId(id);
    if (run.status != RunStatus::Running)
        throw Error("run " + std::to_string(id) + " already ended as " + toString(run.status), {m_db.path(), 0, {}});
    m_db.prepare("UPDATE runs SET status = ?, message = ?, ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                 "WHERE id = ?")
        .bindAll(toString(status), message, id)
        .run();
}

RunRecord RunRepository::byId(std::int64_t id)
{
    Statement st = m_db.prepare(std::string(kColumns) + " WHERE id = ?");
    st.bind(1, id);
    if (!st.step())
        detail::throwMissing(m_db.path(), "run", id);
    return readRun(st);
}

std::vector<std::int64_t> RunRepository::interruptedPasses(RunKind kind, int iteration, std::int64_t pipelineRunId)
{
    Statement st = m_db.prepare("SELECT id FROM runs WHERE kind = ? AND iteration = ? AND status = 'running' "
                                "AND json_extract(hyper_parameters, '$.pipeline_run') = ? ORDER BY id");
    st.bindAll(toString(kind), iteration, pipelineRunId);
    std::vector<std::int64_t> ids;
    while (st.step())
        ids.push_back(st.int64At(0));
    return ids;
}

void RunRepository::remove(std::int64_t id)
{
    // metric_points, eval_results, eval_answers, stage_states and stage_items
    // cascade; a checkpoint keeps its folder but no longer names the run.
    m_db.prepare("UPDATE checkpoints SET run_id = NULL WHERE run_id = ?").bind(1, id).run();
    m_db.prepare("DELETE FROM runs WHERE id = ?").bind(1, id).run();
}

std::vector<RunRecord> RunRepository::list()
{
    Statement st = m_db.prepare(std::string(kColumns) + " ORDER BY id");
    std::vector<RunRecord> runs;
    while (st.step())
        runs.push_back(readRun(st));
    return runs;
}

std::int64_t RunRepository::addEvalResult(const EvalResult &r)
{
    if (r.metric.empty() || r.split.empty())
        throw Error("an evaluation result names its split and metric", {m_db.path(), 0, r.metric.empty() ? "metric" : "split"});
    if (!std::isfinite(r.value))
        throw Error("evaluation value for '" + r.metric + "' is not a finite number", {m_db.path(), 0, "value"});
    m_db.prepare("INSERT INTO eval_results (run_id, iteration, split, metric, value, n) VALUES (?, ?, ?, ?, ?, ?)")
        .bindAll(r.runId, r.iteration, r.split, r.metric, r.value, r.n)
        .run();
    return m_db.lastInsertId();
}

std::vector<EvalResult> RunRepository::evalResults(std::optional<std::int64_t> runId)
{
    Statement st = m_db.prepare(std::string("SELECT id, run_id, iteration, split, metric, value, n FROM eval_results")
                                + (runId ? " WHERE run_id = ?" : "") + " ORDER BY iteration, split, metric, id");
    if (runId)
        st.bind(1, *runId);
    std::vector<EvalResult> list;
    while (st.step())
        list.push_back({st.int64At(0), st.optionalInt64At(1), st.intAt(2), st.textAt(3), st.textAt(4),
                        st.doubleAt(5), st.int64At(6)});
    return list;
}

} // namespace rlrf::store
