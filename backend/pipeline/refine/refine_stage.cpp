// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/refine/refine_stage.h"

#include "pipeline/run/stage_generation.h"
#include "pipeline/sample/sample_stage.h"
#include "store/candidate_repository.h"
#include "store/critique_repository.h"
#include "store/prompt_repository.h"
#include "types/critique_text.h"
#include "types/prompt_formats.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace rlrf::pipeline {

std::vector<store::CritiqueRecord> selectForRefinement(std::vector<store::CritiqueRecord> critiques, std::size_t k)
{
    critiques.erase(std::remove_if(critiques.begin(), critiques.end(),
                                   [](const store::CritiqueRecord &c) {
                                       return c.critique.parseStatus != feedback::ParseStatus::Ok
                                           || feedback::refinementFeedback(c.critique).empty();
                                   }),
                    critiques.end());
    std::stable_sort(critiques.begin(), critiques.end(),
                     [](const auto &a, const auto &b) { return a.critique.overall > b.critique.overall; });
    if (critiques.size() > k)
        critiques.resize(k);
    return critiques;
}

namespace {

struct Selected {
    std::int64_t promptId = 0;
    std::int64_t candidateId = 0;
    std::int64_t critiqueId = 0;
};

} // namespace

Outcome runRefineStage(const StageEnv &env, const std::vector<std::int64_t> &promptIds)
{
    const auto &o = env.options;
    auto work = [&](const std::vector<std::int64_t> &batch) -> BatchGeneration {
        store::PromptRepository prompts(env.project.db());
        store::CandidateRepository candidates(env.project.db());
        store::CritiqueRepository critiques(env.project.db());
        store::StageRepository progress(env.project.db());
        std::vector<Selected> selected;
        std::vector<prompts::Messages> conversations;
        for (const auto promptId : batch) {
            std::vector<store::CritiqueRecord> rated;
            for (const auto id : progress.items(env.key(stages::kCritique), promptId))
                rated.push_back(critiques.byId(id));
            const auto prompt = prompts.byId(promptId);
            for (const auto &c : selectForRefinement(std::move(rated), static_cast<std::size_t>(o.selectTopK))) {
                const auto answer = candidates.byId(c.candidateId).text;
                const auto feedback = feedback::refinementFeedback(c.critique);
                selected.push_back({promptId, c.candidateId, c.id});
                conversations.push_back(prompts::refinementMessages(prompt.text, answer, feedback));
            }
        }
        const AnswerSettings settings{o.refinements, o.refineTemperature, o.topP, o.maxNewTokens,
                                      batchSeed(o.seed, env.iteration, stages::kRefine, batch.front())};
        return [&env, batch, selected = std::move(selected), conversations = std::move(conversations),
                settings]() -> BatchWriter {
            auto answers = generateAnswers(env, conversations, settings);
            if (!answers)
                return {};
            auto params = storedSamplingParams(env, settings);
            params["refinement"] = true;
            return [&env, batch, selected, samples = std::move(*answers), params, seed = settings.seed]() {
                store::CandidateRepository repo(env.project.db());
                store::StageRepository records(env.project.db());
                std::vector<bool> wrote(batch.size(), false);
                for (const auto &s : samples) {
                    const auto &from = selected.at(s.promptIndex);
                    store::CandidateRecord c;
                    c.promptId = from.promptId;
                    c.iteration = env.iteration;
                    c.checkpointId = candidateCheckpoint(env);
                    c.text = s.text;
                    c.tokenCount = s.tokenCount;
                    c.samplingParamsJson = params.dump();
                    c.seed = static_cast<std::int64_t>(seed);
                    c.parentCandidateId = from.candidateId;
                    c.critiqueUsedId = from.critiqueId;
                    records.record(env.key(stages::kRefine), c.promptId, repo.insert(c));
                    const auto at = std::find(batch.begin(), batch.end(), c.promptId) - batch.begin();
                    wrote[static_cast<std::size_t>(at)] = true;
                }
                for (std::size_t i = 0; i < batch.size(); ++i)
                    if (!wrote[i])
                        records.record(env.key(stages::kRefine), batch[i], std::nullopt); // nothing to refine
            };
        };
    };
    return runPromptBatchesSideBySide(env, stages::kRefine, promptIds, work, o.batchPrompts);
}

} // namespace rlrf::pipeline
