// SPDX-License-Identifier: GPL-3.0-or-later
// M0, M1, M2 ... side by side: per model iteration, what the evaluation found
// (eval_results: "accuracy", "overall", "aspect/NAME", "win_rate" against the
// previous iteration), how many pairs its samples yielded, and how long the DPO
// run that produced it took. Read through the repositories; the Iterations view
// plots it. Torch-free, Qt-free.
#pragma once

#include "types/run_records.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::store {

class Database;

struct IterationSummary {
    int iteration = 0;                        // M_iteration
    std::optional<double> accuracy;           // held-out, from the verifier
    std::optional<double> overall;            // the judge's mean overall score
    std::optional<double> winRate;            // against M_{iteration-1}
    std::map<std::string, double> aspectMeans; // 1-3
    std::int64_t promptsSampled = 0;          // by this model
    std::int64_t pairs = 0;                   // built from its samples
    std::optional<double> trainingSeconds;    // the DPO run that produced this model
    std::optional<RunStatus> trainingStatus;
};

/// Every iteration that has evaluation results, samples or a DPO run, by number.
/// Evaluation rows of `split` only ("test" by default); the latest row wins when
/// an iteration was evaluated twice.
std::vector<IterationSummary> iterationSummaries(Database &db, const std::string &split = "test");

/// Seconds between two ISO 8601 UTC times as the store writes them
/// ("2026-11-22T09:38:49.123Z"); nullopt when either does not parse.
std::optional<double> secondsBetween(const std::string &start, const std::string &end);

} // namespace rlrf::store
