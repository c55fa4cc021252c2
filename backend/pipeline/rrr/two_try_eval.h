// SPDX-License-Identifier: GPL-3.0-or-later
// First- and second-try accuracy (METHOD.md §2) on held-out queries: a greedy
// first try; where it fails, a greedy reflection and a greedy retry with the
// reflection in context. Second-try accuracy counts a query solved by either try.
// Where the task can write a perfect reflection (Task::oracleReflection), each
// failure also gets a greedy retry with that one in context: the headroom, what
// a better reflection could do next to what the model's own did. Every query's
// texts and verdicts come back as records. Torch-free.
#pragma once

#include "pipeline/rrr/policy_sampler.h"
#include "store/rrr_eval_repository.h"
#include "tasks/task.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::rrr {

struct TwoTryAccuracy {
    double first = 0.0;
    double second = 0.0;
    std::int64_t queries = 0;
    std::int64_t firstCorrect = 0;
    std::int64_t secondCorrect = 0;
    double reflectionTokens = 0.0; // mean length of the reflections written (0 when none)
    // The headroom: of the failed first tries, how many had an oracle reflection
    // and how many of those its retry solved (the model's own: secondCorrect - firstCorrect).
    std::int64_t oracleAvailable = 0;
    std::int64_t oracleSolved = 0;
    /// Whether the records (and so the headroom) exist: a run evaluated before
    /// they were kept has the accuracies only.
    bool recorded = false;
    // One per query, in query order, as the store keeps them (position = index).
    // Reflection and retry fields stay empty (verdicts false) where the first
    // try was right; the oracle's also where the task has no perfect reflection.
    std::vector<store::RrrEvalQueryRecord> records;
    bool cancelled = false;

    std::int64_t failures() const { return queries - firstCorrect; }
    std::int64_t ownSolved() const { return secondCorrect - firstCorrect; }
};

struct TwoTrySettings {
    std::int64_t maxAnswerTokens = 96;
    std::int64_t maxReflectionTokens = 96;
};

/// Greedy throughout, so the same model gives the same result. Returns with
/// `cancelled` set (and no records) when `cancel` stops a generation.
TwoTryAccuracy evaluateTwoTries(const PolicySampler &sampler, const tasks::Task &task,
                                const std::vector<tasks::Problem> &queries, const TwoTrySettings &settings,
                                const CancelToken *cancel = nullptr);

} // namespace rlrf::rrr
