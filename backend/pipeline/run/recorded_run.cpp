// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/recorded_run.h"

#include "core/logging.h"
#include "store/checkpoint_repository.h"
#include "types/metric_names.h"
#include "store/metric_repository.h"
#include "store/run_repository.h"
#include "store/transaction.h"

#include <cmath>

namespace rlrf::pipeline {
namespace {

store::RunStatus statusOf(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Succeeded: return store::RunStatus::Succeeded;
    case Outcome::Cancelled: return store::RunStatus::Cancelled;
    case Outcome::Failed: return store::RunStatus::Failed;
    }
    return store::RunStatus::Failed;
}

} // namespace

RecordedRun::RecordedRun(store::Project &project, store::RunKind kind, int iteration, const nlohmann::json &settings)
    : m_project(project), m_runId(store::RunRepository(project.db()).start(kind, iteration, settings.dump()))
{
}

RecordedRun::RecordedRun(store::Project &project, std::int64_t continuedRunId)
    : m_project(project), m_runId(continuedRunId)
{
    const auto totals = store::MetricRepository(project.db()).series(m_runId, metrics::kRunTotalSteps);
    if (!totals.empty())
        m_totalSteps = static_cast<std::int64_t>(totals.back().value);
}

RecordedRun::~RecordedRun()
{
    if (m_finished)
        return;
    try {
        flush();
        store::RunRepository(m_project.db())
            .finish(m_runId, store::RunStatus::Failed, "stopped by an error before the run ended");
    } catch (const std::exception &e) {
        log::get("pipeline")->error("run {}: could not record its end: {}", m_runId, e.what());
    }
}

RunContext RecordedRun::recording(const RunContext &outer)
{
    // The caller's context is copied into the callbacks, not referred to: the
    // returned context may outlive it (recording({}) passes a temporary).
    RunContext context = outer;
    context.onMetric = [this, outer](std::int64_t step, const std::string &key, double value) {
        record(step, key, value);
        outer.metric(step, key, value);
    };
    context.onProgress = [this, outer](const Progress &progress) {
        flush();
        // The trainers report optimizer steps as "sft", "dpo" and "rrr"; their
        // total is what a follower needs for done/total and an ETA.
        const bool steps = progress.stage == "sft" || progress.stage == "dpo" || progress.stage == "rrr";
        if (steps && progress.total > 0 && progress.total != m_totalSteps) {
            m_totalSteps = progress.total;
            store::MetricRepository(m_project.db())
                .replace(m_runId, {{0, metrics::kRunTotalSteps, static_cast<double>(progress.total)}});
        }
        outer.onProgress(progress);
    };
    return context;
}

void RecordedRun::record(std::int64_t step, const std::string &key, double value)
{
    if (!m_pending.empty() && m_pending.back().step != step)
        flush();
    if (std::isfinite(value))
        m_pending.push_back({step, key, value});
}

void RecordedRun::dropPointsAfter(std::int64_t step)
{
    m_pending.clear();
    store::MetricRepository(m_project.db()).dropAfter(m_runId, step);
    if (step < 1)
        m_totalSteps = 0; // written again at the next step
}

void RecordedRun::flush()
{
    if (m_pending.empty())
        return;
    store::MetricRepository(m_project.db()).append(m_runId, m_pending);
    m_pending.clear();
}

void RecordedRun::finish(Outcome outcome, const std::string &message)
{
    flush();
    store::RunRepository(m_project.db()).finish(m_runId, statusOf(outcome), message);
    m_finished = true;
}

std::int64_t RecordedRun::finishWithCheckpoint(const std::string &folder, std::optional<std::int64_t> parent,
                                               int iteration, const std::function<void()> &alsoWrite,
                                               Outcome outcome, const std::string &message)
{
    flush();
    store::Transaction tx(m_project.db());
    store::CheckpointRecord checkpoint;
    checkpoint.path = folder;
    checkpoint.parentId = parent;
    checkpoint.iteration = iteration;
    checkpoint.runId = m_runId;
    const auto id = store::CheckpointRepository(m_project.db()).add(checkpoint);
    store::RunRepository(m_project.db()).finish(m_runId, statusOf(outcome), message);
    if (alsoWrite)
        alsoWrite();
    tx.commit();
    m_finished = true;
    return id;
}

std::optional<std::int64_t> settleInterruptedPasses(store::Project &project, store::RunKind kind, int iteration,
                                                    std::int64_t pipelineRunId,
                                                    std::optional<std::int64_t> continueAfterStep)
{
    store::Transaction tx(project.db());
    store::RunRepository runs(project.db());
    auto ids = runs.interruptedPasses(kind, iteration, pipelineRunId);
    std::optional<std::int64_t> kept;
    if (continueAfterStep && !ids.empty()) {
        kept = ids.back();
        ids.pop_back();
        store::MetricRepository(project.db()).dropAfter(*kept, *continueAfterStep);
    }
    for (const auto id : ids) {
        log::get("pipeline")->info("run {}: an interrupted {} pass is discarded; it starts over", id,
                                   store::toString(kind));
        runs.remove(id);
    }
    tx.commit();
    return kept;
}

} // namespace rlrf::pipeline
