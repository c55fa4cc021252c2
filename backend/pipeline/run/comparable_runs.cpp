// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/run/comparable_runs.h"

#include "pipeline/run/pipeline_options.h"
#include "store/run_repository.h"

#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

namespace rlrf::pipeline {

namespace {

std::string settingsText(const PipelineOptions &o)
{
    std::ostringstream s;
    s << o.iterations << (o.iterations == 1 ? " iteration × " : " iterations × ") << o.promptsPerIteration
      << " prompts, " << o.samples << " samples, δ " << o.delta << ", β " << o.dpo.beta << ", lr "
      << o.dpo.learningRate;
    if (o.dpo.lora.rank > 0)
        s << ", LoRA r " << o.dpo.lora.rank;
    s << ", seed " << o.seed;
    return s.str();
}

} // namespace

std::string ComparableRun::name() const
{
    return "run " + std::to_string(id) + " · " + kind;
}

std::string ComparableRun::label() const
{
    return name() + (baseline ? " (reward-only)" : "") + " · " + settings;
}

std::vector<ComparableRun> comparableRuns(store::Database &db, const std::string &split)
{
    store::RunRepository runs(db);
    std::set<std::int64_t> evaluated;
    for (const auto &result : runs.evalResults())
        if (result.runId && result.split == split)
            evaluated.insert(*result.runId);
    std::vector<ComparableRun> list;
    for (const auto &run : runs.list()) {
        if (run.kind != store::RunKind::Rlrf)
            continue;
        ComparableRun c;
        c.id = run.id;
        c.status = run.status;
        c.evaluated = evaluated.count(run.id) > 0;
        try {
            const auto json = nlohmann::json::parse(run.hyperParametersJson);
            // The mode alone first: a run whose other settings no longer read
            // is still named for what it was.
            c.baseline = json.is_object() && json.value("mode", std::string()) == toString(PipelineMode::RewardOnly);
            const auto options = pipelineOptionsFromJson(json, "run " + std::to_string(run.id));
            c.kind = variantName(options); // an ablation says which part it leaves out
            c.settings = settingsText(options);
        } catch (const std::exception &e) {
            // Still comparable by its results; the list says why its settings are missing.
            c.settings = std::string("settings unreadable: ") + e.what();
        }
        if (c.kind.empty())
            c.kind = c.baseline ? "baseline" : "RLRF";
        list.push_back(std::move(c));
    }
    return list;
}

} // namespace rlrf::pipeline
