// SPDX-License-Identifier: GPL-3.0-or-later
// One pipeline run's M0, M1, M2 ...: the evaluation results that run wrote
// (eval_results.run_id) and the DPO passes it ran (hyper_parameters'
// "pipeline_run"). iterationSummaries() reads the whole project at once; this
// keeps two runs of one project apart, for comparing them side by side.
// Pair yield is not kept per run (candidates carry no run), so promptsSampled
// and pairs stay 0 here. Torch-free, Qt-free.
#pragma once

#include "store/iteration_summary.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::store {

class Database;

/// The iterations run `runId` evaluated or trained, by number; the latest
/// result row wins when an iteration was evaluated twice. Empty for a run that
/// wrote neither.
std::vector<IterationSummary> runIterationSummaries(Database &db, std::int64_t runId,
                                                    const std::string &split = "test");

} // namespace rlrf::store
