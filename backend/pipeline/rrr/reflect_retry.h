// SPDX-License-Identifier: GPL-3.0-or-later
// One round of the loop for a batch of failed attempts: G sampled reflections per
// attempt, one retry per reflection, the verifier's 1/0 as the reflection's reward.
//
// Each reflection is also laid out as a training row: the reflection prompt as
// context, then the reflection, then the rest of the conversation up to the end
// of the retry. Only the first `reflectionLength` completion tokens — the
// reflection — carry loss; the retry is in the row so that the mask, not the
// row's shape, keeps it out of the gradient (tests check exactly that). When the
// retry conversation does not re-tokenize with the reflection as a prefix, the
// row stops after the reflection. Torch-free.
#pragma once

#include "pipeline/rrr/failure_miner.h"
#include "pipeline/rrr/policy_sampler.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rlrf::rrr {

struct ReflectionTry {
    std::string reflection;
    std::string retry;
    double reward = 0.0;                  // 1 when the retry passes the verifier
    std::vector<std::int64_t> context;    // reflection prompt ids
    std::vector<std::int64_t> completion; // reflection ids, then the retry conversation's remaining ids
    std::size_t reflectionLength = 0;     // how many completion ids are the reflection
};

struct ReflectionGroup {
    std::size_t failure = 0; // index into the batch's failures
    std::vector<ReflectionTry> tries;
};

struct ReflectRetrySettings {
    std::int64_t groupSize = 8;
    double reflectionTemperature = 1.0;
    double retryTemperature = 0.0;
    std::int64_t maxReflectionTokens = 96;
    std::int64_t maxAnswerTokens = 96;
    std::uint64_t seed = 0;
};

/// One group per failure, in order; empty when `cancel` stopped it.
std::vector<ReflectionGroup> reflectAndRetry(const PolicySampler &sampler, const tasks::Task &task,
                                             const std::vector<const FailedAttempt *> &failures,
                                             const ReflectRetrySettings &settings,
                                             const CancelToken *cancel = nullptr);

/// The training row of one reflection (see above); exposed for tests.
void layOutRow(ReflectionTry &item, const std::vector<std::int64_t> &reflectionPrompt,
               const std::vector<std::int64_t> &reflectionIds, const std::vector<std::int64_t> &retryPrompt,
               const std::vector<std::int64_t> &retryIds);

} // namespace rlrf::rrr
