// SPDX-License-Identifier: GPL-3.0-or-later
// The first part of an iteration's fine-tuning (on by default): a supervised pass over the
// promising responses the critiques and refinements found, before DPO trains on
// the pairs themselves. Promising: every applicable aspect at the top level, and
// the verifier's reward when there is one. A chosen answer is only the better of
// two: on the arith demo, 45 % of the refinements the verifier accepts reach the
// right number through a wrong step, which the pass must not learn. The
// reward-only baseline judges by its scalar alone: any answer the verifier
// accepts. What the pass learns (options.sftSource):
// - "pairs": the promising chosen answers of the iteration's approved pairs, so
//   review decides what is learned;
// - "pool": those, and every other promising answer of the iteration's samples
//   and refinements, less the chosen answers of pairs a person rejected. Pairs
//   hold one chosen answer per rule and prompt; on the demo the pool has about
//   twice as many fully right answers (docs/rlrf-demo-findings.md).
// Each (prompt, answer) is learned once. Off when options.sft.epochs is 0.
//
// The stage is atomic: a stopped or killed pass starts over (it takes seconds at
// demo scale). Its model is DPO's starting point and frozen reference; it is
// kept in its own folder, not registered as an iteration model. Torch-free.
#pragma once

#include "pipeline/run/stage_env.h"
#include "pipeline/train/dpo_stage.h"
#include "train/dpo_trainer_pairs.h"
#include "train/sft_example.h"

#include <optional>
#include <string>
#include <vector>

namespace rlrf::pipeline {

struct SftStageResult {
    Outcome outcome = Outcome::Failed;
    std::string message;
    std::string modelFolder; // what DPO starts from: the fine-tuned model, or M_i when off
    std::int64_t examples = 0;
    bool trainedInPlace = false; // this call trained `policy` (below) into modelFolder's weights
    std::optional<std::int64_t> runId = std::nullopt; // the pass's run record, when this call trained
};

/// `policy`, when given, is M_i loaded from `policyFolder` with options.sft's
/// device and dtype: the pass trains it in place instead of loading the folder
/// again (the same run and files either way). Throws rlrf::Error when the
/// supervised pass fails (a NaN loss, an unusable folder), naming the iteration.
SftStageResult runSftStage(const StageEnv &env, const std::vector<train::SftExample> &examples,
                           const std::string &policyFolder, const std::string &outputFolder,
                           const model::Policy *policy = nullptr);

/// The promising chosen answers of `approved` (see above) as distinct examples.
std::vector<train::SftExample> promisingExamples(const StageEnv &env, const std::vector<ApprovedPair> &approved);

/// sft_source "pool": those, plus every promising answer of the iteration's
/// pool — the samples and, in RLRF mode, the refinements — whether or not a pair
/// chose it, less the chosen answers of pairs a person rejected. Needs env.policy.
std::vector<train::SftExample> poolExamples(const StageEnv &env, const std::vector<ApprovedPair> &approved);

/// Whether an answer's critique makes it promising in the run's mode.
bool isPromising(PipelineMode mode, const feedback::Critique &critique);

/// The distinct (prompt, chosen answer) examples of `pairs`, in order.
std::vector<train::SftExample> chosenExamples(const std::vector<train::DpoPair> &pairs);

} // namespace rlrf::pipeline
