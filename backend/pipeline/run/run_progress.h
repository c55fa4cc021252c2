// SPDX-License-Identifier: GPL-3.0-or-later
// The stage view of an RLRF, reward-only or Reflect-Retry-Reward run, read from
// the store alone: iterations x stages, each with done/total, seconds and an
// ETA, and the time table `rlrf run` prints. Because it needs nothing but the
// project file, a window shows a run it started and a run another process
// started the same way. Torch-free.
#pragma once

#include "store/run_progress_repository.h"
#include "types/run_records.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rlrf::store {
class Database;
}

namespace rlrf::pipeline {

enum class StageState {
    Pending, // not started
    Running, // started and the run is running
    Stopped, // started, but the run stopped, failed or was killed before it ended
    Waiting, // review: pairs wait for a person
    Done,
};

std::string toString(StageState state);

struct StageCell {
    std::string stage;        // the stage_states key: "sample", "review", "train", "steps", ...
    StageState state = StageState::Pending;
    std::int64_t done = 0;    // prompts, pairs reviewed or optimizer steps; total 0 = not counted
    std::int64_t total = 0;
    double seconds = 0.0;     // spent so far (summed over resumes)
    double etaSeconds = -1.0; // < 0: unknown
};

struct IterationRow {
    int iteration = 0;        // row i: the iteration from M_i; its evaluate cell is M_i's evaluation
    std::vector<StageCell> cells; // one per column, in column order
};

struct RunProgress {
    store::RunRecord run;
    std::string method;                 // "rlrf", "reward_only" or "rrr"
    int iterations = 1;                 // planned (RRR: 1)
    std::vector<std::string> columns;   // stage keys, in order
    std::vector<IterationRow> rows;
    std::string timeTable;              // formatStageTimes() of the run
    std::int64_t pendingReview = 0;     // pairs of this run waiting for review
    std::optional<store::StepFacts> training; // the newest training pass: whose curves to show
    double elapsedSeconds = 0.0;        // since the run started
    std::string current;                // "iteration 1 DPO 12/40", empty when nothing runs
};

/// A column's label for people: "critique of refinements", "supervised pass", "DPO", ...
std::string stageLabel(const std::string &stage);

/// RLRF and RRR runs of the project, newest first.
std::vector<store::RunRecord> loopRuns(store::Database &db);

/// Reads one run's view in one read transaction. Throws rlrf::Error when the
/// run is missing or is not an RLRF or RRR run.
RunProgress readRunProgress(store::Database &db, std::int64_t runId);

} // namespace rlrf::pipeline
