// SPDX-License-Identifier: GPL-3.0-or-later
// Two pipeline runs of one project side by side, model by model: each run's
// summary of M_i (store::runIterationSummaries) and, where both runs stored
// their evaluation answers for M_i on the split, the problem-by-problem
// comparison of those answers (eval::pairedComparison). What the Iterations
// area shows under "Compare with…". Torch-free, Qt-free.
#pragma once

#include "eval/paired_comparison.h"
#include "store/run_iteration_summary.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::eval {

struct IterationComparison {
    int iteration = 0;
    std::optional<store::IterationSummary> first;  // none: the first run has no M_iteration
    std::optional<store::IterationSummary> second;
    /// None unless both runs stored answers for M_iteration and share at least
    /// one problem.
    std::optional<PairedComparison> paired;
};

/// Every iteration either run evaluated or trained, by number.
std::vector<IterationComparison> compareRuns(store::Database &db, std::int64_t firstRun, std::int64_t secondRun,
                                             const std::string &split = "test");

} // namespace rlrf::eval
