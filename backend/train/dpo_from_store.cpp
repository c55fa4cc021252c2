// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/dpo_from_store.h"

#include "core/error.h"
#include "core/logging.h"
#include "model/text_model.h"
#include "pipeline/pair_tokens.h"
#include "store/checkpoint_repository.h"
#include "store/metric_repository.h"
#include "store/pair_repository.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "store/run_repository.h"
#include "train/dpo_step_plan.h"

#include <algorithm>
#include <limits>

namespace rlrf::train {

namespace {

std::vector<DpoPair> tokenisePairs(store::Project &project, const std::vector<std::int64_t> &ids,
                                   const model::TextModel &model, bool cutRejectedAtFlaw)
{
    store::PairRepository pairs(project.db());
    store::PromptRepository prompts(project.db());
    std::vector<DpoPair> list;
    for (const auto id : ids) {
        const auto pair = pairs.byId(id);
        list.push_back(pipeline::pairTokens(project.db(), model, pair, prompts.byId(pair.promptId).text, cutRejectedAtFlaw));
    }
    return list;
}

store::RunStatus statusOf(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Succeeded: return store::RunStatus::Succeeded;
    case Outcome::Cancelled: return store::RunStatus::Cancelled;
    case Outcome::Failed: break;
    }
    return store::RunStatus::Failed;
}

} // namespace

std::vector<std::int64_t> trainablePairIds(store::Project &project)
{
    store::PairRepository pairs(project.db());
    std::vector<std::int64_t> ids;
    for (const auto state : {store::ReviewState::Approved, store::ReviewState::Edited})
        for (const auto id : pairs.idsWithGapAtLeast(-std::numeric_limits<double>::infinity(), state))
            ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::vector<std::vector<std::int64_t>> stepPairIds(const DpoConfig &config, const std::vector<std::int64_t> &pairIds)
{
    std::vector<std::vector<std::int64_t>> steps;
    for (const auto &indices : dpoStepPairs(config, pairIds.size())) {
        steps.emplace_back();
        for (const auto index : indices)
            steps.back().push_back(pairIds[index]);
    }
    return steps;
}

std::vector<std::vector<std::int64_t>> storedStepPairIds(const std::string &hyperParametersJson)
{
    auto hyper = nlohmann::json::parse(hyperParametersJson, nullptr, false);
    if (!hyper.is_object() || !hyper.contains("pair_ids") || !hyper["pair_ids"].is_array())
        return {};
    const auto ids = hyper["pair_ids"].get<std::vector<std::int64_t>>();
    for (const char *key : {"policy", "reference", "pairs", "pair_ids", "resumed_from"})
        hyper.erase(key);
    return stepPairIds(dpoConfigFromJson(hyper, "run hyper-parameters"), ids);
}

StoreDpoResult runDpoOnApprovedPairs(const StoreDpoRequest &request, const RunContext &context)
{
    validate(request.config);
    auto project = store::Project::open(request.projectPath);
    StoreDpoResult result;
    result.pairIds = trainablePairIds(project);
    if (result.pairIds.empty())
        throw Error("no approved or edited pairs to train on; review some in the Pairs view first",
                    {request.projectPath, 0, "review_state"});
    const bool cuda = request.config.device.rfind("cuda", 0) == 0;
    const auto policyModel = model::TextModel::load(
        request.policyFolder, {request.config.device, cuda ? std::string("float32") : request.config.dtype});
    const auto pairs = tokenisePairs(project, result.pairIds, policyModel, request.cutRejectedAtFlaw);
    const std::string refFolder = request.referenceFolder.empty() ? request.policyFolder : request.referenceFolder;
    const auto reference = model::Policy::load(refFolder, {request.config.device, request.config.dtype});

    nlohmann::json hyper = toJson(request.config);
    hyper["policy"] = request.policyFolder;
    hyper["reference"] = refFolder;
    hyper["pairs"] = result.pairIds.size();
    hyper["pair_ids"] = result.pairIds; // with the config, this names every step's pairs
    if (!request.resumeFrom.empty())
        hyper["resumed_from"] = request.resumeFrom;
    store::RunRepository runs(project.db());
    result.runId = runs.start(store::RunKind::Dpo, request.iteration, hyper.dump());

    // Every metric point goes to the store as well as to the caller's listener; a
    // step's points are written in one transaction when the step reports progress.
    store::MetricRepository metrics(project.db());
    std::vector<store::MetricPoint> pending;
    auto flush = [&] {
        if (!pending.empty())
            metrics.append(result.runId, pending);
        pending.clear();
    };
    RunContext recording = context;
    recording.onMetric = [&](std::int64_t step, const std::string &key, double value) {
        pending.push_back({step, key, value});
        context.metric(step, key, value);
    };
    recording.onProgress = [&](const Progress &progress) {
        flush();
        context.onProgress(progress);
    };
    try {
        result.training = trainDpo(request.config, policyModel.policy(), reference, refFolder, pairs,
                                   request.outputFolder, recording, request.resumeFrom);
        flush();
    } catch (const std::exception &e) {
        runs.finish(result.runId, store::RunStatus::Failed, e.what());
        throw;
    }
    runs.finish(result.runId, statusOf(result.training.outcome), result.training.message);
    // A resumed run stopped before its first step ends at the checkpoint it came
    // from, which is registered already.
    if (!result.training.checkpoint.empty() && result.training.checkpoint != request.resumeFrom)
        store::CheckpointRepository(project.db())
            .add({0, result.training.checkpoint, std::nullopt, request.iteration, result.runId, {}});
    log::get("train")->info("dpo iteration {} on {} pairs: {} (run {})", request.iteration, result.pairIds.size(),
                            toString(result.training.outcome), result.runId);
    return result;
}

} // namespace rlrf::train
