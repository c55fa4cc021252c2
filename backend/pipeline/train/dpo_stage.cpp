// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/train/dpo_stage.h"

#include "core/error.h"
#include "core/logging.h"
#include "model/adapter_folder.h"
#include "model/text_model.h"
#include "pipeline/run/recorded_run.h"
#include "pipeline/train/sft_stage.h"
#include "store/checkpoint_repository.h"
#include "store/pair_repository.h"
#include "store/transaction.h"
#include "train/dpo_resume.h"
#include "train/dpo_trainer.h"
#include "train/sft_example.h"

#include <filesystem>
#include <optional>

namespace rlrf::pipeline {
namespace {

std::optional<store::CheckpointRecord> checkpointAt(store::Project &project, const std::string &path)
{
    for (const auto &c : store::CheckpointRepository(project.db()).list())
        if (c.path == path)
            return c;
    return std::nullopt;
}

// The step a checkpoint-<step> folder was written after.
std::optional<std::int64_t> stepOfCheckpoint(const std::string &folder)
{
    const std::string name = std::filesystem::path(folder).filename().string();
    const std::string prefix = "checkpoint-";
    if (name.rfind(prefix, 0) != 0)
        return std::nullopt;
    try {
        return std::stoll(name.substr(prefix.size()));
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

// The "supervised pass only" ablation: M_{i+1} is the pass's model, registered
// as the iteration's checkpoint together with the stage's end. A pass that had
// nothing rated fully right to learn leaves M_i as M_{i+1}.
TrainStageResult finishWithoutDpo(const StageEnv &env, const SftStageResult &sft, const std::string &policyFolder,
                                  const model::Policy *trainedInPlace, std::int64_t pairCount)
{
    store::StageRepository progress(env.project.db());
    const auto key = env.key(stages::kTrain);
    if (sft.modelFolder == policyFolder) {
        log::get("pipeline")->warn("iteration {}: no DPO and no supervised pass ran; M{} is M{}", env.iteration,
                                   env.iteration + 1, env.iteration);
        progress.markDone(key);
        return {Outcome::Succeeded, {}, env.checkpointId.value_or(0), policyFolder, pairCount, std::nullopt};
    }
    store::Transaction tx(env.project.db());
    store::CheckpointRecord checkpoint;
    checkpoint.path = sft.modelFolder;
    checkpoint.parentId = env.checkpointId;
    checkpoint.iteration = env.iteration + 1;
    checkpoint.runId = sft.runId;
    const auto id = store::CheckpointRepository(env.project.db()).add(checkpoint);
    progress.markDone(key);
    tx.commit();
    log::get("pipeline")->info("iteration {} train: no DPO; M{} is the supervised pass's model {}", env.iteration,
                               env.iteration + 1, sft.modelFolder);
    TrainStageResult out{Outcome::Succeeded, {}, id, sft.modelFolder, pairCount, std::nullopt};
    if (sft.trainedInPlace && trainedInPlace)
        out.model = model::TextModel::withPolicy(sft.modelFolder, *trainedInPlace);
    return out;
}

} // namespace

std::vector<ApprovedPair> approvedPairs(const StageEnv &env)
{
    store::PairRepository pairs(env.project.db());
    std::vector<std::int64_t> ids;
    for (const auto id : store::StageRepository(env.project.db()).items(env.key(stages::kPairs))) {
        const auto state = pairs.byId(id).reviewState;
        if (state == store::ReviewState::Approved || state == store::ReviewState::Edited)
            ids.push_back(id);
    }
    // The reward-only baseline has a scalar, not a located flaw: whole answers.
    const bool cut = env.options.cutRejectedAtFlaw && env.options.mode == PipelineMode::Rlrf;
    return storedPairs(env.project.db(), *env.policy, ids, cut);
}

std::vector<train::DpoPair> tokensOf(const std::vector<ApprovedPair> &approved)
{
    std::vector<train::DpoPair> out;
    for (const auto &p : approved)
        out.push_back(p.tokens);
    return out;
}

std::vector<train::DpoPair> approvedDpoPairs(const StageEnv &env)
{
    return tokensOf(approvedPairs(env));
}

bool trainsInPlace(const PipelineOptions &options)
{
    // With LoRA the frozen base stays in the asked dtype and only the float32
    // adapter trains, so the model as loaded is what DPO trains; full bfloat16
    // training holds float32 master weights, which the loaded model is not.
    return options.dpo.dtype == "float32" || options.dpo.lora.enabled();
}

TrainStageResult runTrainStage(const StageEnv &env, const std::string &policyFolder, const std::string &outputFolder)
{
    const auto &o = env.options;
    const std::string finalFolder = (std::filesystem::path(outputFolder) / "final").string();
    const auto sftFolder = outputFolder + "-sft";
    store::StageRepository progress(env.project.db());
    const auto key = env.key(stages::kTrain);
    if (progress.isDone(key)) {
        // Without DPO, M_{i+1} is the supervised pass's folder, or M_i's when
        // the pass had nothing to learn.
        auto c = checkpointAt(env.project,
                              o.dpoPass ? finalFolder : (std::filesystem::path(sftFolder) / "final").string());
        if (!c && !o.dpoPass)
            c = checkpointAt(env.project, policyFolder);
        if (!c)
            throw Error("train stage of iteration " + std::to_string(env.iteration)
                            + " is done but its checkpoint is not registered",
                        {env.project.path(), 0, "checkpoints"});
        return {Outcome::Succeeded, {}, c->id, c->path, 0, std::nullopt};
    }
    const auto approved = approvedPairs(env);
    auto pairs = tokensOf(approved);
    const auto pairCount = static_cast<std::int64_t>(pairs.size());
    if (pairs.empty() && o.dpoPass)
        throw Error("iteration " + std::to_string(env.iteration)
                        + " has no approved pairs to train on; lower --delta, raise --samples, or approve pairs",
                    {env.project.path(), 0, "pairs"});

    // M_i as the driver loaded it, when DPO (and the supervised pass, when its
    // device and dtype are the same) can train it in place.
    const model::Policy *inPlace = trainsInPlace(o) ? &env.policy->policy() : nullptr;
    const bool sftInPlace = inPlace && o.sft.device == o.dpo.device && o.sft.dtype == o.dpo.dtype;

    // The supervised pass over the promising chosen answers, when asked for,
    // comes first; DPO then starts from its model and holds it as the frozen
    // reference.
    std::vector<train::SftExample> examples;
    if (supervisedPassEnabled(o))
        examples = o.sftSource == "pool" ? poolExamples(env, approved) : promisingExamples(env, approved);
    const auto sft = runSftStage(env, examples, policyFolder, sftFolder, sftInPlace ? inPlace : nullptr);
    if (sft.outcome == Outcome::Cancelled)
        return {Outcome::Cancelled, sft.message, 0, {}, pairCount, std::nullopt};
    if (!o.dpoPass)
        return finishWithoutDpo(env, sft, policyFolder, sftInPlace ? inPlace : nullptr, pairCount);
    const auto &dpoStart = sft.modelFolder;
    StageTimer timer(env, stages::kTrain);

    auto config = o.dpo;
    config.seed = o.seed * 1000 + static_cast<std::uint64_t>(env.iteration);
    // DPO's starting model in memory: M_i itself, trained by the supervised pass
    // just now when it ran in place; else (a pass done in an earlier process, or
    // not in place) its folder, loaded as DPO trains it.
    std::optional<model::Policy> loaded;
    if (!inPlace || (dpoStart != policyFolder && !sft.trainedInPlace)) {
        // float32 master weights under bfloat16 autocast, unless only an adapter trains
        const bool master = config.dtype == "bfloat16" && !config.lora.enabled();
        loaded = model::Policy::load(dpoStart, {config.device, master ? std::string("float32") : config.dtype,
                                                model::isAdapterFolder(dpoStart) ? env.policy->policy().baseFolder()
                                                                                 : std::string()});
    }
    const model::Policy &start = loaded ? *loaded : *inPlace;

    StoredPairsDpo job;
    job.config = config;
    job.pairs = std::move(pairs);
    job.policyFolder = dpoStart;
    job.outputFolder = outputFolder;
    job.ownsOutputFolder = true;
    job.iteration = env.iteration + 1;
    job.parent = env.checkpointId;
    job.settings = {{"dpo", train::toJson(config)}, {"pipeline_run", env.runId}, {"pairs", pairCount}, {"policy", dpoStart}};
    // A DPO pass killed after a checkpoint continues from it, and its run row
    // with it; one killed before any checkpoint starts over in a new row.
    job.resumeFrom = train::latestResumableDpoCheckpoint(outputFolder);
    job.continuedRunId = settleInterruptedPasses(env.project, store::RunKind::Dpo, env.iteration + 1, env.runId,
                                                 job.resumeFrom.empty() ? std::nullopt : stepOfCheckpoint(job.resumeFrom));
    // M_{i+1} under M_i, the DPO run's end and the stage's end land together.
    job.alsoWriteOnSuccess = [&] { progress.markDone(key); };
    log::get("pipeline")->info("iteration {} train: DPO on {} pairs -> {}", env.iteration, pairCount, outputFolder);
    const auto dpo = trainOnStoredPairs(env.project, start, job, env.context);
    const auto &result = dpo.training;
    if (result.outcome == Outcome::Cancelled)
        return {Outcome::Cancelled, result.message, 0, {}, pairCount, std::nullopt};
    if (result.outcome == Outcome::Failed)
        throw Error("DPO of iteration " + std::to_string(env.iteration) + " failed: " + result.message,
                    {env.project.path(), 0, "train"});
    TrainStageResult out{Outcome::Succeeded, {}, dpo.checkpointId.value_or(0), finalFolder, pairCount, std::nullopt};
    if (trainsInPlace(o))
        out.model = model::TextModel::withPolicy(finalFolder, *dpo.trained);
    return out;
}

} // namespace rlrf::pipeline
