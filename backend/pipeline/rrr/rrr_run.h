// SPDX-License-Identifier: GPL-3.0-or-later
// A whole Reflect-Retry-Reward run on a project, as `rlrf rrr` and the GUI start
// it: first- and second-try accuracy on held-out queries before, failure mining,
// the GRPO loop on reflection tokens, accuracy after, the trained model saved.
// Everything is persisted in the project file: the run (kind "rrr") with its
// settings, each step's metrics, the failures and reflections, the before/after
// results (iteration 0 / 1, split "test") with each evaluation's queries and
// their reflection headroom (rrr_eval_repository.h, phase "before" / "after"),
// the mining counts (iteration 0, split "train") and the checkpoint. Each stage's output and its "done" mark land in
// one transaction, and the loop leaves resumable checkpoints (policy + AdamW
// state, rrr_checkpoint.h), so a killed run continues where it stood and ends
// with the rows an uninterrupted run has. With config.lora only a LoRA adapter
// trains (rrr_models.h): checkpoints and the final model are adapter folders.
// Torch-free facade.
#pragma once

#include "core/progress.h"
#include "core/run_context.h"
#include "pipeline/rrr/failure_miner.h"
#include "pipeline/rrr/rrr_config.h"
#include "pipeline/rrr/rrr_trainer.h"
#include "pipeline/rrr/two_try_eval.h"

#include <cstdint>
#include <optional>
#include <string>

namespace rlrf::rrr {

/// The stages of a run as stage_states records them (iteration 0), in order, so
/// a window shows an RRR run's progress and times as it shows an RLRF run's.
namespace stages {
inline const char *const kEvaluateBefore = "evaluate_before";
inline const char *const kMine = "mine";
inline const char *const kSteps = "steps";
inline const char *const kEvaluateAfter = "evaluate_after";
} // namespace stages

struct RrrRunRequest {
    std::string projectPath;
    // Without either: an RRR run of the project that a kill or a stop left
    // unfinished (status running or cancelled) continues with the settings it
    // started with; with `fresh` a new run starts; with `resumeRunId` that run
    // continues (an error when it has finished).
    bool fresh = false;
    std::optional<std::int64_t> resumeRunId;
    std::string task;      // arith, countdown, bfcl (rrr_task_factory.h)
    std::string dataPath;  // countdown: real test problems (optional); bfcl: questions (required)
    std::string modelDir;  // empty: the project's model (relative to the project file when not found as given)
    std::string outputDir; // empty: "<project>.runs/rrr-<run id>" beside the project file
    RrrConfig config;
};

struct RrrRunResult {
    Outcome outcome = Outcome::Failed;
    std::string message;
    std::int64_t runId = 0;
    bool resumed = false;
    TwoTryAccuracy before;
    TwoTryAccuracy after;
    std::int64_t minedQueries = 0;
    std::int64_t minedAttempts = 0;
    std::int64_t mineCorrectAttempts = 0;
    std::int64_t failures = 0;
    RrrTrainResult training;
    std::string checkpoint; // the trained model's folder (empty when none was written)
};

/// Input and configuration errors throw rlrf::Error before the run is recorded;
/// later errors mark the run failed and are rethrown; cancel and non-finite
/// values end the run with that outcome.
RrrRunResult runRrr(const RrrRunRequest &request, const RunContext &context);

} // namespace rlrf::rrr
