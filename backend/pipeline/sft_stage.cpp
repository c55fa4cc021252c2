// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/sft_stage.h"

#include "core/error.h"
#include "core/logging.h"
#include "store/critique_repository.h"
#include "store/metric_repository.h"
#include "store/run_repository.h"
#include "train/sft.h"

#include <filesystem>
#include <set>

namespace rlrf::pipeline {

std::vector<train::SftExample> chosenExamples(const std::vector<train::DpoPair> &pairs)
{
    std::set<std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>>> seen;
    std::vector<train::SftExample> out;
    for (const auto &p : pairs)
        if (seen.insert({p.prompt, p.chosen}).second)
            out.push_back({p.prompt, p.chosen});
    return out;
}

bool supervisedPassEnabled(const PipelineOptions &options)
{
    return options.sft.epochs > 0.0 || options.sft.maxSteps > 0;
}

bool isPromising(PipelineMode mode, const feedback::Critique &critique)
{
    if (critique.parseStatus != feedback::ParseStatus::Ok)
        return false;
    if (critique.reward && *critique.reward < 1.0)
        return false;
    if (mode == PipelineMode::RewardOnly && critique.reward)
        return true; // the baseline's one scalar says right
    constexpr double kTop = 1.0 - 1e-9; // every applicable aspect at the top level
    return critique.overall >= kTop;
}

std::vector<train::SftExample> promisingExamples(const StageEnv &env, const std::vector<ApprovedPair> &approved)
{
    store::CritiqueRepository critiques(env.project.db());
    std::vector<train::DpoPair> chosen;
    for (const auto &p : approved)
        if (p.record.chosenCritiqueId && isPromising(env.options.mode, critiques.byId(*p.record.chosenCritiqueId).critique))
            chosen.push_back(p.tokens);
    return chosenExamples(chosen);
}

SftStageResult runSftStage(const StageEnv &env, const std::vector<train::SftExample> &examples,
                           const std::string &policyFolder, const std::string &outputFolder)
{
    namespace fs = std::filesystem;
    const auto &o = env.options;
    const std::string finalFolder = (fs::path(outputFolder) / "final").string();
    if (!supervisedPassEnabled(o))
        return {Outcome::Succeeded, {}, policyFolder, 0};
    store::StageRepository progress(env.project.db());
    const auto key = env.key(stages::kSft);
    train::SftData data;
    data.train = examples;
    if (progress.isDone(key) && fs::exists(fs::path(finalFolder) / "config.json"))
        return {Outcome::Succeeded, {}, finalFolder, static_cast<std::int64_t>(data.train.size())};

    if (data.train.empty()) {
        log::get("pipeline")->warn("iteration {}: no chosen answer is rated fully right; no supervised pass",
                                   env.iteration);
        progress.markDone(key);
        return {Outcome::Succeeded, {}, policyFolder, 0};
    }
    StageTimer timer(env, stages::kSft);
    auto config = o.sft;
    config.seed = o.seed * 1000 + static_cast<std::uint64_t>(env.iteration);
    store::RunRepository runs(env.project.db());
    const nlohmann::json hyper = {{"sft", train::toJson(config)},
                                  {"pipeline_run", env.runId},
                                  {"examples", data.train.size()},
                                  {"policy", policyFolder}};
    const auto sftRun = runs.start(store::RunKind::Sft, env.iteration + 1, hyper.dump());
    std::vector<store::MetricPoint> points;
    const RunContext context = recordingMetrics(env.context, points);
    log::get("pipeline")->info("iteration {} sft: {} promising answers -> {}", env.iteration, data.train.size(),
                               outputFolder);
    fs::remove_all(outputFolder); // a stopped pass starts over
    const auto result = train::runSft(config, policyFolder, data, outputFolder, context);
    store::MetricRepository(env.project.db()).append(sftRun, points);
    if (result.outcome == Outcome::Cancelled) {
        runs.finish(sftRun, store::RunStatus::Cancelled, result.message);
        return {Outcome::Cancelled, result.message, {}, static_cast<std::int64_t>(data.train.size())};
    }
    if (result.outcome != Outcome::Succeeded) {
        runs.finish(sftRun, store::RunStatus::Failed, result.message);
        throw Error("supervised pass of iteration " + std::to_string(env.iteration) + " failed: " + result.message,
                    {env.project.path(), 0, "sft"});
    }
    runs.finish(sftRun, store::RunStatus::Succeeded);
    progress.markDone(key);
    return {Outcome::Succeeded, {}, result.modelFolder, static_cast<std::int64_t>(data.train.size())};
}

} // namespace rlrf::pipeline
