// SPDX-License-Identifier: GPL-3.0-or-later
// Failure mining (METHOD.md §2): each training query is sampled several times and
// the failed attempts are kept — the only data Reflect-Retry-Reward trains on.
// Torch-free.
#pragma once

#include "pipeline/rrr/policy_sampler.h"
#include "tasks/task.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::rrr {

struct FailedAttempt {
    tasks::Problem problem;
    std::string attempt; // the first try that failed
    std::string reason;  // the verifier's
};

struct MiningResult {
    std::vector<FailedAttempt> failures;
    std::int64_t queries = 0;
    std::int64_t attempts = 0;
    std::int64_t correctAttempts = 0;
    std::int64_t queriesWithFailure = 0;
    bool cancelled = false;
};

struct MiningSettings {
    std::int64_t samplesPerQuery = 4;
    double temperature = 1.0;
    std::int64_t maxNewTokens = 96;
    std::int64_t failuresPerQuery = 1; // the first failed attempts of a query, in sample order
    std::uint64_t seed = 0;
};

MiningResult mineFailures(const PolicySampler &sampler, const tasks::Task &task,
                          const std::vector<tasks::Problem> &queries, const MiningSettings &settings,
                          const CancelToken *cancel = nullptr);

} // namespace rlrf::rrr
