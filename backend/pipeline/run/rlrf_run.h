// SPDX-License-Identifier: GPL-3.0-or-later
// The iteration driver: M0 -> M1 -> ... -> MK on one project, RLRF or the
// reward-only baseline. Per iteration: choose prompts, sample, critique, (select
// and refine, critique the refinements), pairs, review, DPO, evaluate. Every
// stage is persisted and keyed by (run, iteration, stage), so a run that was
// cancelled, waited for review, failed or was killed continues where it stopped
// when started again. Outcomes, not exceptions, come back. Torch-free facade.
#pragma once

#include "core/progress.h"
#include "core/run_context.h"
#include "pipeline/run/pipeline_options.h"
#include "store/stage_repository.h"
#include "types/run_records.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::pipeline {

struct PipelineRequest {
    std::string projectPath;
    PipelineOptions options;
    bool fresh = false; // start a new run even when an unfinished one of the same mode exists
    // Resume this run (a window resuming the run a person chose); its stored
    // settings hold except iterations and auto-approve, as for any resume.
    std::optional<std::int64_t> resumeRunId;
};

struct PipelineResult {
    Outcome outcome = Outcome::Failed;
    std::string message;          // why it failed or stopped; empty on success
    bool waitingForReview = false; // stopped because pairs are pending
    std::int64_t runId = 0;
    bool resumed = false;
    PipelineOptions options;      // the settings the run used
    int iterationsDone = 0;       // models trained so far in this run
    std::vector<store::StageTime> times;
    std::vector<store::EvalResult> evaluations;
};

PipelineResult runPipeline(const PipelineRequest &request, const RunContext &context);

/// The table `rlrf run` prints at the end: seconds per iteration and stage.
std::string formatStageTimes(const std::vector<store::StageTime> &times);

} // namespace rlrf::pipeline
