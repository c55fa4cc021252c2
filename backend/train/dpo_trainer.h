// SPDX-License-Identifier: GPL-3.0-or-later
// Direct Preference Optimization (Rafailov et al. 2023) of a policy against a frozen
// reference, as TRL's DPOTrainer does it: reference log-probs once (cached), AdamW
// with warm-up and a decaying schedule, gradient accumulation and clipping, metrics
// under TRL's names prefixed "dpo/". Checkpoints are Hugging Face folders
// (<output>/checkpoint-<step>, <output>/final) with a trainer_state.json, written to a
// temporary folder first and renamed, so a crash or a NaN never leaves a broken one.
// Torch-free facade.
#pragma once

#include "core/progress.h"
#include "core/run_context.h"
#include "train/dpo_config.h"
#include "train/dpo_trainer_pairs.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rlrf::model {
class Policy;
}

namespace rlrf::train {

struct DpoResult {
    Outcome outcome = Outcome::Failed;
    std::string message;                  // why it failed or stopped; empty on success
    std::int64_t steps = 0;               // optimizer steps taken
    std::int64_t totalSteps = 0;          // planned
    std::int64_t referenceComputedPairs = 0;
    std::string checkpoint;               // last checkpoint folder written (empty: none)
    std::map<std::string, double> metrics; // the last step's "dpo/..." metrics
};

// Loads the policy (trainable) and the reference (frozen; the policy's folder when
// `referenceFolder` is empty) with config.device / config.dtype and trains.
// Configuration and input errors throw rlrf::Error before training starts; what
// happens during training (NaN, cancel) is reported in the result.
DpoResult runDpo(const DpoConfig &config, const std::string &policyFolder, const std::string &referenceFolder,
                 const std::vector<DpoPair> &pairs, const std::string &outputFolder, const RunContext &context);

// The same on already loaded models; `policy` is trained in place. The reference's
// identity for the cache comes from `referenceFolder`.
DpoResult trainDpo(const DpoConfig &config, const model::Policy &policy, const model::Policy &reference,
                   const std::string &referenceFolder, const std::vector<DpoPair> &pairs,
                   const std::string &outputFolder, const RunContext &context);

} // namespace rlrf::train
