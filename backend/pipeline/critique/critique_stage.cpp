// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/critique/critique_stage.h"

#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/prompt_repository.h"

#include <algorithm>

namespace rlrf::pipeline {

Outcome runCritiqueStage(const StageEnv &env, const std::string &stage, const std::string &sourceStage,
                         const std::vector<std::int64_t> &promptIds)
{
    auto work = [&](const std::vector<std::int64_t> &batch) -> BatchWriter {
        store::PromptRepository prompts(env.project.db());
        store::CandidateRepository candidates(env.project.db());
        store::StageRepository progress(env.project.db());
        std::vector<std::int64_t> owners;     // prompt of each request
        std::vector<std::int64_t> candidateIds;
        std::vector<feedback::JudgeRequest> requests;
        for (const auto promptId : batch) {
            const auto prompt = prompts.byId(promptId);
            for (const auto candidateId : progress.items(env.key(sourceStage), promptId)) {
                owners.push_back(promptId);
                candidateIds.push_back(candidateId);
                requests.push_back({prompt.text, candidates.byId(candidateId).text, prompt.referenceAnswer});
            }
        }
        // A batch is judged whole: the stop request is honoured between batches.
        auto critiques = env.judge.judgeBatch(requests, env.rubric, RunContext{});
        return [&env, &stage, batch, owners, candidateIds, critiques = std::move(critiques)]() {
            store::CritiqueRepository repo(env.project.db());
            store::StageRepository records(env.project.db());
            for (std::size_t i = 0; i < critiques.size(); ++i)
                records.record(env.key(stage), owners[i],
                               repo.insert({candidateIds[i], env.rubricVersionId, critiques[i]}));
            for (const auto promptId : batch)
                if (std::find(owners.begin(), owners.end(), promptId) == owners.end())
                    records.record(env.key(stage), promptId, std::nullopt); // nothing to judge
        };
    };
    return runPromptBatches(env, stage, promptIds, work, env.options.batchPrompts);
}

} // namespace rlrf::pipeline
