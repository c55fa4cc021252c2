// SPDX-License-Identifier: GPL-3.0-or-later
// First- and second-try accuracy (METHOD.md §2) on held-out queries: a greedy
// first try; where it fails, a greedy reflection and a greedy retry with the
// reflection in context. Second-try accuracy counts a query solved by either try.
// Torch-free.
#pragma once

#include "pipeline/rrr/policy_sampler.h"
#include "tasks/task.h"

#include <cstdint>
#include <vector>

namespace rlrf::rrr {

struct TwoTryAccuracy {
    double first = 0.0;
    double second = 0.0;
    std::int64_t queries = 0;
    std::int64_t firstCorrect = 0;
    std::int64_t secondCorrect = 0;
    double reflectionTokens = 0.0; // mean length of the reflections written (0 when none)
    bool cancelled = false;
};

struct TwoTrySettings {
    std::int64_t maxAnswerTokens = 96;
    std::int64_t maxReflectionTokens = 64;
};

TwoTryAccuracy evaluateTwoTries(const PolicySampler &sampler, const tasks::Task &task,
                                const std::vector<tasks::Problem> &queries, const TwoTrySettings &settings,
                                const CancelToken *cancel = nullptr);

} // namespace rlrf::rrr
