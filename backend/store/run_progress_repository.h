// SPDX-License-Identifier: GPL-3.0-or-later
// What a window following a run reads from the store, in a few short queries:
// how many prompts each stage has finished, how far the run's training passes
// have stepped, how its pairs stand in review. The pipeline turns these facts
// into its stage view (pipeline/run/run_progress.h). Works on a read-only
// connection beside a writer in this or another process (WAL).
#pragma once

#include "types/run_records.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rlrf::store {

class Database;

/// A training pass (a pipeline's SFT or DPO run, or an RRR run itself).
struct StepFacts {
    std::int64_t runId = 0;
    RunKind kind = RunKind::Dpo;
    int iteration = 0;            // the model it trains (M_iteration)
    RunStatus status = RunStatus::Running;
    double elapsedSeconds = 0.0;  // started_at to ended_at, or to now while running
    std::int64_t stepsDone = 0;   // the last step with a metric point
    std::int64_t stepsTotal = 0;  // run/total_steps; 0 before the trainer knows
};

struct ReviewFacts {
    std::int64_t pending = 0;
    std::int64_t reviewed = 0;    // approved, edited or rejected
};

class RunProgressRepository {
public:
    explicit RunProgressRepository(Database &db) : m_db(db) {}

    /// RLRF and RRR runs, newest first.
    std::vector<RunRecord> loopRuns();
    /// (iteration, stage) -> prompts with at least one row in stage_items.
    std::map<std::pair<int, std::string>, std::int64_t> finishedPrompts(std::int64_t runId);
    /// The SFT and DPO runs a pipeline run started (their hyper-parameters name
    /// it as "pipeline_run"), oldest first.
    std::vector<StepFacts> trainingPasses(std::int64_t pipelineRunId);
    /// The same facts about one run.
    StepFacts stepFacts(std::int64_t runId);
    /// Review state of the pairs each iteration of a pipeline run made.
    std::map<int, ReviewFacts> review(std::int64_t pipelineRunId);
    /// Seconds since the run started (to its end once ended).
    double elapsedSeconds(std::int64_t runId);
    /// SQLite's data_version: changes when another connection commits.
    std::int64_t dataVersion();

private:
    Database &m_db;
};

/// A read transaction: every query inside sees one committed state of the file,
/// so a view never shows half of a writer's batch. Ends at destruction.
class ReadSnapshot {
public:
    explicit ReadSnapshot(Database &db);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot &) = delete;
    ReadSnapshot &operator=(const ReadSnapshot &) = delete;

private:
    Database &m_db;
    bool m_began = false;
};

} // namespace rlrf::store
