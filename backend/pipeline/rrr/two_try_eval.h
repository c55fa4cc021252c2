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
#include "tasks/task.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::rrr {

/// One held-out query of an evaluation. The reflection and retry fields stay
/// empty (and their verdicts false) when the first try was right; the oracle's
/// also when the task has no oracle reflection for it.
struct TwoTryRecord {
    std::string problemId;
    std::string prompt;
    std::string firstAttempt;
    bool firstCorrect = false;
    std::string ownReflection;
    std::string ownRetry;
    bool ownCorrect = false;
    std::string oracleReflection;
    std::string oracleRetry;
    bool oracleCorrect = false;
};

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
    std::vector<TwoTryRecord> records; // one per query, in query order
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
