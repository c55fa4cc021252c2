// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/train/dpo_from_store.h"

#include "core/error.h"
#include "core/logging.h"
#include "model/adapter_folder.h"
#include "model/text_model.h"
#include "pipeline/run/run_setup.h"
#include "pipeline/train/stored_pairs.h"
#include "store/pair_repository.h"
#include "store/project_file.h"
#include "train/dpo_step_plan.h"

#include <algorithm>
#include <limits>
#include <optional>

namespace rlrf::pipeline {

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

std::vector<std::vector<std::int64_t>> stepPairIds(const train::DpoConfig &config, const std::vector<std::int64_t> &pairIds)
{
    std::vector<std::vector<std::int64_t>> steps;
    for (const auto &indices : train::dpoStepPairs(config, pairIds.size())) {
        steps.emplace_back();
        for (const auto index : indices)
            steps.back().push_back(pairIds[index]);
    }
    return steps;
}

std::optional<train::DpoConfig> storedDpoConfig(const std::string &hyperParametersJson)
{
    auto hyper = nlohmann::json::parse(hyperParametersJson, nullptr, false);
    if (!hyper.is_object())
        return std::nullopt;
    if (hyper.contains("dpo") && hyper["dpo"].is_object())
        hyper = hyper["dpo"];
    else
        for (const char *key : {"policy", "reference", "pairs", "pair_ids", "resumed_from"})
            hyper.erase(key);
    try {
        return train::dpoConfigFromJson(hyper, "run hyper-parameters");
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

std::vector<std::vector<std::int64_t>> storedStepPairIds(const std::string &hyperParametersJson)
{
    const auto hyper = nlohmann::json::parse(hyperParametersJson, nullptr, false);
    if (!hyper.is_object() || !hyper.contains("pair_ids") || !hyper["pair_ids"].is_array())
        return {};
    const auto config = storedDpoConfig(hyperParametersJson);
    if (!config)
        return {};
    return stepPairIds(*config, hyper["pair_ids"].get<std::vector<std::int64_t>>());
}

StoreDpoResult runDpoOnApprovedPairs(const StoreDpoRequest &request, const RunContext &context)
{
    train::validate(request.config);
    auto project = store::Project::open(request.projectPath);
    StoreDpoResult result;
    result.pairIds = trainablePairIds(project);
    if (result.pairIds.empty())
        throw Error("no approved or edited pairs to train on; review some in the Pairs view first",
                    {request.projectPath, 0, "review_state"});
    // bfloat16 trains float32 master weights under autocast (CPU and CUDA), unless
    // only an adapter trains on a frozen bfloat16 base.
    const bool master = request.config.dtype == "bfloat16" && !request.config.lora.enabled()
        && !model::isAdapterFolder(request.policyFolder);
    const auto policyModel = model::TextModel::load(
        request.policyFolder, {request.config.device, master ? std::string("float32") : request.config.dtype});
    StoredPairsDpo job;
    job.config = request.config;
    for (auto &stored : storedPairs(project.db(), policyModel, result.pairIds, request.cutRejectedAtFlaw))
        job.pairs.push_back(std::move(stored.tokens));
    job.policyFolder = request.policyFolder;
    job.referenceFolder = request.referenceFolder;
    job.outputFolder = request.outputFolder;
    job.resumeFrom = request.resumeFrom;
    job.iteration = request.iteration;
    job.parent = checkpointOfFolder(project, request.policyFolder);
    job.settings = train::toJson(request.config);
    job.settings["policy"] = request.policyFolder;
    job.settings["reference"] = request.referenceFolder.empty() ? request.policyFolder : request.referenceFolder;
    job.settings["pairs"] = result.pairIds.size();
    job.settings["pair_ids"] = result.pairIds; // with the config, this names every step's pairs
    if (!request.resumeFrom.empty())
        job.settings["resumed_from"] = request.resumeFrom;
    // A paused run's checkpoint is a model people may continue or inspect.
    job.registerStoppedCheckpoint = true;
    const auto trained = trainOnStoredPairs(project, policyModel.policy(), job, context);
    result.training = trained.training;
    result.runId = trained.runId;
    log::get("train")->info("dpo iteration {} on {} pairs: {} (run {})", request.iteration, result.pairIds.size(),
                            toString(result.training.outcome), result.runId);
    return result;
}

} // namespace rlrf::pipeline
