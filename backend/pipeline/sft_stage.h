// SPDX-License-Identifier: GPL-3.0-or-later
// An optional first part of an iteration's fine-tuning: a supervised pass over the
// promising responses the critiques and refinements found — the chosen answers
// of the iteration's approved pairs that their critique rates fully right (every
// applicable aspect at the top level, and the verifier's reward when there is
// one) — before DPO trains on the pairs themselves. A chosen answer is only the
// better of two: on the arith demo, 45 % of the refinements the verifier accepts
// reach the right number through a wrong step, which the pass must not learn.
// The reward-only baseline judges by its scalar alone: any chosen answer the
// verifier accepts. Each (prompt, answer) is learned once however many pairs
// share it, and review decides what is learned. Off when options.sft.epochs is 0
// (the default: on the demo model DPO after the pass lost accuracy,
// docs/rlrf-demo-findings.md).
//
// The stage is atomic: a stopped or killed pass starts over (it takes seconds at
// demo scale). Its model is DPO's starting point and frozen reference; it is
// kept in its own folder, not registered as an iteration model. Torch-free.
#pragma once

#include "pipeline/stage_env.h"
#include "pipeline/train_stage.h"
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

/// Whether the run's settings ask for the pass.
bool supervisedPassEnabled(const PipelineOptions &options);

/// Throws rlrf::Error when the supervised pass fails (a NaN loss, an unusable
/// folder), naming the iteration.
SftStageResult runSftStage(const StageEnv &env, const std::vector<train::SftExample> &examples,
                           const std::string &policyFolder, const std::string &outputFolder);

/// The promising chosen answers of `approved` (see above) as distinct examples.
std::vector<train::SftExample> promisingExamples(const StageEnv &env, const std::vector<ApprovedPair> &approved);

/// Whether a chosen answer's critique makes it promising in the run's mode.
bool isPromising(PipelineMode mode, const feedback::Critique &critique);

/// The distinct (prompt, chosen answer) examples of `pairs`, in order.
std::vector<train::SftExample> chosenExamples(const std::vector<train::DpoPair> &pairs);

} // namespace rlrf::pipeline
