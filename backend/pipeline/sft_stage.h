// SPDX-License-Identifier: GPL-3.0-or-later
// The first half of an iteration's fine-tuning: a supervised pass over the
// chosen answers of the iteration's approved pairs — the promising responses the
// critiques and refinements found — before DPO trains on the pairs themselves.
// On the arith demo model this is what moves held-out accuracy; DPO from the
// unchanged model did not (docs/rlrf-demo-findings.md). Each chosen answer is
// learned once per prompt however many pairs share it, so the reviewer's
// approvals and edits decide what is learned. Off when options.sft.epochs is 0.
//
// The stage is atomic: a stopped or killed pass starts over (it takes seconds at
// demo scale). Its model is M_i's successor's starting point and DPO's frozen
// reference; it is kept in its own folder, not registered as an iteration model.
// Torch-free.
#pragma once

#include "pipeline/stage_env.h"
#include "train/dpo_trainer_pairs.h"
#include "train/sft_example.h"

#include <string>
#include <vector>

namespace rlrf::pipeline {

struct SftStageResult {
    Outcome outcome = Outcome::Failed;
    std::string message;
    std::string modelFolder; // what DPO starts from: the fine-tuned model, or M_i when off
    std::int64_t examples = 0;
};

/// Throws rlrf::Error when the supervised pass fails (a NaN loss, an unusable
/// folder), naming the iteration.
SftStageResult runSftStage(const StageEnv &env, const std::vector<train::DpoPair> &pairs,
                           const std::string &policyFolder, const std::string &outputFolder);

/// The distinct (prompt, chosen answer) examples of `pairs`, in order.
std::vector<train::SftExample> chosenExamples(const std::vector<train::DpoPair> &pairs);

} // namespace rlrf::pipeline
