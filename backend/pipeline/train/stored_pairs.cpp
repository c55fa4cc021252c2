// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/train/stored_pairs.h"

#include "core/error.h"
#include "core/logging.h"
#include "model/adapter_folder.h"
#include "pipeline/pairs/pair_tokens.h"
#include "pipeline/train/adapter_reference.h"
#include "pipeline/run/recorded_run.h"
#include "store/critique_repository.h"
#include "store/pair_repository.h"
#include "store/project_file.h"
#include "store/prompt_repository.h"
#include "train/lora_setup.h"

#include <filesystem>
#include <optional>

namespace rlrf::pipeline {

std::vector<StoredPair> storedPairs(store::Database &db, const model::TextModel &policy,
                                    const std::vector<std::int64_t> &pairIds, bool cutRejectedAtFlaw)
{
    store::PairRepository pairs(db);
    store::PromptRepository prompts(db);
    store::CritiqueRepository critiques(db);
    std::vector<StoredPair> out;
    out.reserve(pairIds.size());
    for (const auto id : pairIds) {
        auto pair = pairs.byId(id);
        std::optional<feedback::Critique> rejected;
        if (cutRejectedAtFlaw && pair.reviewState == store::ReviewState::Approved && pair.rejectedCritiqueId)
            rejected = critiques.byId(*pair.rejectedCritiqueId).critique;
        auto tokens = pairTokens(policy, pair, prompts.byId(pair.promptId).text, rejected ? &*rejected : nullptr);
        out.push_back({std::move(pair), std::move(tokens)});
    }
    return out;
}

namespace {

// The policy is its own frozen reference when it can be (the same folder, a
// fresh pass: every reference log-prob is taken before the first update);
// otherwise the reference folder is loaded. With LoRA asked for, a full model
// gets its adapter first (the run's first pass when no supervised pass ran),
// and a policy with an adapter is trained against itself as it starts
// (adapter_reference.h), never against a second copy of its base.
train::DpoResult trainWithReference(const StoredPairsDpo &job, const model::Policy &policy,
                                    const std::string &resumeFrom, const RunContext &context)
{
    const auto &config = job.config;
    train::prepareLora(policy, config.lora, config.seed, "dpo settings");
    if (policy.hasLora())
        return trainAdapterAgainstStart(config, policy, job.pairs, job.outputFolder, context, resumeFrom);
    const std::string referenceFolder = job.referenceFolder.empty() ? job.policyFolder : job.referenceFolder;
    if (train::policyServesAsReference(config, job.policyFolder, job.referenceFolder, resumeFrom))
        return train::trainDpo(config, policy, policy, referenceFolder, job.pairs, job.outputFolder, context,
                               resumeFrom);
    const auto reference = model::Policy::load(referenceFolder, {config.device, config.dtype});
    return train::trainDpo(config, policy, reference, referenceFolder, job.pairs, job.outputFolder, context,
                           resumeFrom);
}

} // namespace

StoredPairsDpoResult trainOnStoredPairs(store::Project &project, const model::Policy &policy,
                                        const StoredPairsDpo &job, const RunContext &context)
{
    std::optional<RecordedRun> recorded;
    if (job.continuedRunId)
        recorded.emplace(project, *job.continuedRunId);
    else
        recorded.emplace(project, store::RunKind::Dpo, job.iteration, job.settings);
    auto &run = *recorded;
    StoredPairsDpoResult result;
    result.runId = run.id();
    result.trained = policy;
    const RunContext recording = run.recording(context);
    try {
        if (job.resumeFrom.empty()) {
            if (job.ownsOutputFolder)
                std::filesystem::remove_all(job.outputFolder);
            result.training = trainWithReference(job, policy, {}, recording);
        } else {
            try {
                result.training = trainWithReference(job, policy, job.resumeFrom, recording);
            } catch (const Error &e) {
                if (!job.ownsOutputFolder)
                    throw;
                log::get("pipeline")->warn("cannot continue the stopped DPO run, starting over: {}", e.what());
                run.dropPointsAfter(0);
                // The refused attempt may have copied some of the checkpoint's
                // weights already: start over from the folder, not from `policy`.
                const std::string base = model::isAdapterFolder(job.policyFolder) ? policy.baseFolder() : std::string();
                result.trained = model::Policy::load(job.policyFolder, {policy.device(), policy.dtype(), base});
                std::filesystem::remove_all(job.outputFolder);
                result.training = trainWithReference(job, *result.trained, {}, recording);
            }
        }
    } catch (const std::exception &e) {
        run.finish(Outcome::Failed, e.what());
        throw;
    }
    const auto &training = result.training;
    const bool succeeded = training.outcome == Outcome::Succeeded;
    // A resumed pass stopped before its first step ends at the checkpoint it came
    // from, which is registered already (or, in a pipeline pass, never is).
    if (!training.checkpoint.empty() && training.checkpoint != job.resumeFrom
        && (succeeded || job.registerStoppedCheckpoint))
        result.checkpointId = run.finishWithCheckpoint(training.checkpoint, job.parent, job.iteration,
                                                       succeeded ? job.alsoWriteOnSuccess : std::function<void()>(),
                                                       training.outcome, training.message);
    else
        run.finish(training.outcome, training.message);
    return result;
}

} // namespace rlrf::pipeline
