// SPDX-License-Identifier: GPL-3.0-or-later
// The one way a trainer's run is recorded in the project, used by every
// trainer the pipeline starts (the supervised pass, DPO of an iteration, DPO on
// approved pairs from the Training area, Reflect-Retry-Reward's GRPO):
//   - the run row is started with its settings;
//   - metric points stream to the store as the steps happen: a step's points
//     are written in one transaction when the step ends (its progress report,
//     or the first point of the next step), so a killed run keeps its curves
//     up to the last finished step and a window following the project sees
//     them live; non-finite values go to the listener but not to the store;
//   - the checkpoint a run produces is registered with its parent model, and
//     the run is finished in the same transaction;
//   - a run that ends any other way is finished cancelled or failed with its
//     message, and one left open by an exception is marked failed.
// Torch-free.
#pragma once

#include "core/progress.h"
#include "core/run_context.h"
#include "store/project_file.h"
#include "types/run_records.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::pipeline {

class RecordedRun {
public:
    RecordedRun(store::Project &project, store::RunKind kind, int iteration, const nlohmann::json &settings);
    /// Goes on recording run `continuedRunId`, still 'running' (a pass that
    /// continues from its checkpoint after a kill; see settleInterruptedPasses).
    RecordedRun(store::Project &project, std::int64_t continuedRunId);
    ~RecordedRun();
    RecordedRun(const RecordedRun &) = delete;
    RecordedRun &operator=(const RecordedRun &) = delete;

    std::int64_t id() const { return m_runId; }

    /// `outer` with every metric point recorded as described above. The
    /// returned context refers to this object: it must not outlive it.
    RunContext recording(const RunContext &outer);

    /// Forgets the points recorded after `step` (a pass that meant to continue
    /// from a checkpoint and starts over instead drops them all with 0).
    void dropPointsAfter(std::int64_t step);

    /// Writes the points of the step in flight.
    void flush();

    /// Finishes the run (after a flush) as the outcome says.
    void finish(Outcome outcome, const std::string &message = {});

    /// Registers `folder` as the model of `iteration` under `parent`, finishes
    /// the run as `outcome` says and runs `alsoWrite` (a stage marked done, say),
    /// all in one transaction. Returns the checkpoint's id.
    std::int64_t finishWithCheckpoint(const std::string &folder, std::optional<std::int64_t> parent, int iteration,
                                      const std::function<void()> &alsoWrite = {},
                                      Outcome outcome = Outcome::Succeeded, const std::string &message = {});

private:
    void record(std::int64_t step, const std::string &key, double value);

    store::Project &m_project;
    std::int64_t m_runId = 0;
    bool m_finished = false;
    std::vector<store::MetricPoint> m_pending;
    std::int64_t m_totalSteps = 0; // last recorded run/total_steps
};

/// Before a pass (sft, dpo) of pipeline run `pipelineRunId` for the model of
/// `iteration` starts again, settles the rows of that pass a killed process
/// left 'running': with `continueAfterStep` (the pass resumes from its
/// checkpoint at that step) the newest is kept with its points up to that step
/// and returned; every other is removed with its points, so a resumed run holds
/// the rows an uninterrupted one holds.
std::optional<std::int64_t> settleInterruptedPasses(store::Project &project, store::RunKind kind, int iteration,
                                                    std::int64_t pipelineRunId,
                                                    std::optional<std::int64_t> continueAfterStep);

} // namespace rlrf::pipeline
