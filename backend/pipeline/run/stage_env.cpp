// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/stage_env.h"

#include "core/logging.h"
#include "model/ordered_jobs.h"
#include "model/text_model.h"
#include "store/transaction.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

namespace rlrf::pipeline {

std::vector<std::string> poolCritiqueStages(PipelineMode mode)
{
    if (mode == PipelineMode::Rlrf)
        return {stages::kCritique, stages::kCritiqueRefined};
    return {stages::kCritique};
}

RunContext recordingMetrics(const RunContext &outer, std::vector<store::MetricPoint> &points)
{
    RunContext context = outer;
    context.onMetric = [&outer, &points](std::int64_t step, const std::string &key, double value) {
        if (std::isfinite(value))
            points.push_back({step, key, value});
        outer.metric(step, key, value);
    };
    return context;
}

namespace {

Outcome runBatches(const StageEnv &env, const std::string &stage, const std::vector<std::int64_t> &promptIds,
                   const SplitBatchWork &work, std::int64_t batchPrompts, std::size_t workers)
{
    store::StageRepository progress(env.project.db());
    const auto key = env.key(stage);
    if (progress.isDone(key))
        return Outcome::Succeeded;
    progress.begin(key);
    const auto done = progress.donePrompts(key);
    std::vector<std::int64_t> pending;
    for (const auto id : promptIds)
        if (!done.count(id))
            pending.push_back(id);
    if (!done.empty())
        log::get("pipeline")->info("iteration {} {}: resuming, {} of {} prompts already done", env.iteration, stage,
                                   promptIds.size() - pending.size(), promptIds.size());
    const auto total = static_cast<std::int64_t>(promptIds.size());
    std::int64_t finished = total - static_cast<std::int64_t>(pending.size());
    const std::string label = "iteration " + std::to_string(env.iteration) + " " + stage;
    env.context.progress(finished, total, label);
    const auto step = static_cast<std::size_t>(std::max<std::int64_t>(1, batchPrompts));
    // Batches overlap, so each commit adds the wall time since the one before:
    // the stage's seconds stay its wall time.
    double since = monotonicSeconds();
    bool cancelled = false;
    std::size_t from = 0;
    model::runJobsInOrder(workers, [&]() -> std::optional<model::Job> {
        if (from >= pending.size())
            return std::nullopt;
        if (env.context.stopRequested()) {
            cancelled = true;
            return std::nullopt;
        }
        const std::vector<std::int64_t> batch(pending.begin() + static_cast<std::ptrdiff_t>(from),
                                              pending.begin() + static_cast<std::ptrdiff_t>(std::min(pending.size(), from + step)));
        from += batch.size();
        BatchGeneration generate = work(batch);
        return model::Job([&, generate = std::move(generate), size = batch.size()]() -> model::JobFinish {
            auto write = std::make_shared<BatchWriter>(generate());
            return [&, write, size] {
                if (!*write) {
                    cancelled = true; // its generation was cut short: nothing to keep
                    return false;
                }
                store::Transaction tx(env.project.db());
                (*write)();
                const double now = monotonicSeconds();
                progress.addSeconds(key, now - since);
                since = now;
                tx.commit();
                finished += static_cast<std::int64_t>(size);
                env.context.progress(finished, total, label);
                if (env.context.stopRequested()) {
                    cancelled = true;
                    return false;
                }
                return true;
            };
        });
    });
    if (cancelled)
        return Outcome::Cancelled;
    progress.markDone(key);
    return Outcome::Succeeded;
}

} // namespace

Outcome runPromptBatchesSideBySide(const StageEnv &env, const std::string &stage,
                                   const std::vector<std::int64_t> &promptIds, const SplitBatchWork &work,
                                   std::int64_t batchPrompts)
{
    // Only the local policy's generation is known to be safe beside itself; a
    // server generates on its own machine and takes the requests one batch at a time.
    const std::size_t workers = (env.generator || !env.policy) ? 1 : model::concurrentBatches(env.policy->policy().device());
    return runBatches(env, stage, promptIds, work, batchPrompts, workers);
}

Outcome runPromptBatches(const StageEnv &env, const std::string &stage, const std::vector<std::int64_t> &promptIds,
                         const BatchWork &work, std::int64_t batchPrompts)
{
    return runBatches(
        env, stage, promptIds,
        [&work](const std::vector<std::int64_t> &batch) -> BatchGeneration {
            auto write = work(batch); // generates here, where it reads the store
            return [write] { return write; };
        },
        batchPrompts, 1);
}

StageTimer::StageTimer(const StageEnv &env, std::string stage)
    : m_env(env), m_stage(std::move(stage)), m_start(monotonicSeconds())
{
    store::StageRepository(m_env.project.db()).begin(m_env.key(m_stage));
}

StageTimer::~StageTimer()
{
    try {
        store::StageRepository(m_env.project.db()).addSeconds(m_env.key(m_stage), monotonicSeconds() - m_start);
    } catch (...) {
        // The time is a report, not an artefact: never let it mask the real error.
    }
}

} // namespace rlrf::pipeline
