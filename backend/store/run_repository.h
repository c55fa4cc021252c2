// SPDX-License-Identifier: GPL-3.0-or-later
// Training and evaluation runs (kind, iteration, hyper-parameters, outcome) and
// the evaluation results they produce.
#pragma once

#include "types/run_records.h"

#include <optional>
#include <vector>

namespace rlrf::store {

class Database;

class RunRepository {
public:
    explicit RunRepository(Database &db) : m_db(db) {}

    /// Records a run as "running"; `hyperParametersJson` must be a JSON object.
    std::int64_t start(RunKind kind, int iteration, const std::string &hyperParametersJson);
    /// Sets the outcome and the end time; a run ends once.
    void finish(std::int64_t id, RunStatus status, const std::string &message = {});
    RunRecord byId(std::int64_t id);
    /// Passes (sft, dpo) of pipeline run `pipelineRunId` that train the model
    /// of `iteration` and are still 'running': left by a process that was
    /// killed, when no process runs that pipeline run. Oldest first.
    std::vector<std::int64_t> interruptedPasses(RunKind kind, int iteration, std::int64_t pipelineRunId);
    /// Deletes a run with its metric points, results and stage records.
    void remove(std::int64_t id);
    std::vector<RunRecord> list();

    std::int64_t addEvalResult(const EvalResult &result);
    /// All results, or those of one run; by iteration, split, metric.
    std::vector<EvalResult> evalResults(std::optional<std::int64_t> runId = {});

private:
    Database &m_db;
};

} // namespace rlrf::store
