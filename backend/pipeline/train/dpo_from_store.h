// SPDX-License-Identifier: GPL-3.0-or-later
// A DPO iteration on the pairs people approved in a project, as the Training
// area starts it: the reviewed pairs (approved or edited) of the whole project,
// the policy loaded from a folder, then the one path of DPO on stored pairs
// that an iteration's train stage takes too (stored_pairs.h): tokenised for the
// policy, trained with trainDpo (the policy doubles as the reference when it is
// one), recorded the one way every trainer is, the checkpoint registered under
// the policy folder's, when the project knows it; a paused run's checkpoint is
// registered as well. Torch-free.
#pragma once

#include "core/run_context.h"
#include "train/dpo_trainer.h"
#include "types/dpo_config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::store {
class Project;
}

namespace rlrf::pipeline {

struct StoreDpoRequest {
    std::string projectPath;
    std::string policyFolder;    // the model trained (M_{i-1})
    std::string referenceFolder; // empty: the policy's own folder
    std::string outputFolder;    // checkpoints go here
    int iteration = 1;           // the run produces M_iteration
    // Rejected answers end after the first line their critique flags, as in the
    // pipeline (pipeline/pairs/pair_tokens.h).
    bool cutRejectedAtFlaw = true;
    train::DpoConfig config;
    std::string resumeFrom;      // a paused run's checkpoint to continue (see runDpo); empty: a fresh run
};

struct StoreDpoResult {
    train::DpoResult training;
    std::int64_t runId = 0;
    std::vector<std::int64_t> pairIds; // trained on, in the trainer's pair order
};

/// The pairs a DPO iteration trains on: approved and edited ones, by id.
std::vector<std::int64_t> trainablePairIds(store::Project &project);

/// For each step (index 0 = step 1), the ids of the pairs it trained on.
std::vector<std::vector<std::int64_t>> stepPairIds(const train::DpoConfig &config, const std::vector<std::int64_t> &pairIds);

/// The same for a run recorded by runDpoOnApprovedPairs, from its stored
/// hyper-parameters; empty for a run recorded otherwise.
std::vector<std::vector<std::int64_t>> storedStepPairIds(const std::string &hyperParametersJson);

/// The DPO settings a run was recorded with: a run of runDpoOnApprovedPairs
/// (settings at the top level) or an iteration's DPO stage (under "dpo").
/// None for a run recorded otherwise or whose settings do not parse.
std::optional<train::DpoConfig> storedDpoConfig(const std::string &hyperParametersJson);

/// Throws rlrf::Error when there is nothing approved or a folder is unusable, or
/// when `resumeFrom` cannot be continued with these pairs and settings; training
/// outcomes (cancelled, NaN) come back in the result and the run's row. A resumed
/// run is a new row whose metric points start at the step after the checkpoint.
StoreDpoResult runDpoOnApprovedPairs(const StoreDpoRequest &request, const RunContext &context);

} // namespace rlrf::pipeline
