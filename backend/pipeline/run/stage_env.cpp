// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/stage_env.h"

#include "core/logging.h"
#include "store/transaction.h"

#include <algorithm>
#include <chrono>
#include <cmath>

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

Outcome runPromptBatches(const StageEnv &env, const std::string &stage, const std::vector<std::int64_t> &promptIds,
                         const BatchWork &work, std::int64_t batchPrompts)
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
    for (std::size_t from = 0; from < pending.size(); from += step) {
        if (env.context.stopRequested())
            return Outcome::Cancelled;
        const double start = monotonicSeconds();
        const std::vector<std::int64_t> batch(pending.begin() + static_cast<std::ptrdiff_t>(from),
                                              pending.begin() + static_cast<std::ptrdiff_t>(std::min(pending.size(), from + step)));
        const BatchWriter write = work(batch);
        if (!write)
            return Outcome::Cancelled; // its generation was cut short: nothing to keep
        {
            store::Transaction tx(env.project.db());
            write();
            progress.addSeconds(key, monotonicSeconds() - start);
            tx.commit();
        }
        finished += static_cast<std::int64_t>(batch.size());
        env.context.progress(finished, total, label);
    }
    progress.markDone(key);
    return Outcome::Succeeded;
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
