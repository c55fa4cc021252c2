// SPDX-License-Identifier: GPL-3.0-or-later
// Pairs and review: per prompt the pair rules (pair_rules.h) run over the rated
// pool — samples and refinements in RLRF mode, the samples alone ranked by one
// scalar in reward-only mode — and the pairs are stored pending, or
// approved at once with auto-approve. Training waits until no pair of the
// iteration is pending. Resumable per prompt. Torch-free.
#pragma once

#include "pipeline/pairs/pair_rules.h"
#include "pipeline/run/stage_env.h"

namespace rlrf::pipeline {

Outcome runPairStage(const StageEnv &env, const std::vector<std::int64_t> &promptIds);

/// The rules and limits the pair stage uses for the run's mode.
PairRuleOptions pairRuleOptions(const PipelineOptions &options);

/// What the rules rank a judged answer by in the run's mode: in RLRF mode its
/// overall score and aspects; in reward-only mode its scalar reward (a
/// verifier's or reward model's) where the judge gives one, with no aspects,
/// and its overall score otherwise.
RatedCandidate rankedFor(PipelineMode mode, RatedCandidate candidate);

struct ReviewCounts {
    std::int64_t pending = 0;
    std::int64_t approved = 0; // approved or edited: what training uses
    std::int64_t rejected = 0;
};

/// The review states of the pairs this iteration wrote.
ReviewCounts reviewCounts(const StageEnv &env);

} // namespace rlrf::pipeline
