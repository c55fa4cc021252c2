// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/train/dpo_stage.h"

#include "core/error.h"
#include "core/logging.h"
#include "model/text_model.h"
#include "pipeline/run/recorded_run.h"
#include "pipeline/train/sft_stage.h"
#include "store/checkpoint_repository.h"
#include "store/pair_repository.h"
#include "train/dpo_resume.h"
#include "train/dpo_trainer.h"

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

// A stopped attempt (cancel, or a kill after a periodic checkpoint) continues from
// its last resumable checkpoint; one that cannot be continued (none, or settings
// or pairs that differ) starts over in an emptied folder.
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

train::DpoResult trainOrResume(const train::DpoConfig &config, const std::string &policyFolder,
                               const std::vector<train::DpoPair> &pairs, const std::string &outputFolder,
                               const std::string &checkpoint, RecordedRun &run, const RunContext &context)
{
    if (!checkpoint.empty()) {
        try {
            return train::runDpo(config, policyFolder, {}, pairs, outputFolder, context, checkpoint);
        } catch (const Error &e) {
            log::get("pipeline")->warn("cannot continue the stopped DPO run, starting over: {}", e.what());
            run.dropPointsAfter(0);
        }
    }
    std::filesystem::remove_all(outputFolder);
    return train::runDpo(config, policyFolder, {}, pairs, outputFolder, context);
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

TrainStageResult runTrainStage(const StageEnv &env, const std::string &policyFolder, const std::string &outputFolder)
{
    const std::string finalFolder = (std::filesystem::path(outputFolder) / "final").string();
    store::StageRepository progress(env.project.db());
    const auto key = env.key(stages::kTrain);
    if (progress.isDone(key)) {
        const auto c = checkpointAt(env.project, finalFolder);
        if (!c)
            throw Error("train stage of iteration " + std::to_string(env.iteration)
                            + " is done but its checkpoint is not registered",
                        {env.project.path(), 0, "checkpoints"});
        return {Outcome::Succeeded, {}, c->id, c->path, 0};
    }
    const auto approved = approvedPairs(env);
    const auto pairs = tokensOf(approved);
    if (pairs.empty())
        throw Error("iteration " + std::to_string(env.iteration)
                        + " has no approved pairs to train on; lower --delta, raise --samples, or approve pairs",
                    {env.project.path(), 0, "pairs"});

    // The supervised pass over the promising chosen answers, when asked for,
    // comes first; DPO then starts from its model and holds it as the frozen
    // reference.
    const auto sftFolder = outputFolder + "-sft";
    std::vector<train::SftExample> examples;
    if (supervisedPassEnabled(env.options))
        examples = env.options.sftSource == "pool" ? poolExamples(env, approved) : promisingExamples(env, approved);
    const auto sft = runSftStage(env, examples, policyFolder, sftFolder);
    if (sft.outcome == Outcome::Cancelled)
        return {Outcome::Cancelled, sft.message, 0, {}, static_cast<std::int64_t>(pairs.size())};
    const auto &dpoStart = sft.modelFolder;
    StageTimer timer(env, stages::kTrain);

    auto config = env.options.dpo;
    config.seed = env.options.seed * 1000 + static_cast<std::uint64_t>(env.iteration);
    const nlohmann::json hyper = {{"dpo", train::toJson(config)},
                                  {"pipeline_run", env.runId},
                                  {"pairs", pairs.size()},
                                  {"policy", dpoStart}};
    // A DPO pass killed after a checkpoint continues from it, and its run row
    // with it; one killed before any checkpoint starts over in a new row.
    const auto checkpoint = train::latestResumableDpoCheckpoint(outputFolder);
    const auto continued = settleInterruptedPasses(env.project, store::RunKind::Dpo, env.iteration + 1, env.runId,
                                                   checkpoint.empty() ? std::nullopt : stepOfCheckpoint(checkpoint));
    std::optional<RecordedRun> recorded;
    if (continued)
        recorded.emplace(env.project, *continued);
    else
        recorded.emplace(env.project, store::RunKind::Dpo, env.iteration + 1, hyper);
    auto &run = *recorded;
    const RunContext dpoContext = run.recording(env.context);
    log::get("pipeline")->info("iteration {} train: DPO on {} pairs -> {}", env.iteration, pairs.size(), outputFolder);
    const auto result = trainOrResume(config, dpoStart, pairs, outputFolder, checkpoint, run, dpoContext);
    if (result.outcome == Outcome::Cancelled) {
        run.finish(result.outcome, result.message);
        return {Outcome::Cancelled, result.message, 0, {}, static_cast<std::int64_t>(pairs.size())};
    }
    if (result.outcome == Outcome::Failed) {
        run.finish(result.outcome, result.message);
        throw Error("DPO of iteration " + std::to_string(env.iteration) + " failed: " + result.message,
                    {env.project.path(), 0, "train"});
    }
    // M_{i+1} under M_i, the DPO run's end and the stage's end land together.
    const auto checkpointId = run.finishWithCheckpoint(finalFolder, env.checkpointId, env.iteration + 1,
                                                       [&] { progress.markDone(key); });
    return {Outcome::Succeeded, {}, checkpointId, finalFolder, static_cast<std::int64_t>(pairs.size())};
}

} // namespace rlrf::pipeline
