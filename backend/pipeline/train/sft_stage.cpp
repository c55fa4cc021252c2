// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/train/sft_stage.h"

#include "core/error.h"
#include "core/logging.h"
#include "model/adapter_folder.h"
#include "model/policy_prompt.h"
#include "pipeline/pairs/pair_tokens.h"
#include "pipeline/run/recorded_run.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/pair_repository.h"
#include "store/prompt_repository.h"
#include "train/sft.h"
#include "types/prompt_formats.h"

#include <filesystem>
#include <map>
#include <set>

namespace rlrf::pipeline {

namespace {

std::vector<train::SftExample> distinct(const std::vector<train::SftExample> &examples)
{
    std::set<std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>>> seen;
    std::vector<train::SftExample> out;
    for (const auto &e : examples)
        if (seen.insert({e.promptIds, e.answerIds}).second)
            out.push_back(e);
    return out;
}

// The chosen answers of the pairs a person rejected: review said no to them.
std::set<std::int64_t> rejectedChosenCandidates(const StageEnv &env)
{
    store::PairRepository pairs(env.project.db());
    std::set<std::int64_t> out;
    for (const auto id : store::StageRepository(env.project.db()).items(env.key(stages::kPairs)))
        if (const auto pair = pairs.byId(id); pair.reviewState == store::ReviewState::Rejected)
            out.insert(pair.chosenCandidateId);
    return out;
}

} // namespace

std::vector<train::SftExample> chosenExamples(const std::vector<train::DpoPair> &pairs)
{
    std::vector<train::SftExample> examples;
    for (const auto &p : pairs)
        examples.push_back({p.prompt, p.chosen});
    return distinct(examples);
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

std::vector<train::SftExample> poolExamples(const StageEnv &env, const std::vector<ApprovedPair> &approved)
{
    if (env.policy == nullptr)
        throw Error("the pool's supervised pass needs the iteration's policy loaded", {env.project.path(), 0, "sft"});
    auto examples = promisingExamples(env, approved); // an edited chosen answer is only in its pair
    const auto vetoed = rejectedChosenCandidates(env);
    store::StageRepository progress(env.project.db());
    store::CritiqueRepository critiques(env.project.db());
    store::CandidateRepository candidates(env.project.db());
    store::PromptRepository prompts(env.project.db());
    std::map<std::int64_t, std::vector<std::int64_t>> promptIds; // prompt id -> the policy's prompt tokens
    for (const auto &stage : poolCritiqueStages(env.options.mode))
        for (const auto id : progress.items(env.key(stage))) {
            const auto critique = critiques.byId(id);
            if (vetoed.count(critique.candidateId) || !isPromising(env.options.mode, critique.critique))
                continue;
            const auto candidate = candidates.byId(critique.candidateId);
            auto prompt = promptIds.find(candidate.promptId);
            if (prompt == promptIds.end())
                prompt = promptIds
                             .emplace(candidate.promptId,
                                      model::policyPromptIds(*env.policy, prompts::answerMessages(prompts.byId(candidate.promptId).text)))
                             .first;
            examples.push_back({prompt->second, answerIds(*env.policy, candidate.text)});
        }
    return distinct(examples);
}

SftStageResult runSftStage(const StageEnv &env, const std::vector<train::SftExample> &examples,
                           const std::string &policyFolder, const std::string &outputFolder,
                           const model::Policy *policy)
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
    // The pass's model: a full model folder, or with LoRA an adapter folder.
    const bool saved = fs::exists(fs::path(finalFolder) / "config.json") || model::isAdapterFolder(finalFolder);
    if (progress.isDone(key) && saved)
        return {Outcome::Succeeded, {}, finalFolder, static_cast<std::int64_t>(data.train.size())};

    if (data.train.empty()) {
        log::get("pipeline")->warn("iteration {}: no answer to learn is rated fully right; no supervised pass",
                                   env.iteration);
        progress.markDone(key);
        return {Outcome::Succeeded, {}, policyFolder, 0};
    }
    StageTimer timer(env, stages::kSft);
    auto config = o.sft;
    config.seed = o.seed * 1000 + static_cast<std::uint64_t>(env.iteration);
    const nlohmann::json hyper = {{"sft", train::toJson(config)},
                                  {"pipeline_run", env.runId},
                                  {"examples", data.train.size()},
                                  {"policy", policyFolder}};
    // A supervised pass always starts over: a killed one leaves nothing to keep.
    settleInterruptedPasses(env.project, store::RunKind::Sft, env.iteration + 1, env.runId, std::nullopt);
    RecordedRun run(env.project, store::RunKind::Sft, env.iteration + 1, hyper);
    const RunContext context = run.recording(env.context);
    log::get("pipeline")->info("iteration {} sft: {} promising answers -> {}", env.iteration, data.train.size(),
                               outputFolder);
    fs::remove_all(outputFolder); // a stopped pass starts over
    const auto result = policy ? train::runSft(config, *policy, data, outputFolder, context)
                               : train::runSft(config, policyFolder, data, outputFolder, context);
    run.finish(result.outcome, result.message);
    if (result.outcome == Outcome::Cancelled)
        return {Outcome::Cancelled, result.message, {}, static_cast<std::int64_t>(data.train.size())};
    if (result.outcome != Outcome::Succeeded)
        throw Error("supervised pass of iteration " + std::to_string(env.iteration) + " failed: " + result.message,
                    {env.project.path(), 0, "sft"});
    progress.markDone(key);
    return {Outcome::Succeeded, {}, result.modelFolder, static_cast<std::int64_t>(data.train.size()), policy != nullptr,
            run.id()};
}

} // namespace rlrf::pipeline
