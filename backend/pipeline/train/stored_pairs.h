// SPDX-License-Identifier: GPL-3.0-or-later
// DPO on pairs stored in a project, one way for both DPO front ends (an
// iteration's train stage, dpo_stage.h, and DPO on approved pairs from the
// Training area, dpo_from_store.h):
//   - storedPairs: each pair read from the store with its prompt and, when the
//     rejected answer is to be cut at its first flaw, its critique; then
//     pair_tokens.h;
//   - trainOnStoredPairs: the frozen reference (the loaded policy itself when it
//     can serve, else its folder loaded), the run recorded the one way every
//     trainer's is (run/recorded_run.h), trainDpo on the loaded policy, and the
//     run's end with its checkpoint registered under the policy's.
// Torch-free.
#pragma once

#include "core/run_context.h"
#include "model/policy.h"
#include "train/dpo_trainer.h"
#include "train/dpo_trainer_pairs.h"
#include "types/dpo_config.h"
#include "types/records.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::model {
class TextModel;
}
namespace rlrf::store {
class Database;
class Project;
}

namespace rlrf::pipeline {

struct StoredPair {
    store::PairRecord record;
    train::DpoPair tokens;
};

/// The pairs with these ids, in this order, tokenised for `policy`.
std::vector<StoredPair> storedPairs(store::Database &db, const model::TextModel &policy,
                                    const std::vector<std::int64_t> &pairIds, bool cutRejectedAtFlaw);

/// One DPO pass on stored pairs: what is trained and how the run is recorded.
struct StoredPairsDpo {
    train::DpoConfig config;
    std::vector<train::DpoPair> pairs;  // storedPairs(...) tokens, in the order trained
    std::string policyFolder;           // the folder the policy was loaded from
    std::string referenceFolder;        // empty: the policy's folder
    std::string outputFolder;           // checkpoint-<step>/ and final/
    std::string resumeFrom;             // a checkpoint of a stopped pass to continue; empty: a fresh pass
    /// A pipeline pass owns its output folder: a fresh start empties it, and a
    /// checkpoint that cannot be continued is dropped with the points recorded
    /// for it and the pass starts over from the policy folder. Otherwise (the
    /// Training area) such a checkpoint is an error.
    bool ownsOutputFolder = false;

    int iteration = 1;                         // the pass makes M_iteration
    std::optional<std::int64_t> parent;        // the checkpoint of the policy's folder
    nlohmann::json settings;                   // the new run row's hyper-parameters
    std::optional<std::int64_t> continuedRunId; // go on recording this row instead (see RecordedRun)
    /// Also register the checkpoint a stopped or failed pass wrote (the Training
    /// area's pause); otherwise only the final model is registered.
    bool registerStoppedCheckpoint = false;
    /// Runs in the transaction that registers the final model (a stage's done mark).
    std::function<void()> alsoWriteOnSuccess;
};

struct StoredPairsDpoResult {
    train::DpoResult training;
    std::int64_t runId = 0;
    std::optional<std::int64_t> checkpointId; // the checkpoint registered, if any
    /// The decoder holding the trained weights: the `policy` passed in, or a
    /// fresh load of the policy folder when the pass had to start over.
    std::optional<model::Policy> trained;
};

/// Trains `policy` (loaded from job.policyFolder with the trainer's device and
/// dtype: float32 master weights on CUDA) in place with trainDpo. After any
/// outcome but success its weights are those of the stopped pass, or undefined
/// after an exception. Training outcomes (cancelled, NaN) come back in the result
/// and the run's row; settings, pairs and folders that cannot be used throw
/// rlrf::Error after the run is finished as failed.
StoredPairsDpoResult trainOnStoredPairs(store::Project &project, const model::Policy &policy,
                                        const StoredPairsDpo &job, const RunContext &context);

} // namespace rlrf::pipeline
