// SPDX-License-Identifier: GPL-3.0-or-later
// The Reflect-Retry-Reward loop (METHOD.md §2) over mined failures: per step a
// batch of failed attempts, G reflections each with one retry, verifier rewards,
// group-normalised advantages (grpo_advantages.h), the GRPO loss on reflection
// tokens only (grpo_loss.h) with KL to the frozen reference, AdamW with warm-up
// and cosine decay. Groups whose rewards are all equal carry no policy-gradient
// signal and are left out of the backward pass (their share is reported).
// Stops at the first non-finite loss or gradient norm, and between steps on cancel.
// Torch-free facade; the policy is trained in place.
#pragma once

#include "core/progress.h"
#include "core/run_context.h"
#include "pipeline/rrr/failure_miner.h"
#include "pipeline/rrr/reflect_retry.h"
#include "pipeline/rrr/rrr_config.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace rlrf::model {
class TextModel;
}

namespace rlrf::rrr {

struct RrrTrainResult {
    Outcome outcome = Outcome::Failed;
    std::string message;
    std::int64_t steps = 0;
    std::int64_t totalSteps = 0;
    std::map<std::string, double> metrics; // the last step's "rrr/..." metrics
};

/// What one step sampled, for persistence and the GUI's reflection view.
struct StepRecord {
    std::int64_t step = 0; // 1-based
    std::vector<std::size_t> failureIndices; // into the failures given to trainRrr
    std::vector<ReflectionGroup> groups;     // one per failure index, same order
    std::vector<std::vector<double>> advantages;
};
using StepObserver = std::function<void(const StepRecord &)>;

/// Where training continues from, and how it leaves checkpoints to continue
/// from: after every config.checkpointEvery-th step (at the end of a sampled
/// batch) and after the last step, `save` gets the step and a function that
/// writes the AdamW state to a file; the caller saves the policy beside it.
/// A run that starts at a checkpoint's step with its weights and optimizer
/// state takes the same steps an uninterrupted one takes: each batch's
/// sampling is seeded by its index, and the schedule is a function of the step.
struct RrrCheckpointing {
    std::int64_t startStep = 0; // optimizer steps already taken (the policy holds their weights)
    std::string optimizerFile;  // their AdamW state; read when startStep > 0
    std::function<void(std::int64_t step, const std::function<void(const std::string &file)> &saveOptimizer)> save;
};

/// Planned optimizer steps for `failureCount` failures.
std::int64_t plannedSteps(const RrrConfig &config, std::size_t failureCount);

/// Throws rlrf::Error before training when there are no failures or the config
/// is invalid; what happens during training is reported in the result.
RrrTrainResult trainRrr(const RrrConfig &config, const model::TextModel &policy, const model::TextModel &reference,
                        const tasks::Task &task, const std::vector<FailedAttempt> &failures,
                        const RunContext &context, const StepObserver &observer = {},
                        const RrrCheckpointing &checkpointing = {});

} // namespace rlrf::rrr
