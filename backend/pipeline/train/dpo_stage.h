// SPDX-License-Identifier: GPL-3.0-or-later
// Train: DPO on the iteration's approved (and edited) pairs, of M_i against
// itself as the frozen reference — or, when the run asks for it, of the model a
// supervised pass over the pairs' fully right chosen answers made from M_i
// (sft_stage.h), against that model; the result M_{i+1} is registered as a
// checkpoint whose parent is M_i. DPO goes through the one path of DPO on stored
// pairs (stored_pairs.h), as the Training area's does. The M_i the driver holds
// is trained in place (the supervised pass, then DPO), not loaded a second time.
// A DPO run that stops (cancel, NaN, a kill) leaves the stage undone: on resume,
// DPO continues from the stopped run's last resumable checkpoint (a cancel
// writes one; a kill leaves only periodic ones) and otherwise starts over. A
// checkpoint is only registered once training finished. Torch-free.
#pragma once

#include "pipeline/run/stage_env.h"
#include "pipeline/train/stored_pairs.h"
#include "train/dpo_trainer_pairs.h"
#include "types/records.h"

#include <optional>

namespace rlrf::pipeline {

struct TrainStageResult {
    Outcome outcome = Outcome::Failed;
    std::string message;
    std::int64_t checkpointId = 0; // M_{i+1}
    std::string checkpointPath;
    std::int64_t pairs = 0;
    /// M_{i+1} as trained, in memory, when this call trained it: the same weights
    /// as its saved folder, with that folder's tokenizer and chat template, so it
    /// is what TextModel::load(checkpointPath) with options.dpo's device and dtype
    /// gives. None when the stage was done before, or when training ran in
    /// another dtype than such a load (bfloat16 on CUDA trains float32 weights).
    std::optional<model::TextModel> model;
};

/// Whether M_i as the driver loads it (options.dpo's device and dtype) is what
/// DPO trains (float32 master weights on CUDA), so it can be trained in place.
bool trainsInPlace(const PipelineOptions &options);

/// `env.policy` is M_i, loaded from `policyFolder` with options.dpo's device and
/// dtype; `outputFolder` receives the DPO folders (its final/ becomes M_{i+1}).
/// When trainsInPlace(options), env.policy's weights are trained in place, so
/// after the call they may be M_{i+1}'s, a stopped attempt's or still M_i's:
/// the caller keeps `model` and drops env.policy, whose folder() still names
/// M_i. M_i's folder is never written. Throws rlrf::Error when there is nothing
/// to train on or DPO fails (the message names the last good checkpoint).
TrainStageResult runTrainStage(const StageEnv &env, const std::string &policyFolder, const std::string &outputFolder);

using ApprovedPair = StoredPair;

/// The approved and edited pairs of the iteration, each with its token ids (below).
std::vector<ApprovedPair> approvedPairs(const StageEnv &env);

/// The token ids of each pair, in order.
std::vector<train::DpoPair> tokensOf(const std::vector<ApprovedPair> &approved);

/// The approved and edited pairs of the iteration as token ids: the prompt as the
/// policy saw it when answering, each side's text plus the model's EOS. With
/// options.cutRejectedAtFlaw (RLRF mode), an approved pair's rejected answer ends
/// after the first line its critique flags (types/flaw_location.h), no EOS.
std::vector<train::DpoPair> approvedDpoPairs(const StageEnv &env);

} // namespace rlrf::pipeline
