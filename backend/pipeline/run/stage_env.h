// SPDX-License-Identifier: GPL-3.0-or-later
// What every stage of one iteration works with: the project, the run and
// iteration it writes for, the settings, the judge and rubric, and the policy
// M_i. Plus the loop all per-prompt stages share: skip a finished stage, skip
// the prompts that already have output, then batch by batch do the work and
// record it in one transaction, checking for a stop request between batches.
// What generates the answers is stage_generation.h.
// Torch-free.
#pragma once

#include "core/monotonic_clock.h"
#include "core/progress.h"
#include "core/run_context.h"
#include "feedback/judge.h"
#include "model/text_model.h"
#include "pipeline/run/pipeline_options.h"
#include "store/project_file.h"
#include "store/stage_repository.h"
#include "types/rubric.h"
#include "types/run_records.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>


namespace rlrf::feedback {
class ChatEndpoint;
}

namespace rlrf::pipeline {

/// Stage names: the keys of stage_states and stage_items.
namespace stages {
inline const char *const kPrompts = "prompts";
inline const char *const kSample = "sample";
inline const char *const kCritique = "critique";
inline const char *const kRefine = "refine";
inline const char *const kCritiqueRefined = "critique_refined";
inline const char *const kPairs = "pairs";
inline const char *const kSft = "sft";
inline const char *const kTrain = "train";
inline const char *const kEvaluate = "evaluate";
} // namespace stages

/// The critique stages whose rows make up an iteration's pool of rated answers:
/// the samples', and in RLRF mode the refinements' (the baseline has none).
std::vector<std::string> poolCritiqueStages(PipelineMode mode);

struct StageEnv {
    store::Project &project;
    std::int64_t runId = 0;
    int iteration = 0;                     // the model M_i this iteration starts from
    const PipelineOptions &options;
    const RunContext &context;
    feedback::Judge &judge;
    const feedback::Rubric &rubric;
    std::optional<std::int64_t> rubricVersionId;
    const model::TextModel *policy = nullptr; // M_i, loaded by the driver when a stage needs it
    std::optional<std::int64_t> checkpointId; // M_i's checkpoint record
    // The server that samples and refines instead of M_i (options.generator);
    // null: M_i does. Answers come through stage_generation.h either way.
    const feedback::ChatEndpoint *generator = nullptr;

    store::StageKey key(const std::string &stage) const { return {runId, iteration, stage}; }
};

/// The work for one batch of prompts: generate or judge (outside any
/// transaction), then return the writer of the rows and their stage records,
/// which the loop runs inside one transaction.
using BatchWriter = std::function<void()>;
using BatchWork = std::function<BatchWriter(const std::vector<std::int64_t> &promptIds)>;

/// Runs `stage` over `promptIds`: returns Succeeded at once when the stage is
/// done; otherwise works through the prompts without a stage record in batches
/// of options.batchPrompts (one transaction each), adds the wall time, reports
/// progress, marks the stage done at the end. A stop request between batches,
/// or a batch whose work returns no writer (its generation was cut short),
/// returns Cancelled with every finished batch kept.
Outcome runPromptBatches(const StageEnv &env, const std::string &stage, const std::vector<std::int64_t> &promptIds,
                         const BatchWork &work, std::int64_t batchPrompts);

/// A batch's work in three parts, so that batches can generate side by side: the
/// work reads the store (calling thread) and returns the generation; the
/// generation (any thread; it touches only env.policy and what it captured)
/// returns the writer; the writers run in batch order on the calling thread.
using BatchGeneration = std::function<BatchWriter()>;
using SplitBatchWork = std::function<BatchGeneration(const std::vector<std::int64_t> &promptIds)>;

/// runPromptBatches with several batches generating at once when the policy
/// generates on a CPU (model::concurrentBatches); the same rows, seeds and
/// records, written in the same order.
Outcome runPromptBatchesSideBySide(const StageEnv &env, const std::string &stage,
                                   const std::vector<std::int64_t> &promptIds, const SplitBatchWork &work,
                                   std::int64_t batchPrompts);

/// Marks a stage that is not per prompt (train, evaluate) and times it.
class StageTimer {
public:
    StageTimer(const StageEnv &env, std::string stage);
    ~StageTimer(); // adds the elapsed seconds, whatever the outcome
    StageTimer(const StageTimer &) = delete;
    StageTimer &operator=(const StageTimer &) = delete;

private:
    const StageEnv &m_env;
    std::string m_stage;
    double m_start = 0.0;
};

/// `outer` with its metric callback wrapped: each metric still goes to `outer` as
/// it comes, and the finite ones are also kept in `points`, for the training
/// run's rows in the store once it ends. `points` must outlive the result.
RunContext recordingMetrics(const RunContext &outer, std::vector<store::MetricPoint> &points);

} // namespace rlrf::pipeline
